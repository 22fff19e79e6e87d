package io.ringside.loadgen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The memcached mode's values: the same bytes as their definition (head, then the filler formula) for any size. */
class MemcachedValuesTest {

    @Test
    void valuesEqualTheirDefinitionByteForByte() {
        SplittableRandom random = new SplittableRandom(12);
        for (int size : new int[] {1, 3, 8, 32, 100, 1024, 5000}) {
            MemcachedValues values = new MemcachedValues("k", size);
            byte[] out = new byte[size];
            for (int round = 0; round < 2_000; round++) {
                int i = random.nextInt(1_000_000);
                long v = round < 1_000 ? 1 + random.nextInt(100) : random.nextLong(1, Long.MAX_VALUE);
                values.value(i, v, out);
                assertArrayEquals(definition(i, v, size), out, "key " + i + " version " + v + " size " + size);
            }
        }
    }

    @Test
    void versionsOfOneKeyDiffer() {
        MemcachedValues values = new MemcachedValues("k", 64);
        byte[] a = new byte[64];
        byte[] b = new byte[64];
        values.value(7, 1, a);
        values.value(7, 2, b);
        assertEquals("7:1:", new String(a, 0, 4, StandardCharsets.US_ASCII));
        assertEquals("7:2:", new String(b, 0, 4, StandardCharsets.US_ASCII));
    }

    /** The value as the class's javadoc defines it, byte by byte. */
    private static byte[] definition(int i, long version, int size) {
        byte[] out = new byte[size];
        byte[] head = (i + ":" + version + ":").getBytes(StandardCharsets.US_ASCII);
        int n = Math.min(head.length, size);
        System.arraycopy(head, 0, out, 0, n);
        long mix = i * 0x9E3779B97F4A7C15L + version * 0xC2B2AE3D27D4EB4FL;
        for (int j = n; j < size; j++) {
            out[j] = (byte) ('a' + (int) (((mix >>> 7) + j * 31L) % 26 + 26) % 26);
        }
        return out;
    }
}
