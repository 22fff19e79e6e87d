package io.ringside.internal.transport;

import io.ringside.CloseReason;
import io.ringside.internal.buffer.OutputQueue;
import io.ringside.internal.stats.Counters;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;

/**
 * The bytes on the wire of one connection: what the connection reads from and writes to. Framing,
 * dispatch, watermarks and timeouts sit above it and never see a socket, so a transport can be a plain
 * socket, TLS wrapped around one (it would own its handshake and records and report only plaintext), or
 * the in-memory peer of the test harness.
 *
 * <p>Confined to the connection's worker, like the connection.
 */
public interface Transport extends OutputQueue.BufferSink {

    /** Reads into {@code dst}: the number of bytes, 0 when none are available now, -1 at end of stream. */
    int read(ByteBuffer dst) throws IOException;

    /** Writes as much of {@code srcs[offset, offset + length)} as the peer takes now; returns the bytes taken. */
    @Override
    long write(ByteBuffer[] srcs, int offset, int length) throws IOException;

    /**
     * What the connection wants to hear about next: readable input, room for output. The socket sets
     * its selection key's interest ops; a transport with its own handshake may want more.
     */
    void interest(boolean read, boolean write);

    /**
     * False while the transport still reads its preface (a PROXY header, a TLS handshake): its reads
     * return 0 meanwhile, and the handler hears onOpen only once this is true. A transport that fails
     * its preface throws {@link TransportException} from {@link #read}.
     */
    default boolean established() {
        return true;
    }

    /**
     * Input the transport holds that {@link #read} would return although the socket may not be readable
     * (plaintext decrypted past the reader's room, bytes read past a header). The connection reads again
     * on its next turn while this is true.
     */
    default boolean hasBufferedInput() {
        return false;
    }

    /**
     * An outbound connection's socket reported OP_CONNECT: completes the connect. True once connected (false:
     * not yet, a spurious wake-up); throws when it failed (refused, unreachable). A transport that wraps the
     * socket (TLS as a client, a PROXY header to send) forwards this to it, then starts its own preface:
     * {@link #established()} stays false until that is done. Accepted connections are connected already.
     */
    default boolean finishConnect() throws IOException {
        return true;
    }

    /**
     * Half-close: ends this side's output (a TCP FIN; a TLS transport would send its close_notify first), called
     * once everything queued was written. Reading goes on.
     */
    default void shutdownOutput() throws IOException {
        throw new IOException(getClass().getSimpleName() + " cannot shut down its output alone");
    }

    /**
     * Output the transport itself holds for the socket (the rest of a record, a handshake message): the
     * connection keeps write interest for it, and a close after the flush waits for it.
     */
    default boolean hasBufferedOutput() {
        return false;
    }

    /**
     * The socket has room (or the connection flushes): writes what the transport itself queued, even when
     * the connection has nothing to send (handshake messages, an alert, a close_notify).
     */
    default void writeBuffered() throws IOException {
    }

    /**
     * Called once as the connection is opened, before any read: {@code onLoop} (thread-safe) runs a task on
     * the connection's loop, after which the loop reads and flushes the connection again. A transport whose
     * work ends on another thread (a TLS handshake task) posts its end with it.
     */
    default void bind(Executor onLoop) {
    }

    /**
     * {@link #bind(Executor)} for an accepted connection, with its worker's {@code counters}, for a transport that
     * counts its own events there (TLS handshakes done and failed); written on the worker only.
     */
    default void bind(Executor onLoop, Counters counters) {
        bind(onLoop);
    }

    /** Releases the transport (closes the socket). Idempotent; never throws. */
    void close();

    /**
     * {@link #close()} as the connection closes for {@code why}: a transport with a preface may count how it ended
     * (a TLS handshake cut by {@link CloseReason#PREFACE_TIMEOUT} or by the peer). Idempotent; never throws.
     */
    default void close(CloseReason why) {
        close();
    }

    /** The peer's address; null when unknown (the socket is gone, or there is none). */
    InetSocketAddress remoteAddress();

    /** This end's address; null when unknown. */
    InetSocketAddress localAddress();

    /**
     * The proxy that connected on the client's behalf, when this transport read a PROXY header (then
     * {@link #remoteAddress()} and {@link #localAddress()} are the header's); null otherwise. A transport laid
     * over another ({@link TransportLayer}, e.g. TLS over a PROXY header reader) returns its inner transport's
     * three addresses.
     */
    default InetSocketAddress proxyAddress() {
        return null;
    }
}
