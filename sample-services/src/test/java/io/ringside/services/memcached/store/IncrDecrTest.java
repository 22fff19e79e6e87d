package io.ringside.services.memcached.store;

import static io.ringside.services.memcached.store.Stores.decr;
import static io.ringside.services.memcached.store.Stores.get;
import static io.ringside.services.memcached.store.Stores.gets;
import static io.ringside.services.memcached.store.Stores.incr;
import static io.ringside.services.memcached.store.Stores.set;
import static io.ringside.services.memcached.store.Stores.store;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** incr / decr, byte for byte as memcached 1.6.18 answered them (see the transcripts in package-info). */
class IncrDecrTest {
    private final CacheStore store = new CacheStore(Stores.small().build());
    private final DeltaValue out = new DeltaValue();

    @AfterEach
    void consistent() {
        store.audit();
    }

    private String afterIncr(String stored, long delta) {
        set(store, "n", stored);
        DeltaStatus s = incr(store, "n", delta, out);
        return s == DeltaStatus.OK ? get(store, "n") : s.name();
    }

    @Test
    void aShorterResultIsPaddedWithSpacesToTheOldLength() {
        set(store, "n", "10");
        assertEquals(DeltaStatus.OK, decr(store, "n", 5, out));
        assertEquals(5, out.value());
        assertEquals("5 ", get(store, "n"));
        set(store, "n", "100");
        decr(store, "n", 91, out);
        assertEquals("9  ", get(store, "n"));
        assertEquals(DeltaStatus.OK, incr(store, "n", 991, out));
        assertEquals("1000", get(store, "n"), "a longer result gets a new item of exactly its length");
        set(store, "n", "00100");
        decr(store, "n", 1, out);
        assertEquals("99   ", get(store, "n"));
    }

    @Test
    void aLongerResultKeepsFlagsAndExpiryAndChangesTheCas() {
        store(store, StoreMode.SET, "g", "99", 42, 0, 0);
        long cas = gets(store, "g").cas;
        assertEquals(DeltaStatus.OK, incr(store, "g", 1, out));
        Capture c = gets(store, "g");
        assertEquals("100", c.string());
        assertEquals(42, c.flags);
        assertEquals(c.cas, out.cas());
        assertNotEquals(cas, c.cas);
        assertEquals(DeltaStatus.OK, incr(store, "g", 1, out));
        assertNotEquals(c.cas, out.cas(), "an in-place incr changes the CAS too");
    }

    @Test
    void decrStopsAtZeroAndIncrWrapsAt2To64() {
        set(store, "d", "3");
        decr(store, "d", 10, out);
        assertEquals("0", get(store, "d"));
        assertEquals("1                   ", afterIncr("18446744073709551615", 2));
        set(store, "w", "18446744073709551615");
        decr(store, "w", 0, out);
        assertEquals("18446744073709551615", Long.toUnsignedString(out.value()));
        set(store, "w", "9223372036854775807");
        incr(store, "w", 1, out);
        assertEquals("9223372036854775808", get(store, "w"));
    }

    @Test
    void readsNumbersAsStrtoullDoes() {
        assertEquals("13    ", afterIncr("12 abc", 1));
        assertEquals("6 ", afterIncr("+5", 1));
        assertEquals("1 ", afterIncr("-0", 1));
        assertEquals("2                    ", afterIncr("-18446744073709551615", 1));
        assertEquals("13  ", afterIncr("12\0x", 1));
        assertEquals("2                       ", afterIncr("000000000000000000000001", 1));
        assertEquals("8 ", afterIncr("\t7", 1));
        assertEquals("8 ", afterIncr("7\t", 1));
        assertEquals("13 ", afterIncr(" 12", 1));
        assertEquals("13 ", afterIncr("12 ", 1));
    }

    @Test
    void nonNumbersAreRefusedAndLeftAlone() {
        for (String v : new String[] {"abc", "", "12a", "-1", "0x10", "1e3", "99999999999999999999",
                "18446744073709551616", " ", "+", "- 5"}) {
            assertEquals("NON_NUMERIC", afterIncr(v, 1), '"' + v + '"');
            assertEquals(v, get(store, "n"));
        }
        set(store, "n", "abc");
        assertEquals(DeltaStatus.NON_NUMERIC, decr(store, "n", 1, out));
    }

    @Test
    void missingKeysAreNotFound() {
        assertEquals(DeltaStatus.NOT_FOUND, incr(store, "none", 1, out));
        assertEquals(DeltaStatus.NOT_FOUND, decr(store, "none", 1, out));
        set(store, "gone", "5", -1);
        assertEquals(DeltaStatus.NOT_FOUND, incr(store, "gone", 1, out));
        assertNull(get(store, "gone"));
        assertEquals(2, store.stats().value(StoreCounter.INCR_MISSES));
        assertEquals(1, store.stats().value(StoreCounter.DECR_MISSES));
    }

    @Test
    void countingUpThroughEveryDigitBoundary() {
        set(store, "c", "0");
        long expected = 0;
        for (long d = 1; expected < 1_000_000_000_000L; d *= 3) {
            incr(store, "c", d, out);
            expected += d;
            assertEquals(expected, out.value());
            assertEquals(Long.toString(expected), get(store, "c").trim());
        }
    }
}
