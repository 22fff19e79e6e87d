package io.ringside.services.memcached.store;

import static io.ringside.services.memcached.store.Stores.b;
import static io.ringside.services.memcached.store.Stores.get;
import static io.ringside.services.memcached.store.Stores.set;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The memory limit holds: CLOCK eviction within a class, pages moving between classes. */
class EvictionTest {
    private final ManualClock clock = ManualClock.atNewYear2026();
    private final CacheStore store = new CacheStore(Stores.small().clock(clock).build());

    @AfterEach
    void consistent() {
        store.audit();
    }

    private static String value(int i, int size) {
        StringBuilder sb = new StringBuilder(size);
        String tag = "v" + i + ":";
        while (sb.length() < size) {
            sb.append(tag);
        }
        return sb.substring(0, size);
    }

    @Test
    void memoryStaysWithinTheLimitAndEvictionsAreCounted() {
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            assertEquals(StoreResult.STORED, set(store, "key:" + i, value(i, 100)));
        }
        assertTrue(store.allocatedBytes() <= store.config().memoryLimitBytes());
        long evictions = store.stats().value(StoreCounter.EVICTIONS);
        long items = store.stats().value(StoreCounter.CURR_ITEMS);
        assertTrue(evictions > 0, "4 MiB cannot hold 100,000 items of 100 bytes");
        assertEquals(n, items + evictions);
        assertEquals(evictions, store.stats().value(StoreCounter.EVICTED_UNFETCHED), "none was read");
        int present = 0;
        for (int i = 0; i < n; i++) {
            String v = get(store, "key:" + i);
            if (v != null) {
                assertEquals(value(i, 100), v);
                present++;
            }
        }
        assertEquals(items, present);
    }

    @Test
    void itemsReadOftenSurviveAStreamOfNewOnes() {
        int hot = 2_000;
        for (int i = 0; i < hot; i++) {
            set(store, "hot:" + i, value(i, 100));
        }
        for (int i = 0; i < 200_000; i++) {
            set(store, "cold:" + i, value(i, 100));
            if (i % 20 == 0) {
                // Each hot item is read about once every 40,000 stores; the class holds about 20,000 items.
                for (int h = (i / 20) % 20; h < hot; h += 20 * 50) {
                    get(store, "hot:" + h);
                }
            }
            if (i % 1000 == 0) {
                for (int h = 0; h < hot; h++) {
                    get(store, "hot:" + h);
                }
            }
        }
        int lost = 0;
        for (int i = 0; i < hot; i++) {
            if (get(store, "hot:" + i) == null) {
                lost++;
            }
        }
        assertEquals(0, lost, "hot items evicted");
        assertTrue(store.stats().value(StoreCounter.EVICTIONS) > 150_000);
    }

    @Test
    void expiredItemsAreReusedBeforeLiveOnesAreEvicted() {
        ManualClock clock = ManualClock.atNewYear2026();
        CacheStore s = new CacheStore(Stores.small().clock(clock).build());
        // About 27,500 chunks of 152 bytes fit: 15,000 short-lived items, then 15,000 more.
        for (int i = 0; i < 15_000; i++) {
            set(s, String.format("short:%05d", i), value(i, 100), 10);
        }
        clock.advanceSeconds(11);
        for (int i = 0; i < 15_000; i++) {
            set(s, String.format("fresh:%05d", i), value(i, 100));
        }
        assertTrue(s.stats().value(StoreCounter.RECLAIMED) > 0);
        assertEquals(0, s.stats().value(StoreCounter.EVICTIONS), "only expired items had to go");
        for (int i = 0; i < 15_000; i++) {
            assertEquals(value(i, 100), get(s, String.format("fresh:%05d", i)));
        }
        s.audit();
    }

    @Test
    void pagesMoveToANewItemSizeWhenMemoryIsFull() {
        for (int i = 0; i < 60_000; i++) {
            set(store, "small:" + i, value(i, 40));
        }
        assertEquals(store.config().memoryLimitBytes(), store.allocatedBytes(), "all pages are taken");
        clock.advanceSeconds(100);
        for (int i = 0; i < 500; i++) {
            assertEquals(StoreResult.STORED, set(store, "large:" + i, value(i, 20_000)), "large:" + i);
        }
        assertTrue(store.stats().value(StoreCounter.SLABS_MOVED) > 0, Arrays.toString(Stores.pagesPerClass(store)));
        int large = 0;
        for (int i = 0; i < 500; i++) {
            String v = get(store, "large:" + i);
            if (v != null) {
                assertTrue(v.equals(value(i, 20_000)), "large:" + i);
                large++;
            }
        }
        // 4 MiB hold about 190 values of 20,000 bytes; the idle small items gave their pages up.
        assertTrue(large > 120, large + " large items present, pages " + Arrays.toString(Stores.pagesPerClass(store)));
        for (int i = 0; i < 20_000; i++) {
            assertEquals(StoreResult.STORED, set(store, "small2:" + i, value(i, 40)));
        }
        assertEquals(value(19_999, 40), get(store, "small2:19999"));
    }

    @Test
    void agesBalanceBothWays() {
        for (int i = 0; i < 500; i++) {
            set(store, "large:" + i, value(i, 20_000));
        }
        clock.advanceSeconds(100);
        for (int i = 0; i < 200_000; i++) {
            set(store, "small:" + i, value(i, 40));
        }
        int[] pages = Stores.pagesPerClass(store);
        int smallClass = 0;
        while (Stores.chunkSizes(store)[smallClass] < ItemLayout.itemBytes(12, 40)) {
            smallClass++;
        }
        assertTrue(pages[smallClass] > 48, "the small class took the idle large pages: " + Arrays.toString(pages));
    }

    @Test
    void freeChunksInOneClassAreLentToAnother() {
        // 45,000 chunks of 80 bytes (32-byte header, key of at most 11 bytes, 36-byte value) take 55 of the 64 pages.
        for (int i = 0; i < 45_000; i++) {
            set(store, "small:" + i, value(i, 36));
        }
        assertEquals(0, store.stats().value(StoreCounter.EVICTIONS));
        for (int i = 0; i < 45_000; i++) {
            Stores.delete(store, "small:" + i);
        }
        for (int i = 0; i < 150; i++) {
            assertEquals(StoreResult.STORED, set(store, "large:" + i, value(i, 20_000)));
        }
        for (int i = 0; i < 150; i++) {
            assertTrue(value(i, 20_000).equals(get(store, "large:" + i)), "nothing had to be evicted: large:" + i);
        }
        assertEquals(0, store.stats().value(StoreCounter.EVICTIONS));
    }

    @Test
    void aSlowReservationDoesNotBlockThePageMoverForever() {
        Reservation r = store.newReservation();
        for (int i = 0; i < 60_000; i++) {
            set(store, "small:" + i, value(i, 40));
        }
        // A reservation in the small class, left open, pins one chunk of some page.
        assertEquals(ReserveResult.RESERVED, store.reserve(r, b("slow"), 0, 4, 40));
        for (int i = 0; i < 300; i++) {
            assertEquals(StoreResult.STORED, set(store, "large:" + i, value(i, 20_000)));
        }
        r.write(b(value(0, 40)), 0, 40);
        assertEquals(StoreResult.STORED, store.commit(r, StoreMode.SET, 0, 0, 0));
        assertEquals(value(0, 40), get(store, "slow"));
    }
}
