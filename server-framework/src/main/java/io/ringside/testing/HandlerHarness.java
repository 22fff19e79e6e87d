package io.ringside.testing;

import io.ringside.CloseReason;
import io.ringside.Connection;
import io.ringside.LineHandler;
import io.ringside.ServerConfig;
import io.ringside.internal.DetachedConnection;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Tests a {@link LineHandler} without sockets: feed byte chunks, read what it wrote. The bytes go
 * through the same framing, buffers, budgets and dispatch as on a real connection.
 *
 * <pre>{@code
 * HandlerHarness h = new HandlerHarness(new Rot13Handler());
 * h.feed("Hello\n");
 * assertEquals("Uryyb\n", h.takeOutputAscii());
 * }</pre>
 *
 * <p>Confined to the thread that created it.
 */
public final class HandlerHarness {
    private final DetachedConnection connection;

    public HandlerHarness(LineHandler handler) {
        this(ServerConfig.defaults(), handler);
    }

    public HandlerHarness(ServerConfig config, LineHandler handler) {
        this.connection = new DetachedConnection(config, handler);
    }

    /** Delivers {@code bytes} as one read. */
    public HandlerHarness feed(byte[] bytes) {
        connection.receive(ByteBuffer.wrap(bytes));
        return this;
    }

    /** Delivers the ISO-8859-1 bytes of {@code text} (one byte per char) as one read. */
    public HandlerHarness feed(String text) {
        return feed(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** The peer closes its side. */
    public HandlerHarness endOfStream() {
        connection.endOfStream();
        return this;
    }

    /** Runs tasks and due timers of the connection's loop. */
    public HandlerHarness settle() {
        connection.settle();
        return this;
    }

    /** Everything written since the last call. */
    public byte[] takeOutput() {
        return connection.takeOutput();
    }

    /** {@link #takeOutput()} as ISO-8859-1 text. */
    public String takeOutputAscii() {
        return new String(takeOutput(), StandardCharsets.ISO_8859_1);
    }

    /** The connection as the handler sees it. */
    public Connection connection() {
        return connection.connection();
    }

    /** Why the connection closed, or null while open. */
    public CloseReason closeReason() {
        return connection.closeReason();
    }
}
