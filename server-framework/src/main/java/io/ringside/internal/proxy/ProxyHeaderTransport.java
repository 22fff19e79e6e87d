package io.ringside.internal.proxy;

import io.ringside.ProxyProtocol;
import io.ringside.internal.transport.Transport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * A transport that reads the PROXY protocol header before anything else, then passes every byte through.
 * Until the header is complete it is not {@link #established()} (the handler waits) and its reads return 0;
 * bytes that cannot start a valid header close the connection at once ({@link ProxyHeaderParser}, a
 * {@link io.ringside.internal.transport.TransportException} with {@code BAD_PROXY_HEADER}), and so does an end
 * of stream inside the header. The header is read into a small buffer of its own ({@value #FIRST_BUFFER_BYTES}
 * bytes, grown once to a version 2 header's announced length, at most 16 plus {@code maxV2Length}); bytes read
 * past it are handed to the next reads unchanged, one copy each, and then the buffer is dropped: from there on
 * a read is the inner transport's read, with no copy.
 *
 * <p>The addresses: {@link #remoteAddress()} and {@link #localAddress()} are the header's source and
 * destination once it named them, else the inner transport's (a {@code LOCAL} health check, {@code UNKNOWN},
 * UNIX, UDP, an unspecified family); {@link #proxyAddress()} is the inner transport's peer, the proxy.
 *
 * <p>Confined to the connection's worker, except the three address methods, which any thread may call
 * (the header is published through a volatile field).
 */
public final class ProxyHeaderTransport implements Transport {
    /**
     * The header buffer's first size: a version 1 line (107 bytes at most) fits, and so does a version 2 header
     * with IPv6 or UNIX addresses (232 bytes) and a few TLVs.
     */
    static final int FIRST_BUFFER_BYTES = 256;

    private final Transport inner;
    private final ProxyProtocol expected;
    private final int maxV2Length;
    /** The header's bytes while it is read; after it, the bytes read past it until handed on; then null. */
    private ByteBuffer buffer = ByteBuffer.allocate(FIRST_BUFFER_BYTES);
    /** Written once by the worker when the header is complete; read by the address methods on any thread. */
    private volatile ProxyHeader header;

    /**
     * Reads a header that {@code expected} accepts (not {@code OFF}) from {@code inner}, refusing a version 2
     * length field above {@code maxV2Length}.
     */
    public ProxyHeaderTransport(Transport inner, ProxyProtocol expected, int maxV2Length) {
        if (expected == ProxyProtocol.OFF) {
            throw new IllegalArgumentException("a PROXY header transport needs v1, v2 or any, not off");
        }
        this.inner = inner;
        this.expected = expected;
        this.maxV2Length = maxV2Length;
    }

    /** Whether reads go straight to the inner transport (the header and every byte read past it handed on). */
    boolean passesThrough() {
        return buffer == null;
    }

    /** The header, or null while it is read. */
    public ProxyHeader header() {
        return header;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (buffer == null) {
            return inner.read(dst); // a pass-through once the header and the bytes after it are handed on
        }
        if (header == null) {
            int done = readHeader();
            if (done <= 0) {
                return done;
            }
        }
        return handOn(dst);
    }

    /** Reads what is there of the header: -1 for an end of stream before its first byte, 0 until complete, 1. */
    private int readHeader() throws IOException {
        for (int attempt = 0; attempt < 3; attempt++) { // at most: fill the first buffer, grow once, fill that
            int n = inner.read(buffer);
            if (n < 0) {
                if (buffer.position() == 0) {
                    return -1; // connected and left without a byte: the peer closed, nothing was malformed
                }
                throw ProxyHeaderParser.bad("end of stream after " + buffer.position() + " bytes of a PROXY header");
            }
            int filled = buffer.position();
            int length = ProxyHeaderParser.headerLength(buffer.array(), filled, expected, maxV2Length);
            if (length > 0 && length <= filled) {
                header = ProxyHeaderParser.decode(buffer.array(), length);
                buffer.flip().position(length); // what is left are the bytes read past the header
                return 1;
            }
            if (length > buffer.capacity()) {
                buffer = ByteBuffer.allocate(length).put(buffer.flip()); // exactly the header: nothing read past it
            } else if (n == 0 || buffer.hasRemaining()) {
                return 0; // the peer has sent no more for now
            }
        }
        return 0;
    }

    /** Bytes read past the header, as many as {@code dst} takes; the buffer goes once they are all handed on. */
    private int handOn(ByteBuffer dst) {
        int n = Math.min(buffer.remaining(), dst.remaining());
        dst.put(dst.position(), buffer, buffer.position(), n);
        dst.position(dst.position() + n);
        buffer.position(buffer.position() + n);
        if (!buffer.hasRemaining()) {
            buffer = null;
        }
        return n;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return inner.write(srcs, offset, length);
    }

    @Override
    public void interest(boolean read, boolean write) {
        inner.interest(read, write);
    }

    @Override
    public boolean established() {
        return header != null && inner.established();
    }

    @Override
    public boolean hasBufferedInput() {
        return buffer != null && header != null || inner.hasBufferedInput();
    }

    @Override
    public void close() {
        buffer = null;
        inner.close();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        ProxyHeader h = header;
        return h != null && h.source() != null ? h.source() : inner.remoteAddress();
    }

    @Override
    public InetSocketAddress localAddress() {
        ProxyHeader h = header;
        return h != null && h.destination() != null ? h.destination() : inner.localAddress();
    }

    @Override
    public InetSocketAddress proxyAddress() {
        return header != null ? inner.remoteAddress() : null;
    }

    @Override
    public String toString() {
        ProxyHeader h = header;
        return h != null ? h.toString() : "PROXY header (" + expected + ") awaited";
    }
}
