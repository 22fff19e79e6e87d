package io.ringside.internal.tls;

import io.ringside.CloseReason;
import io.ringside.internal.transport.Transport;
import io.ringside.internal.transport.TransportException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import javax.net.ssl.SSLSession;

/**
 * The three buffers of one TLS connection, sized from its session: ciphertext read from the socket and
 * not yet decrypted ({@code netIn}, fill mode: its position is the end of the bytes), ciphertext wrapped
 * and not yet written ({@code netOut}, drain mode), and plaintext decrypted past the reader's room
 * ({@code plain}, drain mode). The two ciphertext buffers hold up to {@link #RECORDS_PER_IO} records (the
 * packet size the session allows, times four), so one socket read or write moves several records, as a
 * plain connection moves a whole batch in one call; the plaintext buffer holds one record. A connection's TLS
 * memory is bounded whatever the peer sends; and each buffer is taken from its worker's free list only while
 * it holds bytes ({@link #releaseIdle}), so an idle TLS connection holds none, as an idle plain one holds no
 * read buffer.
 *
 * <p>Confined to the connection's worker (the free list is the worker thread's own).
 */
final class TlsBuffers {
    /** The empty plaintext of a wrap that only sends the engine's own records. */
    static final ByteBuffer[] NONE = {ByteBuffer.allocate(0)};
    /** A TLS record header: type, version (2 bytes), length (2 bytes). */
    private static final int HEADER = 5;
    /** Ceiling for buffers grown after an overflow: the ciphertext buffer's records and a few more. */
    private static final int MAX_BUFFER = 1 << 18;
    /** Records a ciphertext buffer holds: 4 x 16,709 bytes (the JDK's packet size) is about 65 KiB. */
    static final int RECORDS_PER_IO = 4;
    /** Free buffers of each size each worker thread keeps for its TLS connections (~4 MiB); more go to the GC. */
    private static final int MAX_FREE = 256;
    private static final int MAX_FREE_WIRE = MAX_FREE / RECORDS_PER_IO;
    private static final ThreadLocal<ArrayDeque<ByteBuffer>> FREE = ThreadLocal.withInitial(ArrayDeque::new);
    private static final ThreadLocal<ArrayDeque<ByteBuffer>> FREE_WIRE = ThreadLocal.withInitial(ArrayDeque::new);
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    /** The size of the pooled plaintext buffers: the session's packet (a record), which also holds its plaintext. */
    private final int size;
    /** The size of the pooled ciphertext buffers: {@link #RECORDS_PER_IO} records. */
    private final int wire;
    private ByteBuffer netIn = EMPTY;
    private ByteBuffer netOut = EMPTY;
    private ByteBuffer plain = EMPTY;
    /** netOut as the one-element array the socket's gathering write takes. */
    private final ByteBuffer[] netOutArray = new ByteBuffer[1];

    TlsBuffers(SSLSession session) {
        size = Math.max(session.getPacketBufferSize(), session.getApplicationBufferSize());
        wire = RECORDS_PER_IO * size;
    }

    private ByteBuffer acquire() {
        ByteBuffer b = FREE.get().pollFirst();
        return b != null ? b.clear() : ByteBuffer.allocate(size);
    }

    private ByteBuffer acquireWire() {
        ByteBuffer b = FREE_WIRE.get().pollFirst();
        return b != null ? b.clear() : ByteBuffer.allocate(wire);
    }

    private ByteBuffer release(ByteBuffer b) {
        ArrayDeque<ByteBuffer> free = b.capacity() == wire ? FREE_WIRE.get() : FREE.get();
        if ((b.capacity() == size || b.capacity() == wire) && free.size() < (b.capacity() == wire ? MAX_FREE_WIRE : MAX_FREE)) {
            free.addFirst(b);
        }
        return EMPTY;
    }

    /** Gives back the buffers that hold no bytes now (after each drive of the engine). */
    void releaseIdle() {
        if (netIn != EMPTY && netIn.position() == 0) {
            netIn = release(netIn);
        }
        if (netOut != EMPTY && !netOut.hasRemaining()) {
            netOut = release(netOut);
        }
        if (plain != EMPTY && !plain.hasRemaining()) {
            plain = release(plain);
        }
    }

    /** The transport closed: every buffer goes back, whatever it held. */
    void releaseAll() {
        netIn = netIn == EMPTY ? EMPTY : release(netIn);
        netOut = netOut == EMPTY ? EMPTY : release(netOut);
        plain = plain == EMPTY ? EMPTY : release(plain);
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
        if (netIn == EMPTY) {
            netIn = acquireWire();
        }
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

    /**
     * The socket ended without the peer's close_notify: -1 (TLS 1.3 peers often just close, and what came before
     * was whole records), unless a record was cut after the handshake; during it, a cut record is the peer leaving.
     */
    int endOfStream(boolean established) throws TransportException {
        if (netIn.position() > 0 && established) {
            throw new TransportException(CloseReason.PREFACE_FAILED, "TLS record cut by the end of the stream (" + netIn.position() + " bytes)");
        }
        return -1;
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
        ByteBuffer grown = ByteBuffer.allocate(wanted).put(netIn.flip());
        release(netIn);
        netIn = grown;
    }

    boolean hasPlaintext() {
        return plain.hasRemaining();
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
        if (!plain.hasRemaining()) {
            plain = release(plain);
        }
        return n;
    }

    /** The (empty) plaintext buffer in fill mode, as large as the session's largest record. */
    ByteBuffer plaintextForUnwrap(SSLSession session) {
        int wanted = session.getApplicationBufferSize();
        if (plain.capacity() < wanted) {
            release(plain);
            plain = wanted <= size ? acquire() : ByteBuffer.allocate(wanted);
        }
        return plain.clear();
    }

    void plaintextUnwrapped() {
        plain.flip();
    }

    boolean hasCiphertextOut() {
        return netOut.hasRemaining();
    }

    /** The ciphertext buffer in fill mode for one more wrap, after the records wrapped and not yet sent. */
    ByteBuffer ciphertextForWrap() {
        if (netOut == EMPTY) {
            return netOut = acquireWire(); // empty, in fill mode
        }
        return netOut.hasRemaining() ? netOut.compact() : netOut.clear();
    }

    /** Whether one more whole record fits after the ciphertext not yet sent. */
    boolean roomForAnotherRecord() {
        return netOut.capacity() - netOut.remaining() >= size;
    }

    void ciphertextWrapped() {
        netOut.flip();
    }

    /**
     * After a BUFFER_OVERFLOW of a wrap: the session's packets grew past the room left after the records not yet
     * sent; the buffer grows by one packet, keeping them.
     */
    void growCiphertextOut(SSLSession session) throws IOException {
        int packet = Math.max(session.getPacketBufferSize(), size);
        int grown = Math.max(netOut.remaining() + packet, netOut.capacity() + packet / RECORDS_PER_IO);
        if (grown > MAX_BUFFER) {
            throw new IOException("TLS engine asks for a " + grown + "-byte packet buffer");
        }
        ByteBuffer bigger = ByteBuffer.allocate(grown).put(netOut).flip(); // the records not yet sent stay
        release(netOut);
        netOut = bigger;
    }

    /** Writes the pending ciphertext as far as the socket takes it; true when none is left. */
    boolean writeCiphertext(Transport socket) throws IOException {
        netOutArray[0] = netOut;
        while (netOut.hasRemaining()) {
            if (socket.write(netOutArray, 0, 1) == 0) {
                return false;
            }
        }
        if (netOut != EMPTY) {
            netOut = release(netOut);
        }
        return true;
    }
}
