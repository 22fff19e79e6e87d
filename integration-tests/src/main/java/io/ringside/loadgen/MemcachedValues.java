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

    MemcachedValues(String prefix, int valueSize) {
        this.prefix = prefix;
        this.valueSize = valueSize;
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
        for (int j = n; j < valueSize; j++) {
            out[j] = (byte) ('a' + (int) (((mix >>> 7) + j * 31L) % 26 + 26) % 26);
        }
    }

    int valueSize() {
        return valueSize;
    }
}
