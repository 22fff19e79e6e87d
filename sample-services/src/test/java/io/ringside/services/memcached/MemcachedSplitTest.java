package io.ringside.services.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ringside.testing.HandlerHarness;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Split-anywhere: any way of cutting a session into reads gives the same replies (seeded; the seed is in the message). */
class MemcachedSplitTest {
    private static final String SESSION = "set a 1 0 3\r\nabc\r\nget a b\r\nappend a 0 0 2\r\nde\r\nget a\r\n" // not gets: CAS uniques depend on the random hash seed
            + "set n 0 0 2\r\n10\r\nincr n 5\r\ndecr n 100\r\nget n\r\nset a 0 0 1\r\nab\r\n"
            + "set big 0 0 2000\r\n" + "x".repeat(2000) + "\r\nget big a\r\n"
            + "set huge 0 0 1100000\r\n" + "y".repeat(1_100_002) + "touch a 10\r\ndelete a\r\ndelete a\r\n"
            + "gat 0 big\r\nfoo\r\nset a 0 0 1 noreply\r\nz\r\nget a\r\nflush_all\r\nget a big\r\nversion\r\n"
            + "ms m 3 T0 F2 k\r\nabc\r\nmg m v f k s\r\nma c N0 J7 v\r\nmd m q\r\nmg m q\r\nms m 2 zz\r\nxy\r\nmn\r\n";

    @Test
    void randomSplitsGiveTheSameReplies() {
        byte[] input = SESSION.getBytes(StandardCharsets.ISO_8859_1);
        String whole = replies(input, new int[] {input.length});
        long base = System.nanoTime();
        for (int i = 0; i < 30; i++) {
            long seed = base + i;
            Random random = new Random(seed);
            int[] cuts = cuts(input.length, random);
            assertEquals(whole, replies(input, cuts), "seed " + seed + " cuts " + Arrays.toString(cuts).length());
        }
    }

    private static int[] cuts(int length, Random random) {
        int[] sizes = new int[length];
        int n = 0;
        for (int left = length; left > 0; ) {
            int size = Math.min(left, random.nextInt(4) == 0 ? 1 + random.nextInt(3) : 1 + random.nextInt(40_000));
            sizes[n++] = size;
            left -= size;
        }
        return Arrays.copyOf(sizes, n);
    }

    private static String replies(byte[] input, int[] sizes) {
        HandlerHarness h = MemcachedTesting.harness();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        for (int size : sizes) {
            h.feed(Arrays.copyOfRange(input, at, at + size));
            at += size;
            out.writeBytes(h.takeOutput());
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}
