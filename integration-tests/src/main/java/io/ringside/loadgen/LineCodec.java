package io.ringside.loadgen;

import java.nio.charset.StandardCharsets;

/**
 * Builds request lines and their expected replies.
 *
 * <p>A line is exactly {@code size} bytes: {@code <conn>:<seq>:} in decimal, then filler letters of
 * mixed case (so a ROT13 reply differs visibly from an echo), then {@code '\n'}. The filler's phase
 * depends on conn and seq, so two lines differ even where the header had to be cut short (a header
 * longer than {@code size - 1} bytes is truncated; with the minimum size of 16 that only happens past
 * conn 99,999 or seq 99,999,999). Lines are written straight into caller-owned arrays: no String and no
 * allocation per line.
 *
 * <p>Threading: not thread-safe (keeps a scratch buffer); use one instance per thread.
 */
public final class LineCodec {
    /** Smallest line size accepted, '\n' included. */
    public static final int MIN_SIZE = 16;

    private static final byte[] LETTERS =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".getBytes(StandardCharsets.US_ASCII);

    private final int size;
    private final ReplyMode mode;
    /** The letter cycle repeated so that any phase can be copied with one arraycopy. */
    private final byte[] filler;
    private final byte[] header = new byte[48];

    public LineCodec(int size, ReplyMode mode) {
        if (size < MIN_SIZE) {
            throw new IllegalArgumentException("line size must be at least " + MIN_SIZE + ": " + size);
        }
        this.size = size;
        this.mode = mode;
        this.filler = new byte[LETTERS.length + size];
        for (int i = 0; i < filler.length; i++) {
            filler[i] = LETTERS[i % LETTERS.length];
        }
    }

    /** Bytes per line, '\n' included. */
    public int size() {
        return size;
    }

    public ReplyMode mode() {
        return mode;
    }

    /** Writes the request line of connection {@code conn}, number {@code seq}, at {@code dst[off]}. */
    public void writeLine(int conn, long seq, byte[] dst, int off) {
        int h = writeHeader(conn, seq);
        int headerLen = Math.min(h, size - 1);
        System.arraycopy(header, 0, dst, off, headerLen);
        int phase = (int) Math.floorMod(conn * 0x9E3779B9L + seq * 0x2545F491L, (long) LETTERS.length);
        System.arraycopy(filler, phase, dst, off + headerLen, size - 1 - headerLen);
        dst[off + size - 1] = '\n';
    }

    /** Turns a request line at {@code buf[off]} into the reply expected for it, in place. */
    public void toExpected(byte[] buf, int off) {
        mode.applyInPlace(buf, off, size);
    }

    /** Writes the expected reply for (conn, seq) at {@code dst[off]}. */
    public void writeExpected(int conn, long seq, byte[] dst, int off) {
        writeLine(conn, seq, dst, off);
        toExpected(dst, off);
    }

    /** The request line for (conn, seq) as a new array (tests and diagnostics, not the hot path). */
    public byte[] line(int conn, long seq) {
        byte[] out = new byte[size];
        writeLine(conn, seq, out, 0);
        return out;
    }

    /** The expected reply for (conn, seq) as a new array (tests and diagnostics, not the hot path). */
    public byte[] expected(int conn, long seq) {
        byte[] out = line(conn, seq);
        toExpected(out, 0);
        return out;
    }

    /** Printable form of some line bytes for messages: '\n' shown as "\n", other controls as '?'. */
    public static String printable(byte[] bytes, int off, int len) {
        StringBuilder sb = new StringBuilder(len + 4);
        for (int i = off; i < off + len; i++) {
            int b = bytes[i] & 0xff;
            if (b == '\n') {
                sb.append("\\n");
            } else {
                sb.append(b >= 0x20 && b < 0x7f ? (char) b : '?');
            }
        }
        return sb.toString();
    }

    /** Writes "conn:seq:" into the scratch buffer; returns its length. */
    private int writeHeader(int conn, long seq) {
        int n = writeDecimal(conn, 0);
        header[n++] = ':';
        n = writeDecimal(seq, n);
        header[n++] = ':';
        return n;
    }

    private int writeDecimal(long value, int at) {
        if (value < 0) {
            throw new IllegalArgumentException("negative: " + value);
        }
        int digits = 1;
        for (long v = value / 10; v > 0; v /= 10) {
            digits++;
        }
        long v = value;
        for (int i = at + digits - 1; i >= at; i--) {
            header[i] = (byte) ('0' + (int) (v % 10));
            v /= 10;
        }
        return at + digits;
    }
}
