package io.ringside.services.memcached.store;

import static io.ringside.services.memcached.store.Stores.b;
import static io.ringside.services.memcached.store.Stores.get;
import static io.ringside.services.memcached.store.Stores.set;
import static io.ringside.services.memcached.store.Stores.store;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The store's side of the meta protocol: {@link CacheStore#metaGet} (visits, vivify, the win token),
 * {@link CacheStore#invalidate}, a reservation's {@code invalidate} and {@code binaryKey}, append with a CAS, and
 * the per-class counters with {@code stats reset}.
 */
class MetaStoreTest {
    private final ManualClock clock = ManualClock.atNewYear2026();
    private final CacheStore store = new CacheStore(Stores.small().clock(clock).build());
    private final ItemView view = new ItemView();

    @AfterEach
    void consistent() {
        store.audit();
    }

    /** Visits key with options; returns whether it was a hit (or a created item). */
    private boolean visit(String key, int options, Consumer<ItemView> visitor) {
        byte[] k = b(key);
        return store.metaGet(k, 0, k.length, options, view, visitor::accept);
    }

    private long cas(String key) {
        long[] cas = new long[1];
        assertTrue(visit(key, ReadOptions.UNCOUNTED, i -> cas[0] = i.cas()), key);
        return cas[0];
    }

    @Test
    void vivifyCreatesAnEmptyItemThatLaterReadsFind() {
        boolean[] created = new boolean[1];
        assertTrue(visit("v", ReadOptions.VIVIFY, i -> {
            created[0] = i.created();
            assertEquals(0, i.valueLength());
            assertEquals(-1, i.ttl());
            assertFalse(i.fetchedBefore());
            i.setExptime(30);
            assertEquals(30, i.ttl(), "the new TTL shows at once");
        }));
        assertTrue(created[0]);
        assertTrue(visit("v", ReadOptions.VIVIFY, i -> {
            created[0] = i.created();
            assertEquals(30, i.ttl());
            assertTrue(i.fetchedBefore(), "the creating read bumped it");
        }));
        assertFalse(created[0], "the second read found it");
        assertEquals("", get(store, "v"));
        assertEquals(3, store.stats().value(StoreCounter.GET_HITS), "a created item counts as a hit, as memcached");
        assertEquals(1, store.stats().value(StoreCounter.CURR_ITEMS));
    }

    @Test
    void aMissIsNotVisitedAndCountsAsAGetMissEvenWithTouch() {
        assertFalse(visit("nope", ReadOptions.TOUCH, i -> {
            throw new AssertionError("visited a miss");
        }));
        assertEquals(1, store.stats().value(StoreCounter.GET_MISSES));
        assertEquals(0, store.stats().value(StoreCounter.TOUCH_MISSES));
        set(store, "t", "x");
        assertTrue(visit("t", ReadOptions.TOUCH, i -> i.setExptime(10)));
        assertEquals(1, store.stats().value(StoreCounter.TOUCH_HITS), "a hit with TOUCH is a touch");
        assertEquals(1, store.stats().value(StoreCounter.CMD_GET), "the miss only");
    }

    @Test
    void aViewWorksOnlyDuringItsVisitAndChangesTheTtlOnlyWhenTouching() {
        set(store, "a", "x");
        assertTrue(visit("a", 0, i -> assertThrows(IllegalStateException.class, () -> i.setExptime(5))));
        assertThrows(IllegalStateException.class, view::cas, "used after the visit");
        assertTrue(visit("a", ReadOptions.TOUCH, i -> i.setExptime(5)));
        clock.advanceSeconds(5);
        assertEquals(null, get(store, "a"), "expired by the new TTL");
    }

    @Test
    void invalidateMarksStaleWithANewCasAndFreesTheToken() {
        set(store, "s", "x", 100);
        long before = cas("s");
        assertTrue(visit("s", 0, i -> assertTrue(i.takeWinToken())));
        assertTrue(visit("s", 0, i -> assertFalse(i.takeWinToken(), "taken once")));
        byte[] k = b("s");
        assertEquals(StoreResult.EXISTS, store.invalidate(k, 0, 1, true, before + 1, false, 0));
        assertEquals(StoreResult.STORED, store.invalidate(k, 0, 1, true, before, true, 50));
        assertTrue(visit("s", 0, i -> {
            assertTrue(i.stale());
            assertFalse(i.winTokenTaken(), "the token is free again");
            assertNotEquals(before, i.cas());
            assertEquals(50, i.ttl(), "T with I");
        }));
        assertEquals("x", get(store, "s"), "a stale item still serves its value");
        assertEquals(StoreResult.NOT_FOUND, store.invalidate(b("zz"), 0, 2, false, 0, false, 0));
        set(store, "s", "y");
        assertTrue(visit("s", 0, i -> assertFalse(i.stale(), "a new value is fresh")));
    }

    @Test
    void exactlyOneOfManyConcurrentReadersTakesEachToken() throws Exception {
        int keys = 2_000;
        for (int k = 0; k < keys; k++) {
            set(store, "k" + k, "v");
            byte[] key = b("k" + k);
            assertEquals(StoreResult.STORED, store.invalidate(key, 0, key.length, false, 0, false, 0));
        }
        AtomicIntegerArray wins = new AtomicIntegerArray(keys);
        new Race().add(4, keys, (t, i) -> {
            int k = (i * 7 + t * 13) % keys;
            byte[] key = b("k" + k);
            ItemView own = new ItemView();
            assertTrue(store.metaGet(key, 0, key.length, 0, own, item -> {
                if (item.stale() && !item.winTokenTaken() && item.takeWinToken()) {
                    wins.incrementAndGet(k);
                }
            }));
            return true;
        }).run(60_000);
        for (int k = 0; k < keys; k++) {
            assertEquals(1, wins.get(k), "winners of k" + k);
        }
    }

    /** A reservation of value v under key, committed in mode with the CAS unique. */
    private StoreResult commit(String key, String v, StoreMode mode, long cas, Consumer<Reservation> options) {
        Reservation r = store.newReservation();
        byte[] k = b(key);
        assertEquals(ReserveResult.RESERVED, store.reserve(r, k, 0, k.length, v.length()));
        options.accept(r);
        r.write(b(v), 0, v.length());
        return store.commit(r, mode, 0, 0, cas);
    }

    @Test
    void anInvalidatingCasBelowTheItemsStoresStaleKeepingExpiryAndToken() {
        set(store, "a", "old", 100);
        long read = cas("a");
        assertTrue(visit("a", 0, ItemView::takeWinToken));
        byte[] k = b("a");
        store.invalidate(k, 0, 1, false, 0, false, 0);
        assertTrue(visit("a", 0, ItemView::takeWinToken));
        assertEquals(StoreResult.EXISTS, commit("a", "new", StoreMode.CAS, read, r -> { }), "without invalidate");
        assertEquals(StoreResult.STORED, commit("a", "new", StoreMode.CAS, read, Reservation::invalidate));
        assertTrue(visit("a", 0, i -> {
            assertTrue(i.stale());
            assertTrue(i.winTokenTaken());
            assertEquals(100, i.ttl(), "the old item's expiry, not the commit's 0");
        }));
        assertEquals("new", get(store, "a"));
        long now = cas("a");
        assertEquals(StoreResult.EXISTS, commit("a", "x", StoreMode.CAS, now + 1, Reservation::invalidate));
        assertEquals(StoreResult.STORED, commit("a", "fresh", StoreMode.CAS, now, Reservation::invalidate));
        assertTrue(visit("a", 0, i -> assertFalse(i.stale() || i.winTokenTaken(), "the current CAS: a fresh item")));
    }

    @Test
    void aBinaryKeyIsRememberedUntilTheItemIsReplaced() {
        assertEquals(StoreResult.STORED, commit("b", "v", StoreMode.SET, 0, Reservation::binaryKey));
        assertTrue(visit("b", 0, i -> assertTrue(i.keyBinary())));
        assertEquals(StoreResult.STORED, commit("b", "w", StoreMode.APPEND, 0, Reservation::binaryKey));
        assertTrue(visit("b", 0, i -> assertFalse(i.keyBinary(), "an append makes a new item, as memcached")));
        assertEquals(StoreResult.STORED, commit("b", "v", StoreMode.SET, 0, Reservation::binaryKey));
        set(store, "b", "plain");
        assertTrue(visit("b", 0, i -> assertFalse(i.keyBinary())));
    }

    @Test
    void appendComparesANonZeroCas() {
        set(store, "a", "x");
        long c = cas("a");
        assertEquals(StoreResult.EXISTS, store(store, StoreMode.APPEND, "a", "y", 0, 0, c + 1));
        assertEquals(StoreResult.STORED, store(store, StoreMode.APPEND, "a", "y", 0, 0, c));
        assertEquals(StoreResult.STORED, store(store, StoreMode.PREPEND, "a", "w", 0, 0, 0));
        assertEquals(StoreResult.EXISTS, commit("a", "z", StoreMode.APPEND, c, r -> { }), "the CAS changed");
        assertEquals("wxy", get(store, "a"));
        assertEquals(StoreResult.NOT_STORED, store(store, StoreMode.APPEND, "missing", "y", 0, 0, 5));
    }

    @Test
    void perClassCountersAddUpAndResetKeepsTheGauges() {
        set(store, "small", "x");
        set(store, "large", "y".repeat(5_000));
        get(store, "small");
        get(store, "large");
        get(store, "large");
        get(store, "missing");
        StoreStats s = store.stats();
        SlabUsage[] usage = store.slabUsage();
        int small = store.slabUsage().length;
        long hits = 0;
        long items = 0;
        for (int c = 0; c < s.classes(); c++) {
            hits += s.value(StoreCounter.GET_HITS, c);
            items += s.value(StoreCounter.CURR_ITEMS, c);
            if (s.value(StoreCounter.CURR_ITEMS, c) > 0) {
                assertEquals(s.value(StoreCounter.CURR_ITEMS, c), usage[c].usedChunks(), "class " + c);
                small = Math.min(small, c);
            }
        }
        assertEquals(3, hits);
        assertEquals(3, s.value(StoreCounter.GET_HITS));
        assertEquals(1, s.value(StoreCounter.GET_HITS, small), "the small item's class");
        assertEquals(2, items);
        assertEquals(1, s.value(StoreCounter.GET_MISSES), "a miss has no class, but counts");
        s.reset();
        assertEquals(0, s.value(StoreCounter.GET_HITS));
        assertEquals(0, s.value(StoreCounter.GET_HITS, small));
        assertEquals(0, s.value(StoreCounter.TOTAL_ITEMS));
        assertEquals(2, s.value(StoreCounter.CURR_ITEMS), "a gauge");
        assertTrue(s.value(StoreCounter.BYTES) > 5_000, "a gauge");
        get(store, "small");
        assertEquals(1, s.value(StoreCounter.GET_HITS));
        assertThrows(IndexOutOfBoundsException.class, () -> s.value(StoreCounter.GET_HITS, s.classes()));
    }
}
