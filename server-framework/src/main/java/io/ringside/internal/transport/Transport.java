package io.ringside.internal.transport;

import io.ringside.internal.buffer.OutputQueue;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

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

    /** Releases the transport (closes the socket). Idempotent; never throws. */
    void close();

    /** The peer's address; null when unknown (the socket is gone, or there is none). */
    InetSocketAddress remoteAddress();

    /** This end's address; null when unknown. */
    InetSocketAddress localAddress();
}
