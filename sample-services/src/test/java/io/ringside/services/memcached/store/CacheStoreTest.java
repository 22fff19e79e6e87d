package io.ringside.services.memcached.store;

import static io.ringside.services.memcached.store.Stores.b;
import static io.ringside.services.memcached.store.Stores.delete;
import static io.ringside.services.memcached.store.Stores.get;
import static io.ringside.services.memcached.store.Stores.gets;
import static io.ringside.services.memcached.store.Stores.set;
import static io.ringside.services.memcached.store.Stores.store;
import static io.ringside.services.memcached.store.Stores.touch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** memcached 1.6 semantics of the storage and retrieval commands, single-threaded. */
class CacheStoreTest {
    private final ManualClock clock = ManualClock.atNewYear2026();
    private final CacheStore store = new CacheStore(Stores.small().clock(clock).build());

    @AfterEach
    void consistent() {
        store.audit();
    }

    @Test
    void setThenGetReturnsValueFlagsAndACasUnique() {
        assertEquals(StoreResult.STORED, store(store, StoreMode.SET, "k", "hello", 0xFFFF_FFFF, 0, 0));
        Capture c = gets(store, "k");
        assertEquals("hello", c.string());
        assertEquals("4294967295", Integer.toUnsignedString(c.flags));
        assertNotEquals(0, c.cas);
        set(store, "k", "again");
        assertNotEquals(c.cas, gets(store, "k").cas);
        assertNull(get(store, "missing"));
    }

    @Test
    void valuesFromABufferUseTheAbsoluteRangeOnly() {
        ByteBuffer src = ByteBuffer.wrap(b("xxvaluexx"));
        byte[] k = b("k");
        assertEquals(StoreResult.STORED, store.store(StoreMode.SET, k, 0, 1, src, 2, 5, 0, 0, 0));
        assertEquals(0, src.position());
        assertEquals("value", get(store, "k"));
        assertEquals(StoreResult.STORED, store(store, StoreMode.SET, "empty", "", 0, 0, 0));
        assertEquals("", get(store, "empty"));
    }

    @Test
    void addAndReplaceDependOnPresence() {
        assertEquals(StoreResult.NOT_STORED, store(store, StoreMode.REPLACE, "k", "r", 0, 0, 0));
        assertEquals(StoreResult.STORED, store(store, StoreMode.ADD, "k", "a", 0, 0, 0));
        assertEquals(StoreResult.NOT_STORED, store(store, StoreMode.ADD, "k", "b", 0, 0, 0));
        assertEquals(StoreResult.STORED, store(store, StoreMode.REPLACE, "k", "r", 0, 0, 0));
        assertEquals("r", get(store, "k"));
    }

    @Test
    void appendAndPrependKeepFlagsAndExpiryAndMissOnAbsentKeys() {
        assertEquals(StoreResult.NOT_STORED, store(store, StoreMode.APPEND, "ap", "x", 0, 0, 0));
        assertEquals(StoreResult.NOT_STORED, store(store, StoreMode.PREPEND, "ap", "x", 0, 0, 0));
        store(store, StoreMode.SET, "ap", "bb", 7, 100, 0);
        long cas = gets(store, "ap").cas;
        assertEquals(StoreResult.STORED, store(store, StoreMode.APPEND, "ap", "c", 9, 0, 0));
        assertEquals(StoreResult.STORED, store(store, StoreMode.PREPEND, "ap", "a", 9, 0, 0));
        Capture c = gets(store, "ap");
        assertEquals("abbc", c.string());
        assertEquals(7, c.flags);
        assertNotEquals(cas, c.cas);
        clock.advanceSeconds(101);
        assertNull(get(store, "ap"), "the append kept the exptime of 100 s");
    }

    @Test
    void casComparesTheUnique() {
        assertEquals(StoreResult.NOT_FOUND, store(store, StoreMode.CAS, "c", "x", 0, 0, 12345));
        set(store, "c", "x");
        long cas = gets(store, "c").cas;
        assertEquals(StoreResult.EXISTS, store(store, StoreMode.CAS, "c", "y", 0, 0, cas + 1));
        assertEquals(StoreResult.STORED, store(store, StoreMode.CAS, "c", "y", 0, 0, cas));
        assertEquals(StoreResult.EXISTS, store(store, StoreMode.CAS, "c", "z", 0, 0, cas), "the unique changed");
        assertEquals("y", get(store, "c"));
        assertEquals(1, store.stats().value(StoreCounter.CAS_MISSES));
        assertEquals(2, store.stats().value(StoreCounter.CAS_BADVAL));
        assertEquals(1, store.stats().value(StoreCounter.CAS_HITS));
    }

