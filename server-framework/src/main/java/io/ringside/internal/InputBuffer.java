package io.ringside.internal;

import java.nio.ByteBuffer;

/**
 * A connection's received bytes and framing position.
 *
 * <p>The buffer comes from the worker's pool when the socket is readable and goes back as soon as every
 * byte in it was consumed, so an idle connection holds none. The buffer is in write mode: bytes
 * {@code [start, position)} are received and not yet consumed; {@code [start, scan)} are known to hold
 * no line terminator, so a partial line is never rescanned from its start.
 *
 * <p>Confined to the connection's worker.
 */
final class InputBuffer {
    /** {@link #nextLine} result: no complete line yet. */
    static final int NO_LINE = -1;
    /** {@link #nextLine} result: the line is longer than the maximum. */
    static final int TOO_LONG = -2;

    private final BufferPool pool;
    private final LineFramer framer;
    private ByteBuffer buf;
    private int start;
    private int scan;
    private long blockRemaining;

    InputBuffer(BufferPool pool, LineFramer framer) {
        this.pool = pool;
        this.framer = framer;
    }

    /** The buffer to read into (taken from the pool if the connection held none). */
    ByteBuffer forRead() {
        if (buf == null) {
            buf = pool.acquire();
        }
        return buf;
    }

    /** Copies as much of {@code src} as fits, as if read from a socket; returns the count. */
    int copyFrom(ByteBuffer src) {
        ByteBuffer b = forRead();
        int n = Math.min(src.remaining(), b.remaining());
        b.put(b.position(), src, src.position(), n);
        b.position(b.position() + n);
        src.position(src.position() + n);
        return n;
    }

    /** Whether received bytes wait to be consumed. */
    boolean hasBytes() {
        return buf != null && start < buf.position();
    }

    /** Whether bytes wait that no scan has looked at yet (they may hold complete lines or block bytes). */
    boolean hasUnscanned() {
        return buf != null && (scan < buf.position() || (blockRemaining > 0 && start < buf.position()));
    }

    /** Whether the bytes held are the start of a line whose end has not arrived (all scanned). */
    boolean holdsPartialLine() {
        return buf != null && start < buf.position() && scan == buf.position() && blockRemaining == 0;
    }

    boolean inBlock() {
        return blockRemaining > 0;
    }

    void addBlock(long length) {
        blockRemaining += length;
    }

    /**
     * Frames the next line into {@code span}: returns its length, {@link #NO_LINE} or {@link #TOO_LONG}.
     * A too-long line is detected as soon as the bytes prove it, without waiting for its end.
     */
    int nextLine(InputSpan span) {
        int end = buf.position();
        int eol = framer.findEnd(buf, start, scan, end);
        if (eol < 0) {
            scan = end;
            return framer.provesTooLong(buf, start, end) ? TOO_LONG : NO_LINE;
        }
        int length = framer.contentEnd(buf, start, eol) - start;
        if (length > framer.maxLineBytes()) {
            return TOO_LONG;
        }
        span.set(buf, start, length);
        start = eol + 1;
        scan = start;
        return length;
    }

    /** Points {@code span} at the next chunk of the current data block; returns whether it completes it. */
    boolean nextBlockChunk(InputSpan span) {
        int n = (int) Math.min(blockRemaining, buf.position() - start);
        span.set(buf, start, n);
        start += n;
        scan = start;
        blockRemaining -= n;
        return blockRemaining == 0;
    }

    /**
     * After a batch: gives the buffer back when everything was consumed; otherwise, when it is full,
     * moves the partial line to the front or, if the line fills it, grows it (up to the longest legal
     * frame; larger buffers are not pooled).
     */
    void compact() {
        if (buf == null) {
            return;
        }
        int end = buf.position();
        if (start == end) {
            release();
        } else if (end == buf.capacity()) {
            if (start > 0) {
                buf.limit(end).position(start);
                buf.compact();
                scan -= start;
                start = 0;
            } else {
                ByteBuffer bigger = ByteBuffer.allocate((int) Math.min((long) buf.capacity() * 2, framer.maxFrameBytes()));
                buf.flip();
                bigger.put(buf);
                pool.release(buf);
                buf = bigger;
            }
        }
    }

    /** Discards every received byte and gives the buffer back. */
    void release() {
        if (buf != null) {
            pool.release(buf);
            buf = null;
        }
        start = 0;
        scan = 0;
    }
}
