package io.ringside;

/**
 * Which byte sequence ends a line (after libevent's {@code evbuffer_eol_style}).
 *
 * <p>The terminator is never part of the line handed to the handler. Replies written with
 * {@link Connection#writeLine} end with {@link #replyTerminator()}.
 */
public enum EndOfLine {
    /** A line ends at {@code \n}; a {@code \r} before it stays in the line (byte-exact echo). */
    LF(false, false, new byte[] {'\n'}),
    /** A line ends at {@code \n}, and one {@code \r} just before it is dropped. Replies end with CRLF. */
    CRLF(true, false, new byte[] {'\r', '\n'}),
    /** A line ends only at {@code \r\n}; a bare {@code \n} is an ordinary byte of the line. */
    CRLF_STRICT(true, true, new byte[] {'\r', '\n'}),
    /** A line ends at a NUL byte ({@code \0}). */
    NUL(false, false, new byte[] {0});

    private final boolean dropsCarriageReturn;
    private final boolean strict;
    private final byte[] reply;

    EndOfLine(boolean dropsCarriageReturn, boolean strict, byte[] reply) {
        this.dropsCarriageReturn = dropsCarriageReturn;
        this.strict = strict;
        this.reply = reply;
    }

    /** The byte that every terminator of this policy ends with. */
    public byte lastByte() {
        return this == NUL ? 0 : (byte) '\n';
    }

    /** Whether one {@code \r} right before the final byte belongs to the terminator. */
    public boolean dropsCarriageReturn() {
        return dropsCarriageReturn;
    }

    /** Whether the final byte only ends a line when a {@code \r} precedes it. */
    public boolean requiresCarriageReturn() {
        return strict;
    }

    /** The terminator appended to replies by {@link Connection#writeLine}. */
    public byte[] replyTerminator() {
        return reply.clone();
    }
}
