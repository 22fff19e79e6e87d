package io.ringside.services.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringside.testing.HandlerHarness;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code stats reset}, {@code stats slabs}, {@code stats items} and the other subcommands: memcached 1.6.18's shape
 * (names, order, per-class prefixes), this store's values.
 */
class MemcachedStatsTest {
    private final MemcachedContext context = MemcachedTesting.context();
    private final HandlerHarness h = MemcachedTesting.harness(context);

    /** The STAT lines of a reply, by name, in order; the reply must end with END. */
    private Map<String, String> stats(String command) {
        h.feed(command + "\r\n");
        String out = h.takeOutputAscii();
        assertTrue(out.endsWith("END\r\n"), out);
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : out.substring(0, out.length() - 5).split("\r\n")) {
            if (!line.isEmpty()) {
                assertTrue(line.startsWith("STAT "), line);
                String[] w = line.split(" ", 3);
                m.put(w[1], w[2]);
            }
        }
        return m;
    }

    @Test
    void resetZeroesTheCountersButNotTheGauges() {
        h.feed("set a 0 0 1\r\n1\r\nget a\r\nget b\r\nincr a 1\r\ndelete zz\r\nme a\r\nflush_all 0\r\nset a 0 0 1\r\n2\r\n");
        h.takeOutputAscii();
        Map<String, String> before = stats("stats");
        for (String name : List.of("cmd_get", "cmd_set", "get_hits", "get_misses", "incr_hits", "delete_misses",
                "cmd_flush", "cmd_meta", "total_items")) {
            assertTrue(Long.parseLong(before.get(name)) > 0, name + " before: " + before);
        }
        h.feed("stats reset\r\n");
        assertEquals("RESET\r\n", h.takeOutputAscii());
        Map<String, String> after = stats("stats");
        for (String name : List.of("cmd_get", "cmd_set", "get_hits", "get_misses", "incr_hits", "delete_misses",
                "cmd_flush", "cmd_meta", "total_items", "reclaimed", "evictions")) {
            assertEquals("0", after.get(name), name + " after reset");
        }
        assertEquals("1", after.get("curr_items"), "a gauge");
        assertEquals(before.get("bytes"), after.get("bytes"), "a gauge");
        assertEquals(before.get("limit_maxbytes"), after.get("limit_maxbytes"));
        h.feed("get a\r\n");
        h.takeOutputAscii();
        assertEquals("1", stats("stats").get("get_hits"), "counting goes on from 0");
        assertEquals("1", stats("stats items").get("items:1:number"));
    }

    @Test
    void slabsListEveryClassWithPagesInMemcachedsShape() {
        h.feed("set a 0 0 1\r\n1\r\nset big 0 0 5000\r\n" + "x".repeat(5000) + "\r\nget a a big\r\nincr a 1\r\n");
        h.takeOutputAscii();
        Map<String, String> s = stats("stats slabs");
        assertEquals(List.of("1:chunk_size", "1:chunks_per_page", "1:total_pages", "1:total_chunks", "1:used_chunks",
                "1:free_chunks", "1:free_chunks_end", "1:get_hits", "1:cmd_set", "1:delete_hits", "1:incr_hits",
                "1:decr_hits", "1:cas_hits", "1:cas_badval", "1:touch_hits"), List.copyOf(s.keySet()).subList(0, 15));
        assertEquals("48", s.get("1:chunk_size"));
        assertEquals("1", s.get("1:used_chunks"));
        assertEquals("2", s.get("1:get_hits"));
        assertEquals("1", s.get("1:incr_hits"));
        assertEquals("1", s.get("1:cmd_set"));
        assertEquals("2", s.get("active_slabs"), "the classes of a and big");
        assertEquals(Long.toString(2L << 20), s.get("total_malloced"), "two 1 MiB pages");
        String big = s.keySet().stream().filter(k -> k.endsWith(":get_hits") && !k.startsWith("1:")).findFirst()
                .orElseThrow();
        assertEquals("1", s.get(big), big);
        List<String> keys = List.copyOf(s.keySet());
        assertEquals(List.of("active_slabs", "total_malloced"), keys.subList(keys.size() - 2, keys.size()));
    }

    @Test
    void itemsListEveryClassWithItems() {
        h.feed("set a 0 0 1\r\n1\r\nset b 0 0 2\r\n22\r\n");
        h.takeOutputAscii();
        Map<String, String> s = stats("stats items");
        assertEquals(List.of("items:1:number", "items:1:mem_requested", "items:1:evicted", "items:1:outofmemory",
                "items:1:reclaimed", "items:1:expired_unfetched", "items:1:evicted_unfetched"), List.copyOf(s.keySet()));
        assertEquals("2", s.get("items:1:number"));
        assertEquals(Integer.toString(2 * 32 + 2 + 3), s.get("items:1:mem_requested"), "headers, keys, values");
        h.feed("delete a\r\ndelete b\r\n");
        h.takeOutputAscii();
        assertEquals(Map.of(), stats("stats items"), "no items, no class");
    }

    @Test
    void theOtherSubcommandsAnswerAsMemcachedDoesWithoutThem() {
        h.feed("stats sizes\r\nstats cachedump 1 1\r\nstats conns\r\nstats detail\r\nstats bogus\r\n");
        assertEquals("STAT sizes_status disabled\r\nEND\r\nCLIENT_ERROR stats cachedump not allowed\r\nEND\r\n"
                + "ERROR\r\nERROR\r\n", h.takeOutputAscii());
        assertEquals("no", stats("stats settings").get("dump_enabled"), "why cachedump is not allowed");
    }
}
