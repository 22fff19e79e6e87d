package io.ringside.services.memcached.store;

import static io.ringside.services.memcached.store.Stores.get;
import static io.ringside.services.memcached.store.Stores.set;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The index: chained buckets in direct memory against a model through doublings, replacements and removals; blocks
 * reused between stripes as they grow; and a table the JVM will not let grow, whose chains just get longer (every
 * key still found, the refusals counted once per doubling of the size, not per insert).
 */
class IndexStripeTest {
    private static final long SEED = 99;
    private final StoreStats stats = new StoreStats(1);
    private final StoreConfig config = StoreConfig.builder().memoryLimitBytes(64L << 20).hashSeed(SEED).build();
    private final SlabAllocator mem = new SlabAllocator(config, SlabClass.buildAll(config, 1), stats);

    /** A chunk holding the key (and no value), as a store fills it before linking. */
    private int chunk(byte[] key) {
        int ref = mem.allocate(mem.classFor(ItemLayout.itemBytes(key.length, 0)), 0);
        assertTrue(ref != 0, "test memory too small");
        ByteBuffer p = mem.page(ref);
        int at = mem.offset(ref);
        ItemLayout.writeHeader(p, at, key.length, 0, 0, 0, 0);
        p.put(at + ItemLayout.HEADER, key);
        return ref;
    }

    private static byte[] key(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static long hash(byte[] key) {
        return KeyHash.hash(key, 0, key.length, SEED);
    }

    @Test
    void tableAgreesWithAModelThroughGrowthReplacementAndRemoval() {
        long seed = new Random().nextLong();
        Random rnd = new Random(seed);
        IndexStripe st = new IndexStripe(0, 0, new IndexBlocks(stats), mem, SEED);
        Map<String, Integer> model = new HashMap<>();
        List<String> present = new ArrayList<>();
        Set<String> removed = new HashSet<>();
        for (int step = 0; step < 150_000; step++) {
            int op = rnd.nextInt(10);
            if (present.isEmpty() || op < 6) {
                String k = "key:" + step;
                byte[] kb = key(k);
                int ref = chunk(kb);
                assertEquals(0, st.find(hash(kb), kb, 0, kb.length), "seed " + seed);
                st.insert(hash(kb), ref);
                model.put(k, ref);
                present.add(k);
            } else if (op < 8) {
                String k = present.get(rnd.nextInt(present.size()));
                byte[] kb = key(k);
                int to = chunk(kb);
                st.replace(hash(kb), model.get(k), to);
                mem.free(model.put(k, to), 0);
            } else {
                String k = present.remove(rnd.nextInt(present.size()));
                byte[] kb = key(k);
                int ref = model.remove(k);
                assertTrue(st.contains(hash(kb), ref), "seed " + seed);
                st.remove(hash(kb), ref);
                mem.free(ref, 0);
                removed.add(k);
            }
        }
        assertEquals(model.size(), st.size(), "seed " + seed);
        assertTrue(st.size() <= 1.5 * st.buckets() && st.size() > 0.75 * st.buckets() / 2, st.buckets() + " buckets");
        for (Map.Entry<String, Integer> e : model.entrySet()) {
            byte[] kb = key(e.getKey());
            assertEquals((int) e.getValue(), st.find(hash(kb), kb, 0, kb.length), "seed " + seed);
        }
        for (String k : removed) {
            byte[] kb = key(k);
            assertEquals(0, st.find(hash(kb), kb, 0, kb.length), "seed " + seed + ": " + k + " removed");
        }
        Set<Integer> seen = new HashSet<>();
        st.forEachRef(seen::add);
        assertEquals(new HashSet<>(model.values()), seen, "seed " + seed);
    }

    @Test
    void stripesGrowingInStepReuseEachOthersBlocks() {
        IndexBlocks blocks = new IndexBlocks(stats);
        IndexStripe[] stripes = new IndexStripe[64];
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new IndexStripe(i, 6, blocks, mem, SEED);
        }
        for (int round = 0; round < 5_000; round++) {
            for (int i = 0; i < stripes.length; i++) {
                byte[] kb = key(i + ":" + round);
                stripes[i].insert(hash(kb), chunk(kb));
            }
        }
        long tables = 0;
        for (IndexStripe st : stripes) {
            assertEquals(4096, st.buckets(), "5,000 keys a stripe: 4,096 buckets");
            tables += 4L * st.buckets();
        }
        // Without reuse every old table would stay: twice the tables. With it, about one stripe's old one and an arena.
        assertTrue(blocks.allocatedBytes() <= tables + 4 * 2048 + 64 * IndexBlocks.BYTES,
                blocks.allocatedBytes() + " bytes for " + tables + " of tables");
        assertEquals(0, stats.value(StoreCounter.DIRECT_MEMORY_FAILURES));
    }

    @Test
    void aTableThatCannotGrowKeepsEveryKeyInLongerChains() {
        // One arena (64 blocks): the table doubles up to 32 blocks, then would need 64 new ones while it holds 32.
        IndexStripe st = new IndexStripe(0, 0, new IndexBlocks(stats, 64L * IndexBlocks.BYTES), mem, SEED);
        int n = 200_000;
        for (int i = 0; i < n; i++) {
            byte[] kb = key("k" + i);
            st.insert(hash(kb), chunk(kb));
        }
        assertEquals(32 * IndexStripe.PER_BLOCK, st.buckets());
        // Refused at 49,153 items, then retried when the size doubled: 98,306 and 196,612.
        assertEquals(3, stats.value(StoreCounter.DIRECT_MEMORY_FAILURES));
        for (int i = 0; i < n; i++) {
            byte[] kb = key("k" + i);
            assertTrue(st.find(hash(kb), kb, 0, kb.length) != 0, "k" + i);
        }
        byte[] absent = key("absent");
        assertEquals(0, st.find(hash(absent), absent, 0, absent.length));
    }

    @Test
    void aStoreWhoseIndexCannotGrowStillStoresAndFindsEverything() {
        CacheStore s = new CacheStore(Stores.small().memoryLimitBytes(16L << 20).stripes(1)
                .indexLimitBytes(64L * IndexBlocks.BYTES).build());
        int n = 60_000;
        for (int i = 0; i < n; i++) {
            assertEquals(StoreResult.STORED, set(s, "key:" + i, "v" + i));
        }
        assertTrue(s.stats().value(StoreCounter.DIRECT_MEMORY_FAILURES) > 0);
        for (int i = 0; i < n; i++) {
            assertEquals("v" + i, get(s, "key:" + i));
        }
        assertFalse(Stores.delete(s, "absent"));
        s.audit();
    }
}
