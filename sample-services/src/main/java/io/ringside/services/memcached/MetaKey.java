package io.ringside.services.memcached;

import io.ringside.Connection;
import io.ringside.services.memcached.store.CacheStore;

/**
 * The key of a meta command: word 1, base64-decoded when the {@code b} flag is given, and echoed back by the
 * {@code k} flag as memcached 1.6.18 does: the decoded key, encoded again and followed by {@code b} if it is binary
 * (the request's {@code b}, or for an {@code mg} hit the item's own mark, {@code ms ... b}). Checks as memcached
 * 1.6.18: a key word over {@value CacheStore#MAX_KEY_LENGTH} bytes is {@code CLIENT_ERROR bad command line format},
 * a key that does not decode is {@code CLIENT_ERROR error decoding key}.
 *
 * <p>Confined to its connection's worker (one instance per handler); allocation-free for a valid key.
 */
final class MetaKey {
    private static final byte[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    /** Room for a decoded key encoded again: 4 bytes per 3, rounded up. */
    private static final int MAX_ENCODED = (CacheStore.MAX_KEY_LENGTH + 2) / 3 * 4;

    private final byte[] word = new byte[MAX_ENCODED];
    /** The key to look up (decoded if {@code b}); valid until the next {@link #decode}. */
    final byte[] key = new byte[CacheStore.MAX_KEY_LENGTH];
    /** Length of {@link #key} after the last {@link #decode}. */
    private int length;
    /** Whether the last {@link #decode} had {@code b}. */
    private boolean binary;

    /** Whether the key word is too long for memcached (checked before the flags). */
    static boolean tooLong(RequestLine r) {
        return r.length(1) > CacheStore.MAX_KEY_LENGTH;
    }

    /** Fills {@link #key}, base64-decoded if {@code base64}; returns its length, or -1 if it does not decode. */
    int decode(RequestLine r, boolean base64) {
        binary = base64;
        length = binary ? base64(r) : r.copy(1, key);
        return length;
    }

    private int base64(RequestLine r) {
        int n = r.copy(1, word);
        if (n % 4 != 0) {
            return -1; // memcached's decoder wants whole 4-byte groups
        }
        int out = 0;
        for (int i = 0; i < n; i += 4) {
            int pad = word[i + 3] == '=' ? (word[i + 2] == '=' ? 2 : 1) : 0;
            if (pad > 0 && i + 4 != n) {
                return -1;
            }
            int bits = 0;
            for (int j = 0; j < 4 - pad; j++) {
                int v = sextet(word[i + j]);
                if (v < 0) {
                    return -1;
                }
                bits |= v << (18 - 6 * j);
            }
            key[out++] = (byte) (bits >> 16);
            if (pad < 2) {
                key[out++] = (byte) (bits >> 8);
            }
            if (pad < 1) {
                key[out++] = (byte) bits;
            }
        }
        return out;
    }

    private static int sextet(byte b) {
        if (b >= 'A' && b <= 'Z') {
            return b - 'A';
        } else if (b >= 'a' && b <= 'z') {
            return b - 'a' + 26;
        } else if (b >= '0' && b <= '9') {
            return b - '0' + 52;
        } else if (b == '+') {
            return 62;
        } else if (b == '/') {
            return 63;
        }
        return -1;
    }

    /** Length of the last decoded key. */
    int length() {
        return length;
    }

    /** Whether the last decoded key was sent base64-encoded ({@code b}). */
    boolean binary() {
        return binary;
    }

    /** {@code k}: writes {@code " k<key>"} for the last decoded key, encoded with {@code " b"} if {@code b} was given. */
    void echo(Connection c) {
        echo(c, binary);
    }

    /** {@code k} for a key that is binary or not (an {@code mg} hit: the item's own mark). */
    void echo(Connection c, boolean asBinary) {
        c.write(" k");
        if (asBinary) {
            c.write(word, 0, encode(word, 0)).write(" b");
        } else {
            c.write(key, 0, length);
        }
    }

    /** Writes the last decoded key in base64 (with padding) into {@code dst} at {@code at}; returns its length. */
    int encode(byte[] dst, int at) {
        int o = at;
        for (int i = 0; i < length; i += 3) {
            int rest = length - i;
            int bits = (key[i] & 0xff) << 16 | (rest > 1 ? (key[i + 1] & 0xff) << 8 : 0) | (rest > 2 ? key[i + 2] & 0xff : 0);
            dst[o++] = ALPHABET[bits >>> 18];
            dst[o++] = ALPHABET[(bits >>> 12) & 63];
            dst[o++] = rest > 1 ? ALPHABET[(bits >>> 6) & 63] : (byte) '=';
            dst[o++] = rest > 2 ? ALPHABET[bits & 63] : (byte) '=';
        }
        return o - at;
    }
}
