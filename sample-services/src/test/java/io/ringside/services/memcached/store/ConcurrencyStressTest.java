package io.ringside.services.memcached.store;

import static io.ringside.services.memcached.store.Stores.b;
import static io.ringside.services.memcached.store.Stores.get;
import static io.ringside.services.memcached.store.Stores.set;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Several threads against one store: each test checks one promise that a broken lock, fence or retry would break
 * (bounded in iterations and time; the assertions are about correctness only, never speed).
 */
@Timeout(120)
class ConcurrencyStressTest {
    private static final int THREADS = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

    @Test
    void casUniquesAreUniqueAcrossThreads() throws Exception {
        CacheStore store = new CacheStore(Stores.small().workers(THREADS).stripes(16).build());
        int perThread = 20_000;
        long[][] seen = new long[THREADS][perThread];
        int[] count = new int[THREADS];
        set(store, "counter", "0");
        Reservation[] rs = new Reservation[THREADS];
        DeltaValue[] dv = new DeltaValue[THREADS];
        for (int t = 0; t < THREADS; t++) {
            rs[t] = store.newReservation();
            dv[t] = new DeltaValue();
        }
        new Race().add(THREADS, perThread, (t, i) -> {
            if (i % 3 == 0) {
                assertEquals(DeltaStatus.OK, store.incr(b("counter"), 0, 7, 1, dv[t]));
                seen[t][count[t]++] = dv[t].cas();
            } else {
                byte[] k = b("key" + (i % 32));
                store.reserve(rs[t], k, 0, k.length, 4);
                rs[t].write(b("vvvv"), 0, 4);
                assertEquals(StoreResult.STORED, store.commit(rs[t], StoreMode.SET, 0, 0, 0));
                seen[t][count[t]++] = rs[t].cas();
            }
            return true;
        }).run(20_000);
        long[] all = new long[Arrays.stream(count).sum()];
        int n = 0;
        for (int t = 0; t < THREADS; t++) {
            System.arraycopy(seen[t], 0, all, n, count[t]);
            n += count[t];
        }
        Arrays.sort(all);
        for (int i = 1; i < all.length; i++) {
            assertTrue(all[i] != all[i - 1], "CAS unique issued twice: " + all[i]);
        }
        assertTrue(all[0] != 0);
        store.audit();
    }

    @Test
    void incrFromManyThreadsSumsExactly() throws Exception {
        CacheStore store = new CacheStore(Stores.small().workers(THREADS).build());
        set(store, "n", "0");
        AtomicLong expected = new AtomicLong();
        DeltaValue[] dv = new DeltaValue[THREADS];
        for (int t = 0; t < THREADS; t++) {
            dv[t] = new DeltaValue();
        }
        long[] lastSeen = new long[2];
        // Deltas of 1 to 1000 make the number cross 9 -> 10 -> ... digits, so the new-item path races too.
        new Race().add(THREADS, 30_000, (t, i) -> {
            long d = 1 + (i * 7919L + t) % 1000;
            assertEquals(DeltaStatus.OK, store.incr(b("n"), 0, 1, d, dv[t]));
            expected.addAndGet(d);
            return true;
        }).addBackground(1, (t, i) -> {
            String v = get(store, "n");
            long now = Long.parseLong(v.trim());
            assertTrue(now >= lastSeen[0], "went backwards: " + lastSeen[0] + " then " + now);
            lastSeen[0] = now;
            return true;
        }).run(20_000);
        assertEquals(expected.get(), Long.parseLong(get(store, "n").trim()));
        store.audit();
    }

