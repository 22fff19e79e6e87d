package io.ringside.services.rot13;

/** The ROT13 substitution on ASCII letters; every other byte maps to itself. Thread-safe. */
public final class Rot13 {
    private static final byte[] TABLE = new byte[256];

    static {
        for (int b = 0; b < 256; b++) {
            int r = b;
            if (b >= 'a' && b <= 'z') {
                r = 'a' + (b - 'a' + 13) % 26;
            } else if (b >= 'A' && b <= 'Z') {
                r = 'A' + (b - 'A' + 13) % 26;
            }
            TABLE[b] = (byte) r;
        }
    }

    private Rot13() {
    }

    /** ROT13 of one byte. */
    public static byte apply(byte b) {
        return TABLE[b & 0xFF];
    }

    /** Applies ROT13 to {@code bytes[0, length)} in place. */
    public static void applyInPlace(byte[] bytes, int length) {
        for (int i = 0; i < length; i++) {
            bytes[i] = TABLE[bytes[i] & 0xFF];
        }
    }
}
