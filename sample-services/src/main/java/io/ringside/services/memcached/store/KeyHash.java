package io.ringside.services.memcached.store;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A seeded 64-bit hash of a key (xxHash64's word mixing and avalanche, without its 32-byte lanes: keys are at most
 * 250 bytes), computed identically from a {@code byte[]} range (callers) and from a page buffer (the sweep and the
 * page mover, which find an item's stripe from its stored key). Also key equality between the two. Thread-safe.
 *
 * <p>Bits 63..(64 - log2 stripes) pick the stripe; the low bits pick the index bucket.
 */
final class KeyHash {
    private static final long P1 = 0x9E3779B185EBCA87L;
    private static final long P2 = 0xC2B2AE3D27D4EB4FL;
    private static final long P3 = 0x165667B19E3779F9L;
    private static final long P4 = 0x85EBCA77C2B2AE63L;
    private static final long P5 = 0x27D4EB2F165667C5L;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private KeyHash() {
    }

    static long hash(byte[] key, int off, int len, long seed) {
        long h = seed + P5 + len;
        int i = 0;
        for (; i + 8 <= len; i += 8) {
            h = word(h, (long) LONGS.get(key, off + i));
        }
        if (i + 4 <= len) {
            h = half(h, (int) INTS.get(key, off + i));
            i += 4;
        }
        for (; i < len; i++) {
            h = tail(h, key[off + i]);
        }
        return avalanche(h);
    }

    /** The same hash over a page buffer (which must be little-endian, as page buffers are). */
    static long hash(ByteBuffer buf, int off, int len, long seed) {
        long h = seed + P5 + len;
        int i = 0;
        for (; i + 8 <= len; i += 8) {
            h = word(h, buf.getLong(off + i));
        }
        if (i + 4 <= len) {
            h = half(h, buf.getInt(off + i));
            i += 4;
        }
        for (; i < len; i++) {
            h = tail(h, buf.get(off + i));
        }
        return avalanche(h);
    }

    /** Whether {@code key[off, off + len)} equals {@code buf[at, at + len)}. */
    static boolean equal(byte[] key, int off, int len, ByteBuffer buf, int at) {
        int i = 0;
        for (; i + 8 <= len; i += 8) {
            if ((long) LONGS.get(key, off + i) != buf.getLong(at + i)) {
                return false;
            }
        }
        for (; i < len; i++) {
            if (key[off + i] != buf.get(at + i)) {
                return false;
            }
        }
        return true;
    }

    private static long word(long h, long w) {
        long k = Long.rotateLeft(w * P2, 31) * P1;
        return Long.rotateLeft(h ^ k, 27) * P1 + P4;
    }

    private static long half(long h, int w) {
        return Long.rotateLeft(h ^ ((w & 0xFFFFFFFFL) * P1), 23) * P2 + P3;
    }

    private static long tail(long h, byte b) {
        return Long.rotateLeft(h ^ ((b & 0xFF) * P5), 11) * P1;
    }

    private static long avalanche(long h) {
        h ^= h >>> 33;
        h *= P2;
        h ^= h >>> 29;
        h *= P3;
        return h ^ (h >>> 32);
    }
}
