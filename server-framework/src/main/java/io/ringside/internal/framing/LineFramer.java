package io.ringside.internal.framing;

import io.ringside.EndOfLine;
import java.nio.ByteBuffer;

/**
 * Finds line ends in a buffer for one {@link EndOfLine} policy and maximum line length. Stateless: the
 * caller keeps where the line starts and where the previous scan stopped, so a partial line is never
 * rescanned from its start.
 *
 * <p>Thread-safe (immutable).
 */
public final class LineFramer {
    private final byte last;
    private final boolean requireCr;
    private final boolean dropCr;
    private final int maxLineBytes;

    public LineFramer(EndOfLine eol, int maxLineBytes) {
        this.last = eol.lastByte();
        this.requireCr = eol.requiresCarriageReturn();
        this.dropCr = eol.dropsCarriageReturn();
        this.maxLineBytes = maxLineBytes;
    }

    /**
     * Index of the byte that terminates the line starting at {@code start}, scanning {@code [from, to)};
     * -1 if there is none yet. {@code from >= start}: bytes before {@code from} were scanned already.
     */
    public int findEnd(ByteBuffer b, int start, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b.get(i) == last && (!requireCr || (i > start && b.get(i - 1) == '\r'))) {
                return i;
            }
        }
        return -1;
    }

    /** End (exclusive) of the line's content, given its terminating byte at {@code end}. */
    public int contentEnd(ByteBuffer b, int start, int end) {
        return dropCr && end > start && b.get(end - 1) == '\r' ? end - 1 : end;
    }

    /**
     * Whether {@code [start, to)}, which holds no terminator, already proves the line too long: it has
     * more than the maximum, not counting a trailing {@code \r} that may turn out to be part of CRLF.
     */
    public boolean provesTooLong(ByteBuffer b, int start, int to) {
        int n = to - start;
        if (n <= maxLineBytes) {
            return false;
        }
        return !(n == maxLineBytes + 1 && dropCr && b.get(to - 1) == '\r');
    }

    public int maxLineBytes() {
        return maxLineBytes;
    }

    /** Room a buffer needs to hold the longest acceptable line with its terminator. */
    public int maxFrameBytes() {
        return maxLineBytes + 2;
    }
}
