package io.ringside.services.memcached.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The slab classes: memcached 1.6.18's own chunk sizes from 96 bytes up, three smaller ones below, and therefore no
 * item in a larger chunk than memcached would give it.
 */
class SlabClassTest {
    /** {@code memcached -vv} (1.6.18, defaults: -n 48 -f 1.25 -I 1m), its "slab class N: chunk size S" lines. */
    private static final int[] MEMCACHED_1_6_18 = {96, 120, 152, 192, 240, 304, 384, 480, 600, 752, 944, 1184, 1480,
        1856, 2320, 2904, 3632, 4544, 5680, 7104, 8880, 11104, 13880, 17352, 21696, 27120, 33904, 42384, 52984, 66232,
        82792, 103496, 129376, 161720, 202152, 252696, 315872, 394840, 524288};

    private static int[] chunks(StoreConfig config) {
        return Arrays.stream(SlabClass.buildAll(config, 1)).mapToInt(c -> c.chunkBytes).toArray();
    }

    @Test
    void classesFromNinetySixUpAreMemcachedsOwn() {
        int[] c = chunks(StoreConfig.defaults());
        assertArrayEquals(new int[] {48, 64, 80}, Arrays.copyOf(c, 3));
        // memcached's last class is its chunk maximum (half a page: it chains larger items); here a page follows.
        assertArrayEquals(MEMCACHED_1_6_18, Arrays.copyOfRange(c, 3, c.length - 1));
        assertEquals(1 << 20, c[c.length - 1]);
        for (int i = 1; i < c.length; i++) {
            assertTrue(c[i] > c[i - 1] && c[i] % 8 == 0, Arrays.toString(c));
        }
    }

    @Test
    void noItemTakesALargerChunkThanInMemcached() {
        int[] c = chunks(StoreConfig.defaults());
        // key + value bytes; memcached 1.6.18 stores them in key + value + 59 bytes (header, CAS, NUL, "\r\n"), up
        // to its largest chunk (larger items it chains, as this store gives them a whole page).
        for (int payload = 2; payload + 59 <= 524288; payload++) {
            int here = smallestAtLeast(c, ItemLayout.itemBytes(0, payload));
            int there = smallestAtLeast(MEMCACHED_1_6_18, payload + 59);
            assertTrue(here <= there, payload + " bytes: " + here + " here, " + there + " in memcached");
        }
        // bench/memcached-memory.sh's items: 11 to 19-byte keys, 100-byte values.
        for (int key = 11; key <= 19; key++) {
            assertEquals(152, smallestAtLeast(c, ItemLayout.itemBytes(key, 100)));
            assertEquals(192, smallestAtLeast(MEMCACHED_1_6_18, key + 100 + 59));
        }
    }

    @Test
    void anotherFactorFollowsMemcachedsRuleToo() {
        int[] c = chunks(StoreConfig.builder().growthFactor(1.08).build());
        assertArrayEquals(new int[] {48, 56, 64, 72, 80, 88, 96, 104, 112, 120, 136, 152}, Arrays.copyOf(c, 12));
    }

    private static int smallestAtLeast(int[] sizes, int bytes) {
        for (int s : sizes) {
            if (s >= bytes) {
                return s;
            }
        }
        throw new AssertionError("no class holds " + bytes + " bytes");
    }
}
