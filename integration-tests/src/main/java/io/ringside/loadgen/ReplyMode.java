package io.ringside.loadgen;

/**
 * What the server is expected to send back for each line: the line itself ({@link #ECHO}) or its
 * ROT13 ({@link #ROT13}: ASCII letters rotated by 13, every other byte unchanged, '\n' included).
 *
 * <p>Threading: stateless, safe from any thread.
 */
public enum ReplyMode {
    /** The reply is the request line, byte for byte. */
    ECHO,
    /** The reply is the request line with ASCII letters rotated by 13 places. */
    ROT13;

    /** The expected reply byte for request byte {@code b}. */
    public byte apply(byte b) {
        if (this == ECHO) {
            return b;
        }
        if (b >= 'a' && b <= 'z') {
            return (byte) ('a' + (b - 'a' + 13) % 26);
        }
        if (b >= 'A' && b <= 'Z') {
            return (byte) ('A' + (b - 'A' + 13) % 26);
        }
        return b;
    }

    /** Turns {@code len} request bytes at {@code off} into the expected reply bytes, in place. */
    public void applyInPlace(byte[] bytes, int off, int len) {
        if (this == ECHO) {
            return;
        }
        for (int i = off; i < off + len; i++) {
            bytes[i] = apply(bytes[i]);
        }
    }
}
