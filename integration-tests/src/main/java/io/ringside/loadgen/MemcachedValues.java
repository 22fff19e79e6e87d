package io.ringside.loadgen;

import java.nio.charset.StandardCharsets;

/**
 * Keys and values of the memcached mode, derived so that any reply can be checked: key number
 * {@code i} is {@code <prefix><i>}; version {@code v} of its value is {@code "<i>:<v>:"} followed by
 * filler letters that depend on i, v and the position, cut or padded to the value size; its flags
 * are {@code v} (mod 2^32). The prefix is new for every run, so values left by an earlier run are
 * never mistaken for this run's.
 *
 * <p>Threading: immutable.
 */
final class MemcachedValues {
    private final String prefix;
    private final int valueSize;
    /**
     * {@code 'a' + (5k mod 26)} for every k a value can need: the filler of byte j is
     * {@code 'a' + ((c + 31 j) mod 26)} with {@code c = (mix >>> 7) mod 26}, and since 31 = 5 (mod 26) and
     * 5 * 21 = 1 (mod 26) that is {@code FILLER[j + 21 c mod 26]}, so a value is filled with one array copy
     * (the load generator makes a value for every set and every expected hit: byte by byte it cost more CPU
     * than the servers it measured).
     */
    private final byte[] filler;

    MemcachedValues(String prefix, int valueSize) {
        this.prefix = prefix;
        this.valueSize = valueSize;
        this.filler = new byte[valueSize + 26];
        for (int k = 0; k < filler.length; k++) {
            filler[k] = (byte) ('a' + 5 * k % 26);
        }
    }

    String key(int i) {
        return prefix + i;
    }

    long flags(long version) {
        return version & 0xFFFF_FFFFL;
    }

    /** Writes version {@code version} of key {@code i}'s value into {@code out} (length valueSize). */
    void value(int i, long version, byte[] out) {
        byte[] head = (i + ":" + version + ":").getBytes(StandardCharsets.US_ASCII);
        int n = Math.min(head.length, valueSize);
        System.arraycopy(head, 0, out, 0, n);
        long mix = i * 0x9E3779B97F4A7C15L + version * 0xC2B2AE3D27D4EB4FL;
        int shift = (int) (21 * ((mix >>> 7) % 26) % 26);
        System.arraycopy(filler, n + shift, out, n, valueSize - n);
    }

    int valueSize() {
        return valueSize;
    }
}