    @Test
    void deleteHitsOnce() {
        set(store, "d", "x");
        assertTrue(delete(store, "d"));
        assertFalse(delete(store, "d"));
        assertNull(get(store, "d"));
        assertEquals(1, store.stats().value(StoreCounter.DELETE_HITS));
        assertEquals(1, store.stats().value(StoreCounter.DELETE_MISSES));
    }

    @Test
    void touchAndGatSetANewExptime() {
        assertFalse(touch(store, "t", 10));
        set(store, "t", "x", 10);
        assertTrue(touch(store, "t", 100));
        clock.advanceSeconds(50);
        assertEquals("x", get(store, "t"));
        Capture c = new Capture();
        assertTrue(store.getAndTouch(b("t"), 0, 1, 10, c));
        assertEquals("x", c.string());
        clock.advanceSeconds(11);
        assertNull(get(store, "t"));
        assertFalse(store.getAndTouch(b("t"), 0, 1, 10, c));
    }

    @Test
    void exptimeRulesFollowMemcached() {
        set(store, "never", "x", 0);
        set(store, "rel", "x", 2_592_000);
        set(store, "abs", "x", (int) clock.unixSeconds() + 10);
        set(store, "absPast", "x", 2_592_001);
        set(store, "negative", "x", -1);
        assertNull(get(store, "absPast"), "above 30 days is an absolute time, here long past");
        assertNull(get(store, "negative"));
        assertEquals("x", get(store, "abs"));
        clock.advanceSeconds(10);
        assertNull(get(store, "abs"));
        assertEquals("x", get(store, "rel"));
        clock.advanceSeconds(2_592_000 - 10);
        assertNull(get(store, "rel"));
        assertEquals("x", get(store, "never"));
        assertEquals(4, store.stats().value(StoreCounter.GET_EXPIRED));
    }

    @Test
    void flushAllNowInvalidatesEverythingStoredBefore() {
        set(store, "a", "1");
        set(store, "b", "2");
        store.flushAll(0);
        assertNull(get(store, "a"));
        set(store, "c", "3");
        assertEquals("3", get(store, "c"));
        assertNull(get(store, "b"));
    }

    @Test
    void flushAllWithDelayInvalidatesItemsStoredBeforeTheDeadline() {
        set(store, "fa", "x");
        store.flushAll(2);
        assertEquals("x", get(store, "fa"), "still there before the deadline");
        set(store, "fb", "y");
        clock.advanceSeconds(2);
        assertNull(get(store, "fa"));
        assertNull(get(store, "fb"), "stored after the command but before the deadline");
        set(store, "fc", "z");
        assertEquals("z", get(store, "fc"));
        clock.advanceSeconds(5);
        store.flushAll(100);
        set(store, "fd", "w");
        assertEquals("z", get(store, "fc"), "a new pending flush cancels nothing that passed and waits");
        assertNull(get(store, "fb"), "a passed flush is not undone by a later one");
        clock.advanceSeconds(100);
        assertNull(get(store, "fc"));
        assertNull(get(store, "fd"));
    }

    @Test
    void aNewFlushReplacesAPendingOne() {
        set(store, "a", "x");
        store.flushAll(10);
        store.flushAll(100);
        clock.advanceSeconds(20);
        assertEquals("x", get(store, "a"), "memcached keeps only the last flush_all deadline");
    }

    @Test
    void sizeLimitCountsKeyValueAndMemcachedsOverhead() {
        CacheStore big = new CacheStore(StoreConfig.builder().memoryLimitBytes(8L << 20).build());
        byte[] k = b("k");
        byte[] v = new byte[1_048_516];
        assertEquals(StoreResult.STORED, big.store(StoreMode.SET, k, 0, 1, v, 0, v.length, 0, 0, 0));
        byte[] tooBig = new byte[1_048_517];
        assertEquals(StoreResult.TOO_LARGE, big.store(StoreMode.SET, k, 0, 1, tooBig, 0, tooBig.length, 0, 0, 0));
        assertEquals(1_048_516, gets(big, "k").length);
        assertEquals(StoreResult.NOT_STORED, big.store(StoreMode.APPEND, k, 0, 1, v, 0, 1, 0, 0, 0),
                "an append past the limit is NOT_STORED, as in memcached 1.6");
        big.audit();
    }

