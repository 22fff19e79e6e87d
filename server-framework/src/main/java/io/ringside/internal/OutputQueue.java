package io.ringside.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;

/**
 * A connection's queued replies: a chain of pooled buffers, written with one gathering write.
 *
 * <p>Each buffer is kept in read mode: {@code position} is the next byte to send, {@code limit} the end
 * of the queued bytes; appends go past the tail's limit with absolute puts. An empty queue holds no
 * buffer. Confined to the connection's worker.
 */
final class OutputQueue {
    private static final ByteBuffer[] NONE = new ByteBuffer[0];

    private final BufferPool pool;
    private ByteBuffer[] buffers = NONE;
    private int head;
    private int count;
    private long pending;
    /** Where the last {@link #reserve} starts in its buffer, and how many bytes it holds. */
    private int reservedAt;
    private int reserved;

    OutputQueue(BufferPool pool) {
        this.pool = pool;
    }

    long pending() {
        return pending;
    }

    void append(byte[] src, int off, int len) {
        while (len > 0) {
            ByteBuffer tail = reserve(len);
            tail.put(reservedAt, src, off, reserved);
            off += reserved;
            len -= reserved;
        }
    }

    void append(ByteBuffer src, int off, int len) {
        while (len > 0) {
            ByteBuffer tail = reserve(len);
            tail.put(reservedAt, src, off, reserved);
            off += reserved;
            len -= reserved;
        }
    }

    /** Appends {@code text[from, to)} whose chars are all below 0x80, one byte per char. */
    void appendAscii(CharSequence text, int from, int to) {
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
    long writeTo(GatheringByteChannel channel) throws IOException {
        if (count == 0) {
            return 0;
        }
        long n = count == 1 ? channel.write(buffers[head]) : channel.write(buffers, head, count);
        pending -= n;
        dropSent();
        return n;
    }

    /** Moves everything queued into {@code sink} (the socket-less test harness). */
    void drainTo(java.io.ByteArrayOutputStream sink) {
        for (int i = head; i < head + count; i++) {
            ByteBuffer b = buffers[i];
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            sink.write(bytes, 0, bytes.length);
        }
        pending = 0;
        dropSent();
    }

    /** Returns every buffer to the pool; queued bytes are discarded. Returns how many were discarded. */
    long discard() {
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
