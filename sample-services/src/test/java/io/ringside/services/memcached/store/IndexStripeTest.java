package io.ringside.services.memcached.store;

import static io.ringside.services.memcached.store.Stores.b;
import static io.ringside.services.memcached.store.Stores.delete;
import static io.ringside.services.memcached.store.Stores.get;
import static io.ringside.services.memcached.store.Stores.set;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The index tables in direct memory: the open-addressing table against a model through doublings and deletions,
 * blocks reused between stripes as they grow, and a table that cannot grow (the JVM refused the memory): it fills
 * to 15/16, then refuses new keys, and the store answers out of memory instead of failing or looping.
 */
class IndexStripeTest {
    private final StoreStats stats = new StoreStats(1);

    @Test
    void tableAgreesWithAModelThroughGrowthAndDeletion() {
        long seed = new Random().nextLong();
        Random rnd = new Random(seed);
        IndexStripe st = new IndexStripe(0, 0, new IndexBlocks(stats));
        Map<Integer, Long> model = new HashMap<>(); // ref -> hash
        List<Integer> refs = new ArrayList<>();
        int nextRef = 1;
        for (int step = 0; step < 200_000; step++) {
            if (refs.isEmpty() || rnd.nextInt(10) < 6) {
                // Few distinct tags, so that probe runs are long and wrap around the table's end.
                long hash = rnd.nextInt(4) == 0 ? -1L - rnd.nextInt(64) : rnd.nextLong();
                int ref = nextRef++;
                assertTrue(st.insert(hash, ref), "seed " + seed);
                model.put(ref, hash);
                refs.add(ref);
            } else {
                int ref = refs.remove(rnd.nextInt(refs.size()));
                int slot = st.findRef(model.remove(ref), ref);
                assertTrue(slot >= 0, "seed " + seed + ": ref " + ref + " lost");
                assertEquals(ref, st.ref(slot));
                st.remove(slot);
            }
        }
        assertEquals(model.size(), st.size(), "seed " + seed);
        assertTrue(st.capacity() >= model.size() * 4 / 3, "at most 3/4 full: " + st.capacity());
        Set<Integer> seen = new HashSet<>();
        st.forEachRef(seen::add);
        assertEquals(model.keySet(), seen, "seed " + seed);
        for (Map.Entry<Integer, Long> e : model.entrySet()) {
            assertTrue(st.findRef(e.getValue(), e.getKey()) >= 0, "seed " + seed);
            assertEquals(-1, st.findRef(e.getValue(), e.getKey() + nextRef), "seed " + seed);
        }
    }

    @Test
    void stripesGrowingInStepReuseEachOthersBlocks() {
        IndexBlocks blocks = new IndexBlocks(stats);
        IndexStripe[] stripes = new IndexStripe[64];
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new IndexStripe(i, 6, blocks);
        }
        Random rnd = new Random(7);
        int ref = 1;
        for (int round = 0; round < 20_000; round++) {
            for (IndexStripe st : stripes) {
                assertTrue(st.insert(rnd.nextLong(), ref++));
            }
        }
        long tables = 0;
        long largest = 0;
        for (IndexStripe st : stripes) {
            tables += 8L * st.capacity();
            largest = Math.max(largest, 8L * st.capacity());
        }
        assertEquals(64 * 8L * 32768, tables, "20,000 keys a stripe: 32,768 slots each");
        // Without reuse every old table would stay: twice the tables. With it, about one stripe's old table.
        assertTrue(blocks.allocatedBytes() <= tables + largest / 2 + 64 * IndexBlocks.BYTES,
                blocks.allocatedBytes() + " bytes for " + tables + " of tables");
        assertEquals(0, stats.value(StoreCounter.DIRECT_MEMORY_FAILURES));
    }

    @Test
    void aTableThatCannotGrowFillsToFifteenSixteenthsThenRefuses() {
        // One arena (64 blocks): the table doubles up to 32 blocks, then needs 64 new ones while it holds 32.
        IndexStripe st = new IndexStripe(0, 0, new IndexBlocks(stats, 64L * IndexBlocks.BYTES));
        Random rnd = new Random(3);
        int n = 0;
        while (st.insert(rnd.nextLong(), n + 1)) {
            n++;
            assertTrue(n <= 16384, "never full");
        }
        assertEquals(16384, st.capacity());
        assertEquals(16384 * 15 / 16, n);
        assertTrue(stats.value(StoreCounter.DIRECT_MEMORY_FAILURES) > 0);
        assertFalse(st.insert(rnd.nextLong(), n + 1), "still full");
        st.remove(st.findRef(new Random(3).nextLong(), 1));
        assertTrue(st.insert(rnd.nextLong(), n + 1), "a freed slot takes a key again");
    }

    @Test
    void aFullIndexAnswersOutOfMemoryAndKeepsWhatItHolds() {
        CacheStore s = new CacheStore(Stores.small().memoryLimitBytes(8L << 20).stripes(1)
                .indexLimitBytes(64L * IndexBlocks.BYTES).build());
        int stored = 0;
        StoreResult last;
        while ((last = set(s, "key:" + stored, "v" + stored)) == StoreResult.STORED) {
            stored++;
            assertTrue(stored <= 16384, "never full");
        }
        assertEquals(StoreResult.OUT_OF_MEMORY, last);
        assertEquals(16384 * 15 / 16, stored);
        assertEquals(1, s.stats().value(StoreCounter.OUTOFMEMORY));
        assertEquals(StoreResult.STORED, set(s, "key:7", "replaced"), "an existing key keeps its slot");
        assertEquals("replaced", get(s, "key:7"));
        byte[] k = b("vivified");
        assertFalse(s.metaGet(k, 0, k.length, ReadOptions.VIVIFY, new ItemView(), v -> { }), "mg N: a miss");
        assertTrue(delete(s, "key:0"));
        assertEquals(StoreResult.STORED, set(s, "another", "x"), "a deleted key's slot takes a new one");
        for (int i = 1; i < stored; i++) {
            assertEquals(i == 7 ? "replaced" : "v" + i, get(s, "key:" + i));
        }
        s.audit();
    }
}
