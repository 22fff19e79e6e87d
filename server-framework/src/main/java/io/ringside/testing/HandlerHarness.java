package io.ringside.testing;

import io.ringside.CloseReason;
import io.ringside.Connection;
import io.ringside.LineHandler;
import io.ringside.ServerConfig;
import io.ringside.internal.harness.HarnessConnection;
import io.ringside.internal.tls.TlsTransportFactory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLEngine;

/**
 * Tests a {@link LineHandler} without sockets: feed byte chunks, read what it wrote. The bytes go
 * through the same connection, framing, buffers, budgets, back-pressure and dispatch as on a real
 * connection; only the socket is replaced by an in-memory peer, which can also be slow or stall.
 *
 * <pre>{@code
 * HandlerHarness h = new HandlerHarness(new Rot13Handler());
 * h.feed("Hello\n");
 * assertEquals("Uryyb\n", h.takeOutputAscii());
 * }</pre>
 *
 * <p>Every call plays the connection's loop turns until nothing more can happen now: tasks posted with
 * {@code execute}, timers already due, lines left over from a budget, and offloaded calls (waited for,
 * up to 30 s). Timers not yet due wait for a later call. {@link #overTls} makes the connection speak TLS: the
 * bytes fed and taken are then records. Confined to the thread that created it.
 */
public final class HandlerHarness {
    private final HarnessConnection connection;

    /** A harness with the default configuration; the handler's onOpen runs at once. */
    public HandlerHarness(LineHandler handler) {
        this(ServerConfig.defaults(), handler);
    }

    /** A harness with {@code config} (end of line, limits, watermarks); the handler's onOpen runs at once. */
    public HandlerHarness(ServerConfig config, LineHandler handler) {
        this(new HarnessConnection(config, handler));
    }

    private HandlerHarness(HarnessConnection connection) {
        this.connection = connection;
    }

    /**
     * A harness whose connection speaks TLS as the TLS listener's do: the certificate and key of {@code config}'s
     * {@code tls-cert} and {@code tls-key}, its protocols and client-certificate policy, and the handshake before the
     * handler's onOpen. The peer is a client {@link javax.net.ssl.SSLEngine}: feed the harness its records, and give
     * it the records {@link #takeOutput()} returns. The handshake's delegated tasks run on this thread.
     *
     * @throws IOException when the certificate or key cannot be used (the message names the file)
     */
    public static HandlerHarness overTls(ServerConfig config, LineHandler handler) throws IOException {
        SSLEngine engine;
        try (TlsTransportFactory tls = TlsTransportFactory.create(config.tls())) {
            engine = tls.newEngine(); // the factory's task threads are not used: the harness runs tasks inline
        }
        return new HandlerHarness(new HarnessConnection(config, handler, engine));
    }

    /** The peer sends {@code bytes}; the connection reads them as far as it is willing to now. */
    public HandlerHarness feed(byte[] bytes) {
        connection.receive(ByteBuffer.wrap(bytes.clone()));
        return this;
    }

    /** Delivers the ISO-8859-1 bytes of {@code text} (one byte per char). */
    public HandlerHarness feed(String text) {
        return feed(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /**
     * Delivers {@code bytes} (its remaining bytes, read in place: do not change them until the
     * connection has read them, see {@link #unreadBytes()}).
     */
    public HandlerHarness feed(ByteBuffer bytes) {
        connection.receive(bytes);
        return this;
    }

    /** The peer shuts down its side (half-close). */
    public HandlerHarness endOfStream() {
        connection.endOfStream();
        return this;
    }

    /** Runs tasks, due timers and left-over lines; waits for offloaded calls. */
    public HandlerHarness settle() {
        connection.settle();
        return this;
    }

    /** Bytes fed that the connection has not read yet (it stopped reading: paused, back-pressure, closed). */
    public long unreadBytes() {
        return connection.transport().unread();
    }

    /**
     * From now on the peer takes at most {@code bytes} per write of the connection: a slow reader. 0
     * stalls it: replies queue in the connection, up to its watermarks and hard cap.
     */
    public HandlerHarness peerReadsAtMost(long bytes) {
        connection.transport().peerTakesAtMost(bytes);
        connection.settle();
        return this;
    }

    /** The peer takes everything again. */
    public HandlerHarness peerReadsEverything() {
        return peerReadsAtMost(Long.MAX_VALUE);
    }

    /**
     * From now on what the connection writes is dropped instead of collected (collecting copies it):
     * allocates nothing once the pools are warm, for benchmarks. {@link #discardedBytes()} counts it.
     */
    public HandlerHarness discardOutput() {
        connection.transport().discardOutput(true);
        return this;
    }

    /** Bytes dropped since {@link #discardOutput()}. */
    public long discardedBytes() {
        return connection.transport().discarded();
    }

    /** Everything written (and taken by the peer) since the last call. */
    public byte[] takeOutput() {
        return connection.transport().takeCollected();
    }

    /** {@link #takeOutput()} as ISO-8859-1 text. */
    public String takeOutputAscii() {
        return new String(takeOutput(), StandardCharsets.ISO_8859_1);
    }

    /** The connection as the handler sees it (call its confined methods on this thread only). */
    public Connection connection() {
        return connection.connection();
    }

    /** Whether the connection shut down its output ({@link Connection#shutdownOutput()}): the peer read the end of stream. */
    public boolean peerSawEndOfStream() {
        return connection.transport().outputShutDown();
    }

    /** Why the connection closed, or null while open. */
    public CloseReason closeReason() {
        return connection.closeReason();
    }
}
