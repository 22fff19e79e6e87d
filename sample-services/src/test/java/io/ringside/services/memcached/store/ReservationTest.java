package io.ringside.services.memcached.store;

import static io.ringside.services.memcached.store.Stores.b;
import static io.ringside.services.memcached.store.Stores.get;
import static io.ringside.services.memcached.store.Stores.gets;
import static io.ringside.services.memcached.store.Stores.set;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Values that arrive in pieces: reserve, write, commit or abort. */
class ReservationTest {
    private final CacheStore store = new CacheStore(Stores.small().build());
    private final Reservation r = store.newReservation();

    @AfterEach
    void consistent() {
        store.audit();
    }

    @Test
    void aValueWrittenInPiecesAppearsOnlyAtCommit() {
        byte[] k = b("big");
        byte[] value = new byte[40_000];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) (i * 31);
        }
        assertEquals(ReserveResult.RESERVED, store.reserve(r, k, 0, 3, value.length));
        for (int off = 0; off < value.length; off += 1000) {
            if (off % 2000 == 0) {
                r.write(value, off, 1000);
            } else {
                r.write(ByteBuffer.wrap(value, off, 1000));
            }
            assertNull(get(store, "big"), "invisible before commit");
        }
        assertEquals(0, r.remaining());
        assertEquals(StoreResult.STORED, store.commit(r, StoreMode.SET, 5, 0, 0));
        assertFalse(r.isOpen());
        Capture c = gets(store, "big");
        assertTrue(Arrays.equals(value, Arrays.copyOf(c.bytes, c.length)));
        assertEquals(5, c.flags);
        assertEquals(c.cas, r.cas(), "the reservation reports the stored CAS");
    }

    @Test
    void abortGivesTheMemoryBackEveryTime() {
        byte[] k = b("k");
        long limit = store.config().memoryLimitBytes();
        // Reserve 40 times the memory limit in total: only works if every abort frees its chunk.
        for (int i = 0; i < 40 * (limit / 60_000); i++) {
            assertEquals(ReserveResult.RESERVED, store.reserve(r, k, 0, 1, 60_000), "round " + i);
            r.write(new byte[10], 0, 10);
            if (i % 2 == 0) {
                r.abort();
            } else {
                r.close();
            }
        }
        assertEquals(0, store.stats().value(StoreCounter.RESERVATIONS_OPEN));
        r.abort();
        assertNull(get(store, "k"));
    }

    @Test
    void misuseIsRefused() {
        byte[] k = b("k");
        assertThrows(IllegalStateException.class, () -> store.commit(r, StoreMode.SET, 0, 0, 0));
        assertThrows(IllegalStateException.class, () -> r.write(new byte[1], 0, 1));
        store.reserve(r, k, 0, 1, 4);
        assertThrows(IllegalStateException.class, () -> store.reserve(r, k, 0, 1, 4));
        assertThrows(IllegalArgumentException.class, () -> r.write(new byte[5], 0, 5));
        r.write(new byte[2], 0, 2);
        assertThrows(IllegalStateException.class, () -> store.commit(r, StoreMode.SET, 0, 0, 0), "2 bytes missing");
        r.abort();
        Reservation other = new CacheStore(Stores.small().build()).newReservation();
        assertThrows(IllegalArgumentException.class, () -> store.reserve(other, k, 0, 1, 1));
    }

    @Test
    void tooLargeHoldsNothing() {
        assertEquals(ReserveResult.TOO_LARGE, store.reserve(r, b("k"), 0, 1, 64 << 10));
        assertFalse(r.isOpen());
    }

    @Test
    void conditionalCommitsThatFailFreeTheirSpace() {
        set(store, "k", "old");
        byte[] k = b("k");
        store.reserve(r, k, 0, 1, 3);
        r.write(b("new"), 0, 3);
        assertEquals(StoreResult.NOT_STORED, store.commit(r, StoreMode.ADD, 0, 0, 0));
        assertEquals(0, r.cas());
        store.reserve(r, k, 0, 1, 3);
        r.write(b("new"), 0, 3);
        assertEquals(StoreResult.EXISTS, store.commit(r, StoreMode.CAS, 0, 0, gets(store, "k").cas + 1));
        assertEquals("old", get(store, "k"));
    }

    @Test
    void appendAndPrependThroughAReservation() {
        set(store, "k", "mid");
        byte[] k = b("k");
        store.reserve(r, k, 0, 1, 4);
        r.write(b("-end"), 0, 4);
        assertEquals(StoreResult.STORED, store.commit(r, StoreMode.APPEND, 0, 0, 0));
        store.reserve(r, k, 0, 1, 6);
        r.write(b("start-"), 0, 6);
        assertEquals(StoreResult.STORED, store.commit(r, StoreMode.PREPEND, 0, 0, 0));
        assertEquals("start-mid-end", get(store, "k"));
        assertEquals(gets(store, "k").cas, r.cas());
    }

    @Test
    void theKeyIsCopiedAtReserveTime() {
        byte[] scratch = b("first");
        store.reserve(r, scratch, 0, 5, 1);
        System.arraycopy(b("other"), 0, scratch, 0, 5);
        r.write(b("x"), 0, 1);
        store.commit(r, StoreMode.SET, 0, 0, 0);
        assertEquals("x", get(store, "first"));
        assertNull(get(store, "other"));
    }
}
