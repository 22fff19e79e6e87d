package io.ringside.services.memcached.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The key hash and key equality agree between caller arrays and page buffers, at every length and offset. */
class KeyHashTest {
    @Test
    void arrayAndBufferGiveTheSameHash() {
        long seed = new Random().nextLong();
        Random rnd = new Random(seed);
        ByteBuffer page = ByteBuffer.allocateDirect(1024).order(ByteOrder.LITTLE_ENDIAN);
        for (int round = 0; round < 20_000; round++) {
            int len = 1 + rnd.nextInt(250);
            byte[] key = new byte[len + 7];
            rnd.nextBytes(key);
            int off = rnd.nextInt(8);
            len = Math.min(len, key.length - off);
            int at = rnd.nextInt(1024 - 250);
            page.put(at, key, off, len);
            assertEquals(KeyHash.hash(key, off, len, seed), KeyHash.hash(page, at, len, seed), "seed " + seed);
            assertTrue(KeyHash.equal(key, off, len, page, at));
            int flip = rnd.nextInt(len);
            page.put(at + flip, (byte) (page.get(at + flip) ^ (1 << rnd.nextInt(8))));
            assertFalse(KeyHash.equal(key, off, len, page, at), "seed " + seed);
        }
    }

    @Test
    void similarKeysSpreadOverStripesAndSlots() {
        Set<Long> seen = new HashSet<>();
        int[] stripes = new int[64];
        for (int i = 0; i < 100_000; i++) {
            byte[] k = ("key:" + i).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            long h = KeyHash.hash(k, 0, k.length, 42);
            assertTrue(seen.add(h), "64-bit collision");
            stripes[(int) (h >>> 58)]++;
        }
        for (int n : stripes) {
            assertTrue(n > 1300 && n < 1850, "uneven stripes: " + java.util.Arrays.toString(stripes));
        }
        assertNotEquals(KeyHash.hash(new byte[] {1}, 0, 1, 1), KeyHash.hash(new byte[] {1}, 0, 1, 2), "seeded");
    }
}