    @Test
    void anAppendNeverInterleavesWithASet() throws Exception {
        CacheStore store = new CacheStore(Stores.small().workers(THREADS).build());
        set(store, "a", setToken(0, 0));
        int setters = Math.max(1, THREADS / 4);
        int appenders = Math.max(2, THREADS / 2);
        Reservation[] rs = new Reservation[THREADS + 4];
        for (int t = 0; t < rs.length; t++) {
            rs[t] = store.newReservation();
        }
        Capture[] caps = new Capture[THREADS + 4];
        for (int t = 0; t < caps.length; t++) {
            caps[t] = new Capture();
        }
        new Race().add(setters, 5_000, (t, i) -> {
            assertEquals(StoreResult.STORED, set(store, "a", setToken(t, i)));
            return true;
        }).add(appenders, 20_000, (t, i) -> {
            byte[] token = b(appendToken(t, i));
            StoreResult r;
            if (i % 2 == 0) {
                r = store.store(StoreMode.APPEND, b("a"), 0, 1, token, 0, token.length, 0, 0, 0);
            } else {
                store.reserve(rs[t], b("a"), 0, 1, token.length);
                rs[t].write(token, 0, token.length);
                r = store.commit(rs[t], StoreMode.APPEND, 0, 0, 0);
            }
            assertTrue(r == StoreResult.STORED || r == StoreResult.NOT_STORED, r.name());
            return true;
        }).addBackground(2, (t, i) -> {
            assertTrue(store.get(b("a"), 0, 1, caps[t]));
            checkAppendValue(caps[t].string());
            return true;
        }).run(20_000);
        checkAppendValue(get(store, "a"));
        store.audit();
    }

    private static String setToken(int t, int i) {
        return String.format("[S%02d:%06d]", t, i);
    }

    private static String appendToken(int t, int i) {
        return String.format("<%02d%05d>", t % 100, i % 100_000);
    }

    /** A set token, then whole append tokens, each appender's in increasing order. */
    private static void checkAppendValue(String v) {
        assertTrue(v.length() >= 12 && (v.length() - 12) % 9 == 0, "torn length " + v.length() + ": " + v);
        assertTrue(v.matches("\\[S\\d\\d:\\d{6}\\](<\\d{7}>)*"), "interleaved: " + v);
        int[] last = new int[100];
        Arrays.fill(last, -1);
        for (int at = 12; at < v.length(); at += 9) {
            int thread = Integer.parseInt(v.substring(at + 1, at + 3));
            int seq = Integer.parseInt(v.substring(at + 3, at + 8));
            assertTrue(seq > last[thread], "appends of one thread out of order: " + v);
            last[thread] = seq;
        }
    }

    @Test
    void aReaderNeverSeesATornLargeValue() throws Exception {
        CacheStore store = new CacheStore(StoreConfig.builder().memoryLimitBytes(32L << 20).workers(THREADS)
                .hashSeed(7).build());
        int size = 300_000;
        int keys = 4;
        byte[][] fills = new byte[THREADS][size];
        Reservation[] rs = new Reservation[THREADS];
        for (int t = 0; t < THREADS; t++) {
            rs[t] = store.newReservation();
        }
        for (int k = 0; k < keys; k++) {
            byte[] v = new byte[size];
            store.store(StoreMode.SET, b("big" + k), 0, 4, v, 0, size, 0, 0, 0);
        }
        int writers = Math.max(2, THREADS / 2);
        long[] torn = new long[1];
        ValueSink check = (src, off, len, flags, cas) -> {
            byte first = src.get(off);
            for (int i = 1; i < len; i++) {
                if (src.get(off + i) != first) {
                    synchronized (torn) {
                        torn[0]++;
                    }
                    return;
                }
            }
            if (len != size || flags != (first & 0xFF)) {
                synchronized (torn) {
                    torn[0]++;
                }
            }
        };
        new Race().add(writers, 300, (t, i) -> {
            byte fill = (byte) (t * 31 + i);
            byte[] v = fills[t];
            Arrays.fill(v, fill);
            byte[] k = b("big" + (i % keys));
            if (i % 2 == 0) {
                store.store(StoreMode.SET, k, 0, 4, v, 0, size, fill & 0xFF, 0, 0);
            } else {
                // In pieces, with a pause in the middle: a reader in between must still see the old value.
                store.reserve(rs[t], k, 0, 4, size);
                rs[t].write(ByteBuffer.wrap(v, 0, size / 2));
                Thread.yield();
                rs[t].write(v, size / 2, size - size / 2);
                store.commit(rs[t], StoreMode.SET, fill & 0xFF, 0, 0);
            }
            return true;
        }).addBackground(THREADS - writers + 1, (t, i) -> {
            assertTrue(store.get(b("big" + (i % keys)), 0, 4, check));
            return true;
        }).run(20_000);
        assertEquals(0, torn[0], "torn reads");
        store.audit();
    }

