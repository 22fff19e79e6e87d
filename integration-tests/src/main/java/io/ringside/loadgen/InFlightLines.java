package io.ringside.loadgen;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The lines in flight on one connection, oldest first, and the byte-for-byte check of the replies
 * against them.
 *
 * <p>For every line sent it keeps the expected reply bytes and the send time in a ring of
 * {@code depth} slots. Replies must come back in order: reply bytes are compared with the expected
 * bytes of the oldest line, across any split between reads. A wrong byte (wrong conn/seq header,
 * wrong letter, short or long line) is reported once per reply, after which the rest of that reply up
 * to its '\n' is skipped and the reply still retires its line. Bytes that arrive while nothing is in
 * flight are reported as unexpected.
 *
 * <p>Reconnecting ({@link #rewrite}): after the connection closed, the lines still in flight are written
 * again, with their sequence numbers, on the next connection; each reply is again expected from its first
 * byte. A wrong reply whose {@code conn:seq:} header names a line of this connection that was already
 * answered is also reported as a repeat ({@link ReplySink#repeated}): a line answered twice; it does not
 * retire the line that was due, whose own reply may still follow. (A repeat that arrives while nothing
 * is in flight is reported as unexpected bytes.)
 *
 * <p>Threading: not thread-safe; owned by the worker thread of its connection.
 */
public final class InFlightLines {
    private static final byte NEWLINE = '\n';
    /** How much of a wrong reply is kept to read its header: "conn:seq:" fits for any conn and seq. */
    private static final int WRONG_REPLY_BYTES = 48;

    private final LineCodec codec;
    private final int conn;
    private final int depth;
    private final int size;
    private final byte[] expected;
    private final long[] sentAt;
    /** The start of the wrong reply being skipped (its header tells a repeat from a wrong line). */
    private final byte[] wrongReply = new byte[WRONG_REPLY_BYTES];
    /** A request line being written again ({@link #rewrite}). */
    private final byte[] scratch;
    private int wrongLength;

    private long headSeq;
    private long nextSeq;
    private int count;
    /** Bytes of the oldest line's reply already matched. */
    private int replyOffset;
    /** After a mismatch: discarding the rest of the bad reply up to its '\n'. */
    private boolean skipping;

    public InFlightLines(LineCodec codec, int conn, int depth) {
        if (depth < 1) {
            throw new IllegalArgumentException("depth must be at least 1: " + depth);
        }
        this.codec = codec;
        this.conn = conn;
        this.depth = depth;
        this.size = codec.size();
        this.expected = new byte[depth * size];
        this.sentAt = new long[depth];
        this.scratch = new byte[size];
    }

    /** Lines sent and not yet answered. */
    public int count() {
        return count;
    }

    /** Whether another line may be sent without exceeding {@code limit} in flight (at most depth). */
    public boolean hasRoom(int limit) {
        return count < Math.min(limit, depth);
    }

    /**
     * Writes the next request line into {@code out} (in write mode, with at least one line of room)
     * and remembers its expected reply and {@code nowNanos} as its send time.
     */
    public void add(ByteBuffer out, long nowNanos) {
        if (count == depth) {
            throw new IllegalStateException("already " + depth + " lines in flight on conn " + conn);
        }
        int slot = (int) (nextSeq % depth);
        int base = slot * size;
        codec.writeLine(conn, nextSeq, expected, base);
        out.put(expected, base, size);
        codec.toExpected(expected, base);
        sentAt[slot] = nowNanos;
        nextSeq++;
        count++;
    }

    /**
     * Checks {@code len} received bytes at {@code buf[off]} against the lines in flight.
     *
     * @return how many lines the bytes retired (answered correctly or not)
     */
    public int verify(byte[] buf, int off, int len, long nowNanos, ReplySink sink) {
        int at = off;
        int end = off + len;
        int retired = 0;
        while (at < end) {
            if (count == 0) {
                sink.unexpected(conn, end - at);
                return retired;
            }
            if (skipping) {
                int nl = indexOf(buf, at, end, NEWLINE);
                if (nl < 0) {
                    keepWrong(buf, at, end);
                    return retired;
                }
                keepWrong(buf, at, nl + 1);
                at = nl + 1;
                retired += endWrongReply(nowNanos, sink);
                continue;
            }
            int before = at;
            at = match(buf, at, end, sink);
            if (replyOffset == size) {
                retire(true, nowNanos, sink);
                retired++;
            } else if (skipping && at > before && buf[at - 1] == NEWLINE) {
                retired += endWrongReply(nowNanos, sink);
            }
        }
        return retired;
    }

    /** How many of the lines in flight were sent before {@code nanos} (overdue at that time). */
    public int sentBefore(long nanos) {
        int n = 0;
        for (long seq = headSeq; seq < headSeq + count; seq++) {
            if (sentAt[(int) (seq % depth)] - nanos < 0) {
                n++;
            }
        }
        return n;
    }

    /**
     * Reconnect: writes every line in flight again into {@code out} (write mode, room for {@code depth}
     * lines), oldest first and with its own sequence number, and expects each reply from its first byte
     * again. A reply cut short on the old connection is forgotten with it; send times are kept, so a
     * line's latency runs from its first send.
     *
     * @return how many lines were written
     */
    public int rewrite(ByteBuffer out) {
        replyOffset = 0;
        skipping = false;
        wrongLength = 0;
        for (long seq = headSeq; seq < nextSeq; seq++) {
            codec.writeLine(conn, seq, scratch, 0);
            out.put(scratch);
        }
        return count;
    }

    /**
     * Drops every line in flight (the connection is gone).
     *
     * @return how many lines were dropped
     */
    public int abandon() {
        int dropped = count;
        headSeq = nextSeq;
        count = 0;
        replyOffset = 0;
        skipping = false;
        return dropped;
    }

    /**
     * Compares bytes with the oldest line's reply from {@code replyOffset}. On a mismatch it reports
     * it and enters skip mode; if the wrong byte is itself the '\n' (short reply) it is consumed, so
     * the caller retires the line at once.
     *
     * @return the index after the bytes consumed
     */
    private int match(byte[] buf, int at, int end, ReplySink sink) {
        int base = (int) (headSeq % depth) * size;
        int n = Math.min(size - replyOffset, end - at);
        int m = Arrays.mismatch(buf, at, at + n, expected, base + replyOffset, base + replyOffset + n);
        if (m < 0) {
            replyOffset += n;
            return at + n;
        }
        byte got = buf[at + m];
        sink.mismatched(conn, headSeq, replyOffset + m, got, expected, base, size);
        skipping = true;
        wrongLength = Math.min(replyOffset + m, WRONG_REPLY_BYTES);
        System.arraycopy(expected, base, wrongReply, 0, wrongLength);
        keepWrong(buf, at + m, at + m + 1);
        return at + m + 1;
    }

    /**
     * The end of a wrong reply: a repeated answer to a line answered before is reported and dropped (the
     * due line still waits for its own); any other wrong reply retires the due line.
     *
     * @return how many lines it retired (0 or 1)
     */
    private int endWrongReply(long nowNanos, ReplySink sink) {
        long seq = wrongReplySeq();
        wrongLength = 0;
        if (seq >= 0 && seq < headSeq) {
            sink.repeated(conn, seq);
            replyOffset = 0;
            skipping = false;
            return 0;
        }
        retire(false, nowNanos, sink);
        return 1;
    }

    private void retire(boolean ok, long nowNanos, ReplySink sink) {
        if (ok) {
            sink.replied(nowNanos - sentAt[(int) (headSeq % depth)], nowNanos);
        }
        headSeq++;
        count--;
        replyOffset = 0;
        skipping = false;
    }

    /** Keeps the first bytes of a wrong reply (up to {@value #WRONG_REPLY_BYTES}). */
    private void keepWrong(byte[] buf, int from, int to) {
        int n = Math.min(to - from, WRONG_REPLY_BYTES - wrongLength);
        if (n > 0) {
            System.arraycopy(buf, from, wrongReply, wrongLength, n);
            wrongLength += n;
        }
    }

    /** The seq of a wrong reply whose header is {@code <this conn>:<seq>:}, or -1. */
    private long wrongReplySeq() {
        int i = 0;
        long c = 0;
        for (; i < wrongLength && wrongReply[i] >= '0' && wrongReply[i] <= '9' && i < 10; i++) {
            c = c * 10 + (wrongReply[i] - '0');
        }
        if (i == 0 || i >= wrongLength || wrongReply[i] != ':' || c != conn) {
            return -1;
        }
        int start = ++i;
        long seq = 0;
        for (; i < wrongLength && wrongReply[i] >= '0' && wrongReply[i] <= '9' && i - start < 18; i++) {
            seq = seq * 10 + (wrongReply[i] - '0');
        }
        return i == start || i >= wrongLength || wrongReply[i] != ':' ? -1 : seq;
    }

    private static int indexOf(byte[] buf, int from, int end, byte value) {
        for (int i = from; i < end; i++) {
            if (buf[i] == value) {
                return i;
            }
        }
        return -1;
    }
}
