package io.ringside.services.memcached.store;

import java.nio.charset.StandardCharsets;

/** String conveniences over the byte-range API (tests only). */
final class Stores {
    private Stores() {
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static StoreResult store(CacheStore s, StoreMode mode, String key, String value, int flags, int exptime, long cas) {
        byte[] k = b(key);
        byte[] v = b(value);
        return s.store(mode, k, 0, k.length, v, 0, v.length, flags, exptime, cas);
    }

    static StoreResult set(CacheStore s, String key, String value) {
        return store(s, StoreMode.SET, key, value, 0, 0, 0);
    }

    static StoreResult set(CacheStore s, String key, String value, int exptime) {
        return store(s, StoreMode.SET, key, value, 0, exptime, 0);
    }

    /** The value, or null on a miss. */
    static String get(CacheStore s, String key) {
        Capture c = new Capture();
        byte[] k = b(key);
        return s.get(k, 0, k.length, c) ? c.string() : null;
    }

    /** The hit's capture, or null on a miss. */
    static Capture gets(CacheStore s, String key) {
        Capture c = new Capture();
        byte[] k = b(key);
        return s.get(k, 0, k.length, c) ? c : null;
    }

    static boolean delete(CacheStore s, String key) {
        byte[] k = b(key);
        return s.delete(k, 0, k.length);
    }

    static DeltaStatus incr(CacheStore s, String key, long delta, DeltaValue out) {
        byte[] k = b(key);
        return s.incr(k, 0, k.length, delta, out);
    }

    static DeltaStatus decr(CacheStore s, String key, long delta, DeltaValue out) {
        byte[] k = b(key);
        return s.decr(k, 0, k.length, delta, out);
    }

    static boolean touch(CacheStore s, String key, int exptime) {
        byte[] k = b(key);
        return s.touch(k, 0, k.length, exptime);
    }

    static StoreConfig.Builder small() {
        return StoreConfig.builder().memoryLimitBytes(4L << 20).itemSizeMax(64 << 10).workers(4).hashSeed(42);
    }

    /** Pages held by each slab class, smallest chunks first. */
    static int[] pagesPerClass(CacheStore s) {
        return java.util.Arrays.stream(s.slabUsage()).mapToInt(SlabUsage::pages).toArray();
    }

    /** The chunk size of each slab class, smallest first. */
    static int[] chunkSizes(CacheStore s) {
        return java.util.Arrays.stream(s.slabUsage()).mapToInt(SlabUsage::chunkBytes).toArray();
    }
}