    @Test
    void aMixedWorkloadUnderMemoryPressureStaysConsistent() throws Exception {
        ManualClock clock = ManualClock.atNewYear2026();
        CacheStore store = new CacheStore(Stores.small().workers(THREADS).clock(clock).build());
        int keySpace = 20_000;
        Reservation[] rs = new Reservation[THREADS + 1];
        Capture[] caps = new Capture[THREADS + 1];
        byte[][] bufs = new byte[THREADS + 1][4096];
        DeltaValue[] dv = new DeltaValue[THREADS + 1];
        for (int t = 0; t < rs.length; t++) {
            rs[t] = store.newReservation();
            caps[t] = new Capture();
            dv[t] = new DeltaValue();
        }
        long seed = System.nanoTime();
        System.out.println("mixed workload seed " + seed);
        new Race().add(THREADS, 100_000, (t, i) -> {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            int key = rnd.nextInt(keySpace);
            byte[] k = b("key:" + key);
            int op = rnd.nextInt(100);
            // Sizes from 10 bytes to 3 KB: many slab classes, so pages move between them under pressure.
            int len = rnd.nextInt(4) == 0 ? 500 + rnd.nextInt(2500) : 10 + rnd.nextInt(90);
            if (op < 40) {
                fill(bufs[t], key, len);
                StoreResult r = store.store(StoreMode.SET, k, 0, k.length, bufs[t], 0, len, key, rnd.nextInt(3) == 0 ? 5 : 0, 0);
                assertEquals(StoreResult.STORED, r);
            } else if (op < 80) {
                if (store.get(k, 0, k.length, caps[t])) {
                    verify(caps[t], key);
                }
            } else if (op < 85) {
                store.delete(k, 0, k.length);
            } else if (op < 90) {
                store.touch(k, 0, k.length, rnd.nextInt(10));
            } else if (op < 97) {
                fill(bufs[t], key, len);
                if (store.reserve(rs[t], k, 0, k.length, len) == ReserveResult.RESERVED) {
                    rs[t].write(bufs[t], 0, len / 2);
                    if (rnd.nextInt(4) == 0) {
                        rs[t].abort();
                    } else {
                        rs[t].write(bufs[t], len / 2, len - len / 2);
                        StoreMode mode = rnd.nextBoolean() ? StoreMode.ADD : StoreMode.REPLACE;
                        store.commit(rs[t], mode, key, 0, 0);
                    }
                }
            } else {
                byte[] c = b("count:" + (key % 16));
                store.store(StoreMode.ADD, c, 0, c.length, b("0"), 0, 1, 0, 0, 0);
                DeltaStatus s = store.incr(c, 0, c.length, 1, dv[t]);
                assertTrue(s == DeltaStatus.OK || s == DeltaStatus.NOT_FOUND, s.name());
            }
            return true;
        }).addBackground(1, (t, i) -> {
            clock.advanceSeconds(1);
            if (i % 200 == 199) {
                store.flushAll(0);
            }
            Thread.sleep(2);
            return true;
        }).run(30_000);
        String audit = store.audit();
        assertTrue(store.allocatedBytes() <= store.config().memoryLimitBytes());
        assertEquals(0, store.stats().value(StoreCounter.OUTOFMEMORY), store.stats().toString());
        System.out.println("mixed workload: " + audit + " " + store.stats());
    }

    /** A value that names its key and length: a reader can tell whose bytes it got. */
    private static void fill(byte[] buf, int key, int len) {
        byte[] head = String.format("%08d", key).getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < len; i++) {
            buf[i] = i < 8 ? head[i] : (byte) (key * 7 + len + i);
        }
    }

    private static void verify(Capture c, int key) {
        int len = c.length;
        assertTrue(len >= 10, "short value " + len);
        assertEquals(String.format("%08d", key), new String(c.bytes, 0, 8, StandardCharsets.US_ASCII), "another key's value");
        for (int i = 8; i < len; i++) {
            if (c.bytes[i] != (byte) (key * 7 + len + i)) {
                throw new AssertionError("corrupt byte " + i + " of key " + key + " (length " + len + ")");
            }
        }
        assertEquals(key, c.flags, "another key's flags");
    }
}
