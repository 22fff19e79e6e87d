package io.ringside.internal.buffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A connection's queued replies: a chain of pooled buffers, written with one gathering write.
 *
 * <p>Each buffer is kept in read mode: {@code position} is the next byte to send, {@code limit} the end
 * of the queued bytes; appends go past the tail's limit with absolute puts. An empty queue holds no
 * buffer. Confined to the connection's worker.
 */
public final class OutputQueue {
    /** Where queued buffers go: a transport's gathering write. */
    @FunctionalInterface
    public interface BufferSink {
        long write(ByteBuffer[] buffers, int offset, int length) throws IOException;
    }

    private static final ByteBuffer[] NONE = new ByteBuffer[0];

    private final BufferPool pool;
    private ByteBuffer[] buffers = NONE;
    private int head;
    private int count;
    private long pending;
    /** Where the last {@link #reserve} starts in its buffer, and how many bytes it holds. */
    private int reservedAt;
    private int reserved;

    public OutputQueue(BufferPool pool) {
        this.pool = pool;
    }

    public long pending() {
        return pending;
    }

    public void append(byte[] src, int off, int len) {
        while (len > 0) {
            ByteBuffer tail = reserve(len);
            tail.put(reservedAt, src, off, reserved);
            off += reserved;
            len -= reserved;
        }
    }

    public void append(ByteBuffer src, int off, int len) {
        while (len > 0) {
            ByteBuffer tail = reserve(len);
            tail.put(reservedAt, src, off, reserved);
            off += reserved;
            len -= reserved;
        }
    }

    /** Appends {@code span[from, to)} of a span that is not the framework's own, byte by byte (no copy to the heap). */
    public void append(io.ringside.ByteSpan span, int from, int to) {
        while (from < to) {
            ByteBuffer tail = reserve(to - from);
            for (int i = 0; i < reserved; i++) {
                tail.put(reservedAt + i, span.byteAt(from + i));
            }
            from += reserved;
        }
    }

    /** Appends text as UTF-8: ASCII char by char, anything else through one encoding (allocates). */
    public void appendText(CharSequence text) {
        int n = text.length();
        for (int i = 0; i < n; i++) {
            if (text.charAt(i) >= 0x80) {
                byte[] utf8 = text.toString().getBytes(StandardCharsets.UTF_8);
                append(utf8, 0, utf8.length);
                return;
            }
        }
        appendAscii(text, 0, n);
    }

    /** Appends {@code text[from, to)} whose chars are all below 0x80, one byte per char. */
    public void appendAscii(CharSequence text, int from, int to) {
        while (from < to) {
            ByteBuffer tail = reserve(to - from);
            for (int i = 0; i < reserved; i++) {
                tail.put(reservedAt + i, (byte) text.charAt(from + i));
            }
            from += reserved;
        }
    }

    /**
     * Makes room for up to {@code wanted} bytes at the end of the tail buffer (a new one when it is
     * full) and counts them as queued; the caller fills {@code [reservedAt, reservedAt + reserved)}.
     */
    private ByteBuffer reserve(int wanted) {
        ByteBuffer tail = tailWithRoom();
        reservedAt = tail.limit();
        reserved = Math.min(wanted, tail.capacity() - reservedAt);
        tail.limit(reservedAt + reserved);
        pending += reserved;
        return tail;
    }

    /** Writes as much as the channel takes; returns the bytes written. */
    public long writeTo(BufferSink sink) throws IOException {
        if (count == 0) {
            return 0;
        }
        long n = sink.write(buffers, head, count);
        pending -= n;
        dropSent();
        return n;
    }

    /** Returns every buffer to the pool; queued bytes are discarded. Returns how many were discarded. */
    public long discard() {
        long lost = pending;
        for (int i = head; i < head + count; i++) {
            pool.release(buffers[i]);
            buffers[i] = null;
        }
        head = 0;
        count = 0;
        pending = 0;
        return lost;
    }

    /** Appends the decimal digits of {@code value} (with a '-' when negative), allocation-free. */
    public void appendDecimal(long value) {
        if (value < 0) {
            appendAscii("-", 0, 1);
            if (value == Long.MIN_VALUE) {
                appendAscii("9223372036854775808", 0, 19);
                return;
            }
            value = -value;
        }
        appendUnsignedDecimal(value);
    }

    /** Appends {@code value} read as an unsigned 64-bit number (0 to 18446744073709551615), allocation-free. */
    public void appendUnsignedDecimal(long value) {
        int digits = 1;
        for (long v = Long.divideUnsigned(value, 10); v != 0; v /= 10) {
            digits++;
        }
        ByteBuffer tail = reserve(digits);
        if (reserved < digits) { // the tail had less room: write the digits one by one across buffers
            undoReserve(tail);
            for (int d = digits - 1; d >= 0; d--) {
                long p = pow10(d);
                appendByte((byte) ('0' + Long.remainderUnsigned(Long.divideUnsigned(value, p), 10)));
            }
            return;
        }
        long v = value;
        for (int i = digits - 1; i >= 0; i--) {
            tail.put(reservedAt + i, (byte) ('0' + Long.remainderUnsigned(v, 10)));
            v = Long.divideUnsigned(v, 10);
        }
    }

    private static long pow10(int exponent) {
        long p = 1;
        for (int i = 0; i < exponent; i++) {
            p *= 10;
        }
        return p;
    }

    private void appendByte(byte b) {
        ByteBuffer tail = reserve(1);
        tail.put(reservedAt, b);
    }

    private void undoReserve(ByteBuffer tail) {
        tail.limit(reservedAt);
        pending -= reserved;
        reserved = 0;
    }

    private void dropSent() {
        while (count > 0 && !buffers[head].hasRemaining()) {
            pool.release(buffers[head]);
            buffers[head++] = null;
            count--;
        }
        if (count == 0) {
            head = 0;
        }
    }

    private ByteBuffer tailWithRoom() {
        if (count > 0) {
            ByteBuffer tail = buffers[head + count - 1];
            if (tail.limit() < tail.capacity()) {
                return tail;
            }
        }
        if (head + count == buffers.length) {
            makeSlot();
        }
        ByteBuffer b = pool.acquire();
        b.limit(0);
        buffers[head + count] = b;
        count++;
        return b;
    }

    private void makeSlot() {
        if (head > 0) {
            System.arraycopy(buffers, head, buffers, 0, count);
            java.util.Arrays.fill(buffers, count, head + count, null);
            head = 0;
        } else {
            buffers = java.util.Arrays.copyOf(buffers, Math.max(4, buffers.length * 2));
        }
    }
}