    @Test
    void keysAreOneTo250BytesOfAnything() {
        byte[] k = new byte[251];
        assertThrows(IllegalArgumentException.class, () -> store.get(k, 0, 251, new Capture()));
        assertThrows(IllegalArgumentException.class, () -> store.get(k, 0, 0, new Capture()));
        assertThrows(IndexOutOfBoundsException.class, () -> store.get(k, 250, 2, new Capture()));
        k[0] = 1;
        k[1] = '\r';
        assertEquals(StoreResult.STORED, store.store(StoreMode.SET, k, 0, 250, k, 0, 3, 0, 0, 0));
        Capture c = new Capture();
        assertTrue(store.get(k, 0, 250, c));
        assertFalse(store.get(k, 0, 249, c), "a prefix is another key");
        assertFalse(store.get(k, 1, 250, c), "a shifted range is another key");
    }

    /** What a visitor saw of an item (tests). */
    record Seen(long ttl, int sinceAccess, boolean fetched, int length) {
    }

    private Seen look(String key, int options) {
        Seen[] seen = new Seen[1];
        byte[] k = b(key);
        boolean hit = store.metaGet(k, 0, k.length, options, new ItemView(),
                i -> seen[0] = new Seen(i.ttl(), i.secondsSinceAccess(), i.fetchedBefore(), i.valueLength()));
        assertEquals(hit, seen[0] != null, "visited exactly on a hit");
        return seen[0];
    }

    @Test
    void metaReportsTtlAccessAndFetched() {
        set(store, "m", "v", 100);
        clock.advanceSeconds(7);
        assertEquals(new Seen(93, 7, false, 1), look("m", 0));
        clock.advanceSeconds(2);
        assertEquals(new Seen(91, 2, true, 1), look("m", 0), "the first read bumped it");
        set(store, "forever", "v");
        assertEquals(-1, look("forever", 0).ttl());
        assertNull(look("missing", 0));
    }

    @Test
    void aReadWithoutBumpLeavesTheItemAsItWas() {
        set(store, "u", "v");
        clock.advanceSeconds(5);
        assertEquals(new Seen(-1, 5, false, 1), look("u", ReadOptions.NO_BUMP));
        assertEquals(new Seen(-1, 5, false, 1), look("u", ReadOptions.NO_BUMP | ReadOptions.UNCOUNTED));
        assertEquals(1, store.stats().value(StoreCounter.CMD_GET), "UNCOUNTED is not a get");
        assertEquals(new Seen(-1, 5, false, 1), look("u", 0));
        assertEquals(new Seen(-1, 0, true, 1), look("u", 0));
    }

    @Test
    void countersFollowTheItems() {
        set(store, "a", "12345");
        set(store, "b", "1");
        set(store, "a", "1");
        get(store, "a");
        get(store, "zz");
        StoreStats s = store.stats();
        assertEquals(2, s.value(StoreCounter.CURR_ITEMS));
        assertEquals(3, s.value(StoreCounter.TOTAL_ITEMS));
        assertEquals(2 * (ItemLayout.HEADER + 2), s.value(StoreCounter.BYTES));
        assertEquals(1, s.value(StoreCounter.GET_HITS));
        assertEquals(1, s.value(StoreCounter.GET_MISSES));
        assertEquals(2, s.value(StoreCounter.CMD_GET));
        assertEquals(3, s.value(StoreCounter.CMD_SET));
        assertTrue(s.snapshot().containsKey("get_hits"));
    }

    @Test
    void manyKeysSurviveGrowthAndDeletion() {
        for (int i = 0; i < 20_000; i++) {
            set(store, "key:" + i, "v" + i);
        }
        for (int i = 0; i < 20_000; i += 2) {
            assertTrue(delete(store, "key:" + i));
        }
        for (int i = 0; i < 20_000; i++) {
            assertEquals(i % 2 == 0 ? null : "v" + i, get(store, "key:" + i), "key:" + i);
        }
    }
}
