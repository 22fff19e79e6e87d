package io.ringside.internal.framing;

import io.ringside.internal.buffer.BufferPool;
import java.nio.ByteBuffer;

/**
 * A connection's received bytes and framing position: lines, and data blocks with or without a
 * terminator after them.
 *
 * <p>The buffer comes from the worker's pool when the socket is readable and goes back as soon as every
 * byte in it was consumed, so an idle connection holds none. The buffer is in write mode: bytes
 * {@code [start, position)} are received and not yet consumed; {@code [start, scan)} are known to hold
 * no line terminator, so a partial line is never rescanned from its start. A line longer than the buffer
 * grows it (direct, up to the longest legal frame).
 *
 * <p>Confined to the connection's worker.
 */
public final class InputBuffer {
    /** {@link #nextLine} result: no complete line yet. */
    public static final int NO_LINE = -1;
    /** {@link #nextLine} result: the line is longer than the maximum. */
    public static final int TOO_LONG = -2;

    /** What {@link #nextBlockChunk} delivered. */
    public enum Chunk {
        /** Nothing deliverable yet: wait for more bytes. */
        NONE,
        /** A chunk of the block; more follow. */
        PART,
        /** The chunk that completes the block (and its terminator checked, if it has one). */
        LAST,
        /** The bytes after the block are not its terminator; the block and those bytes are consumed. */
        BAD_END
    }

    private static final byte[] NO_TERMINATOR = new byte[0];

    private final BufferPool pool;
    private final LineFramer framer;
    private ByteBuffer buf;
    private int start;
    private int scan;
    /** Bytes of the current block not yet delivered; -1 when no block is pending. */
    private long blockRemaining = -1;
    private byte[] blockEnd = NO_TERMINATOR;
    /** Whether bytes of the current terminated block went out in chunks (then it no longer comes whole). */
    private boolean blockChunked;

    public InputBuffer(BufferPool pool, LineFramer framer) {
        this.pool = pool;
        this.framer = framer;
    }

    /** The buffer to read into (taken from the pool if the connection held none). */
    public ByteBuffer forRead() {
        if (buf == null) {
            buf = pool.acquire();
        }
        return buf;
    }

    /** Whether received bytes wait to be consumed. */
    public boolean hasBytes() {
        return buf != null && start < buf.position();
    }

    /** Whether bytes wait that no scan has looked at yet (they may hold complete lines or block bytes). */
    public boolean hasUnscanned() {
        return buf != null && (scan < buf.position() || (inBlock() && start < buf.position()));
    }

    /** Whether the bytes held are the start of a line whose end has not arrived (all scanned). */
    public boolean holdsPartialLine() {
        return buf != null && start < buf.position() && scan == buf.position() && !inBlock();
    }

    public boolean inBlock() {
        return blockRemaining >= 0;
    }

    /**
     * Expects a block of {@code length} bytes next, followed by {@code terminator} (empty: none).
     *
     * @throws IllegalStateException when a block is already pending
     */
    public void expectBlock(long length, byte[] terminator) {
        if (inBlock()) {
            throw new IllegalStateException("a data block is already pending (" + blockRemaining + " bytes to go)");
        }
        blockRemaining = length;
        blockEnd = terminator;
    }

    /**
     * Frames the next line into {@code span}: returns its length, {@link #NO_LINE} or {@link #TOO_LONG}.
     * A too-long line is detected as soon as the bytes prove it, without waiting for its end.
     */
    public int nextLine(InputSpan span) {
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

    /** Points {@code span} at the unterminated line held (after {@link #nextLine} returned {@link #NO_LINE}). */
    public void partialLine(InputSpan span) {
        span.set(buf, start, buf.position() - start);
    }

    /**
     * Points {@code span} at the next deliverable part of the current block. A terminated block that fits
     * in the buffer is delivered whole, once it and its terminator are all here; a larger one in chunks as
     * bytes arrive, then an empty {@link Chunk#LAST} once its terminator is checked.
     */
    public Chunk nextBlockChunk(InputSpan span) {
        if (buf == null) {
            if (blockRemaining > 0 || blockEnd.length > 0) {
                return Chunk.NONE;
            }
            span.set(null, 0, 0);
            return finishBlock(Chunk.LAST); // an empty block without terminator needs no bytes
        }
        int avail = buf.position() - start;
        int endLength = blockEnd.length;
        if (endLength == 0) {
            int n = (int) Math.min(blockRemaining, avail);
            if (n == 0 && blockRemaining > 0) {
                return Chunk.NONE;
            }
            return consumeBlockBytes(span, n) ? finishBlock(Chunk.LAST) : Chunk.PART;
        }
        if (!blockChunked && blockRemaining + endLength <= buf.capacity()) {
            if (avail < blockRemaining + endLength) {
                return Chunk.NONE;
            }
            consumeBlockBytes(span, (int) blockRemaining);
            return checkTerminator();
        }
        if (blockRemaining > 0) {
            int n = (int) Math.min(blockRemaining, avail);
            if (n == 0) {
                return Chunk.NONE;
            }
            consumeBlockBytes(span, n);
            blockChunked = true;
            return Chunk.PART;
        }
        if (avail < endLength) {
            return Chunk.NONE;
        }
        span.set(buf, start, 0);
        return checkTerminator();
    }

    /** Delivers {@code n} block bytes; returns whether they complete the block's bytes. */
    private boolean consumeBlockBytes(InputSpan span, int n) {
        span.set(buf, start, n);
        start += n;
        scan = start;
        blockRemaining -= n;
        return blockRemaining == 0;
    }

    /** The terminator's bytes are at {@code start}: consumes them and ends the block. */
    private Chunk checkTerminator() {
        boolean ok = true;
        for (int i = 0; i < blockEnd.length; i++) {
            ok &= buf.get(start + i) == blockEnd[i];
        }
        start += blockEnd.length;
        scan = start;
        return finishBlock(ok ? Chunk.LAST : Chunk.BAD_END);
    }

    private Chunk finishBlock(Chunk result) {
        blockRemaining = -1;
        blockEnd = NO_TERMINATOR;
        blockChunked = false;
        return result;
    }

    /**
     * After a batch: gives the buffer back when everything was consumed; otherwise, when it is full,
     * moves the unconsumed bytes to the front or, if a line fills it, grows it (direct, up to the longest
     * legal frame; larger buffers are not pooled).
     */
    public void compact() {
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
            } else if (!inBlock() && scan == end) { // one line fills it (not lines whose delivery is held)
                ByteBuffer bigger = ByteBuffer.allocateDirect((int) Math.min((long) buf.capacity() * 2, framer.maxFrameBytes()));
                buf.flip();
                bigger.put(buf);
                pool.release(buf);
                buf = bigger;
            }
        }
    }

    /** Discards every received byte and gives the buffer back; a pending block is forgotten. */
    public void release() {
        if (buf != null) {
            pool.release(buf);
            buf = null;
        }
        start = 0;
        scan = 0;
    }

    /** Forgets a pending block (the connection stops reading). */
    public void dropBlock() {
        finishBlock(Chunk.NONE);
    }
}
