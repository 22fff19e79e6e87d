package io.ringside.services.memcached.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The hot paths allocate nothing on the calling thread once warm: measured with the JVM's per-thread allocation
 * counter over 100,000 operations each, after a warm-up that lets the JIT compile them.
 */
@Timeout(300)
class AllocationTest {
    private static final int OPS = 100_000;
    private static final int KEYS = 10_000;

    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final byte[][] keys = new byte[4 * KEYS][];
    private final byte[] value = new byte[100];
    /** What a protocol handler would do on a hit: copy the value into its output buffer. */
    private final ByteBuffer out = ByteBuffer.allocateDirect(4096);
    private final ValueSink sink = (src, off, len, flags, cas) -> out.put(0, src, off, len);

    AllocationTest() {
        for (int i = 0; i < keys.length; i++) {
            keys[i] = String.format("key:%08d", i).getBytes(StandardCharsets.US_ASCII);
        }
    }

    private interface Op {
        void run(int i);
    }

    private double bytesPerOp(Op op) {
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < OPS; i++) {
                op.run(i);
            }
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < OPS; i++) {
            op.run(i);
        }
        long after = threads.getCurrentThreadAllocatedBytes();
        return (after - before) / (double) OPS;
    }

    private CacheStore loaded() {
        CacheStore store = new CacheStore(StoreConfig.builder().workers(4).build());
        for (int i = 0; i < KEYS; i++) {
            store.store(StoreMode.SET, keys[i], 0, keys[i].length, value, 0, value.length, 0, 0, 0);
        }
        return store;
    }

    @Test
    void aGetHitAllocatesNothing() {
        CacheStore store = loaded();
        double perOp = bytesPerOp(i -> {
            byte[] k = keys[i % KEYS];
            if (!store.get(k, 0, k.length, sink)) {
                throw new AssertionError("miss");
            }
        });
        System.out.println("get hit: " + perOp + " bytes/op");
        assertTrue(perOp < 1.0, perOp + " bytes allocated per get");
    }

    @Test
    void aSetAllocatesNothing() {
        CacheStore store = loaded();
        double perOp = bytesPerOp(i -> {
            byte[] k = keys[i % KEYS];
            value[0] = (byte) i;
            store.store(StoreMode.SET, k, 0, k.length, value, 0, value.length, i, 0, 0);
        });
        System.out.println("set: " + perOp + " bytes/op");
        assertTrue(perOp < 1.0, perOp + " bytes allocated per set");
        store.audit();
    }

    @Test
    void aSetThatEvictsAllocatesNothing() {
        CacheStore store = new CacheStore(Stores.small().memoryLimitBytes(2L << 20).build());
        double perOp = bytesPerOp(i -> {
            byte[] k = keys[i % keys.length];
            store.store(StoreMode.SET, k, 0, k.length, value, 0, value.length, 0, 0, 0);
        });
        System.out.println("set with eviction: " + perOp + " bytes/op, " + store.stats().value(StoreCounter.EVICTIONS)
                + " evictions");
        assertTrue(store.stats().value(StoreCounter.EVICTIONS) > OPS);
        assertTrue(perOp < 1.0, perOp + " bytes allocated per evicting set");
        store.audit();
    }

    @Test
    void aReservedSetAndAnIncrAllocateNothing() {
        CacheStore store = loaded();
        Reservation r = store.newReservation();
        ByteBuffer chunk = ByteBuffer.wrap(value);
        double perOp = bytesPerOp(i -> {
            byte[] k = keys[i % KEYS];
            store.reserve(r, k, 0, k.length, 200);
            r.write(value, 0, 100);
            r.write(chunk, 0, 100);
            store.commit(r, StoreMode.SET, 0, 0, 0);
        });
        System.out.println("reserved set: " + perOp + " bytes/op");
        assertTrue(perOp < 1.0, perOp + " bytes allocated per reserved set");
        DeltaValue dv = new DeltaValue();
        byte[] n = "counter".getBytes(StandardCharsets.US_ASCII);
        store.store(StoreMode.SET, n, 0, n.length, "0".getBytes(StandardCharsets.US_ASCII), 0, 1, 0, 0, 0);
        double incr = bytesPerOp(i -> store.incr(n, 0, n.length, 1, dv));
        System.out.println("incr: " + incr + " bytes/op");
        assertTrue(incr < 1.0, incr + " bytes allocated per incr");
        assertEquals(4L * OPS, dv.value());
    }
}
