package io.ringside.services.memcached.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random operations on a store too large to evict, against a map of what memcached would hold (seeded; the seed is
 * printed on failure). Exercises the index's probing, growth and backward-shift deletion and every storage mode.
 */
class ModelTest {
    @Test
    void theStoreAgreesWithAMap() {
        long seed = new Random().nextLong();
        Random rnd = new Random(seed);
        CacheStore store = new CacheStore(StoreConfig.builder().memoryLimitBytes(64L << 20).stripes(4).workers(2)
                .hashSeed(rnd.nextLong()).build());
        Map<String, String> model = new HashMap<>();
        DeltaValue dv = new DeltaValue();
        for (int i = 0; i < 200_000; i++) {
            String key = "k" + rnd.nextInt(3_000);
            String value = Integer.toString(rnd.nextInt(1000));
            String where = "seed " + seed + ", step " + i + ", key " + key;
            switch (rnd.nextInt(8)) {
                case 0, 1 -> {
                    assertEquals(StoreResult.STORED, Stores.set(store, key, value), where);
                    model.put(key, value);
                }
                case 2 -> {
                    StoreResult r = Stores.store(store, StoreMode.ADD, key, value, 0, 0, 0);
                    assertEquals(model.containsKey(key) ? StoreResult.NOT_STORED : StoreResult.STORED, r, where);
                    model.putIfAbsent(key, value);
                }
                case 3 -> {
                    boolean append = rnd.nextBoolean();
                    StoreResult r = Stores.store(store, append ? StoreMode.APPEND : StoreMode.PREPEND, key, "x", 0, 0, 0);
                    assertEquals(model.containsKey(key) ? StoreResult.STORED : StoreResult.NOT_STORED, r, where);
                    model.computeIfPresent(key, (k, old) -> append ? old + "x" : "x" + old);
                }
                case 4 -> assertEquals(model.remove(key) != null, Stores.delete(store, key), where);
                case 5 -> {
                    DeltaStatus s = Stores.incr(store, key, 7, dv);
                    String old = model.get(key);
                    if (old == null) {
                        assertEquals(DeltaStatus.NOT_FOUND, s, where);
                    } else if (old.matches("\\d+ *")) {
                        assertEquals(DeltaStatus.OK, s, where);
                        String next = Long.toString(Long.parseLong(old.trim()) + 7);
                        model.put(key, next.length() < old.length() ? next + " ".repeat(old.length() - next.length()) : next);
                    } else {
                        assertEquals(DeltaStatus.NON_NUMERIC, s, where);
                    }
                }
                default -> assertEquals(model.get(key), Stores.get(store, key), where);
            }
        }
        for (Map.Entry<String, String> e : model.entrySet()) {
            assertEquals(e.getValue(), Stores.get(store, e.getKey()), "seed " + seed);
        }
        assertEquals(model.size(), store.stats().value(StoreCounter.CURR_ITEMS));
        store.audit();
        assertEquals(0, store.stats().value(StoreCounter.EVICTIONS), "seed " + seed);
    }
}
