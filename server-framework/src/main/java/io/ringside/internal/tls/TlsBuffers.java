package io.ringside.internal.tls;

import io.ringside.CloseReason;
import io.ringside.internal.transport.SocketTransport;
import io.ringside.internal.transport.TransportException;
import java.io.IOException;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLSession;

/**
 * The three buffers of one TLS connection, sized from its session: ciphertext read from the socket and
 * not yet decrypted ({@code netIn}, fill mode: its position is the end of the bytes), ciphertext wrapped
 * and not yet written ({@code netOut}, drain mode), and plaintext decrypted past the reader's room
 * ({@code plain}, drain mode; allocated the first time a record does not fit the reader's buffer). Each
 * holds at most one record's worth (the packet size the session allows), so a connection's TLS memory is
 * bounded whatever the peer sends.
 *
 * <p>Confined to the connection's worker.
 */
final class TlsBuffers {
    /** The empty plaintext of a wrap that only sends the engine's own records. */
    static final ByteBuffer[] NONE = {ByteBuffer.allocate(0)};
    /** A TLS record header: type, version (2 bytes), length (2 bytes). */
    private static final int HEADER = 5;
    /** Ceiling for buffers grown after an overflow: twice the largest record any JDK session asks for. */
    private static final int MAX_BUFFER = 1 << 17;

    private ByteBuffer netIn;
    private ByteBuffer netOut;
    private ByteBuffer plain;
    /** netOut as the one-element array the socket's gathering write takes. */
    private final ByteBuffer[] netOutArray = new ByteBuffer[1];

    TlsBuffers(SSLSession session) {
        netIn = ByteBuffer.allocate(session.getPacketBufferSize());
        netOut = ByteBuffer.allocate(session.getPacketBufferSize()).limit(0);
        netOutArray[0] = netOut;
    }

    static boolean anyRemaining(ByteBuffer[] srcs, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            if (srcs[i].hasRemaining()) {
                return true;
            }
        }
        return false;
    }

    /** Where socket reads go (fill mode). */
    ByteBuffer netIn() {
        return netIn;
    }

    int netInBytes() {
        return netIn.position();
    }

    /** Whether the ciphertext read holds a whole record (by its header), so the engine can decrypt it. */
    boolean mayHoldRecord() {
        int n = netIn.position();
        return n >= HEADER && n >= HEADER + (netIn.getShort(3) & 0xffff);
    }

    ByteBuffer netInForUnwrap() {
        return netIn.flip();
    }

    void netInUnwrapped() {
        netIn.compact();
    }

    /**
     * After a BUFFER_UNDERFLOW: the engine needs more of a record. A full buffer grows to the session's
     * packet size once; a record larger than that is refused.
     */
    void roomForRecord(SSLSession session) throws TransportException {
        if (netIn.hasRemaining()) {
            return; // more bytes will come from the socket
        }
        int wanted = session.getPacketBufferSize();
        if (wanted <= netIn.capacity() || wanted > MAX_BUFFER) {
            throw new TransportException(CloseReason.PREFACE_FAILED, "TLS record longer than the session allows ("
                    + netIn.capacity() + " bytes buffered, no record end)");
        }
        netIn = ByteBuffer.allocate(wanted).put(netIn.flip());
    }

    boolean hasPlaintext() {
        return plain != null && plain.hasRemaining();
    }

    /** Moves buffered plaintext into {@code dst}; returns the bytes moved. */
    int takePlaintext(ByteBuffer dst) {
        if (!hasPlaintext()) {
            return 0;
        }
        int n = Math.min(plain.remaining(), dst.remaining());
        dst.put(dst.position(), plain, plain.position(), n);
        dst.position(dst.position() + n);
        plain.position(plain.position() + n);
        return n;
    }

    /** The (empty) plaintext buffer in fill mode, as large as the session's largest record. */
    ByteBuffer plaintextForUnwrap(SSLSession session) {
        int size = session.getApplicationBufferSize();
        if (plain == null || plain.capacity() < size) {
            plain = ByteBuffer.allocate(size);
        }
        return plain.clear();
    }

    void plaintextUnwrapped() {
        plain.flip();
    }

    boolean hasCiphertextOut() {
        return netOut.hasRemaining();
    }

    /** The (empty) ciphertext buffer in fill mode, for one wrap. */
    ByteBuffer ciphertextForWrap() {
        assert !netOut.hasRemaining() : "wrap over unsent ciphertext";
        return netOut.clear();
    }

    void ciphertextWrapped() {
        netOut.flip();
    }

    /** After a BUFFER_OVERFLOW of a wrap into the empty buffer: the session's packets grew. */
    void growCiphertextOut(SSLSession session) throws IOException {
        int size = Math.max(session.getPacketBufferSize(), netOut.capacity() * 2);
        if (size > MAX_BUFFER) {
            throw new IOException("TLS engine asks for a " + size + "-byte packet buffer");
        }
        netOut = ByteBuffer.allocate(size).limit(0);
        netOutArray[0] = netOut;
    }

    /** Writes the pending ciphertext as far as the socket takes it; true when none is left. */
    boolean writeCiphertext(SocketTransport socket) throws IOException {
        while (netOut.hasRemaining()) {
            if (socket.write(netOutArray, 0, 1) == 0) {
                return false;
            }
        }
        return true;
    }
}
