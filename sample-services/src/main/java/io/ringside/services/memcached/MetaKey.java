package io.ringside.services.memcached;

import io.ringside.Connection;
import io.ringside.services.memcached.store.CacheStore;

/**
 * The key of a meta command: word 1, base64-decoded when the {@code b} flag is given, and echoed back by the
 * {@code k} flag as it was sent (followed by {@code b} when it was base64). Checks as memcached 1.6.18: a key
 * word over {@value CacheStore#MAX_KEY_LENGTH} bytes is {@code CLIENT_ERROR bad command line format}, a key that
 * does not decode is {@code CLIENT_ERROR error decoding key}.
 *
 * <p>Confined to its connection's worker (one instance per handler); allocation-free for a valid key.
 */
final class MetaKey {
    private final byte[] word = new byte[CacheStore.MAX_KEY_LENGTH];
    /** The key to look up (decoded if {@code b}); valid until the next {@link #decode}. */
    final byte[] key = new byte[CacheStore.MAX_KEY_LENGTH];

    /** Whether the key word is too long for memcached (checked before the flags). */
    static boolean tooLong(RequestLine r) {
        return r.length(1) > CacheStore.MAX_KEY_LENGTH;
    }

    /** Fills {@link #key}; returns its length, or -1 if {@code b} was given and the word is not base64. */
    int decode(RequestLine r, MetaFlags f) {
        if (!f.has('b')) {
            return r.copy(1, key);
        }
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

    /** {@code k}: writes {@code " k<key as sent>"}, and {@code " b"} if it was base64. */
    static void echo(Connection c, RequestLine r, MetaFlags f) {
        c.write(" k").write(r.span(), r.start(1), r.end(1));
        if (f.has('b')) {
            c.write(" b");
        }
    }
}
