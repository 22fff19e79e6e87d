package io.ringside.services.memcached.store;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The memory of the index tables: fixed-size blocks of direct memory (4 KiB, 1,024 buckets), carved from arenas
 * of 64 blocks taken on first need, handed out zeroed and taken back when a table doubles. A table is an array of
 * blocks ({@link IndexStripe}), so the index lives off the heap: the heap holds one small buffer object per block,
 * the collector has nothing per item to trace or copy, and the heap does not need to grow with the items.
 *
 * <p>Blocks are never given back to the JVM, only to this pool: the JDK frees direct memory only when the collector
 * finds the buffer unreachable, and a heap that allocates nothing rarely collects. Reuse is what bounds the waste:
 * all stripes grow in step (the hash spreads keys evenly), so the blocks one stripe frees when it doubles are what
 * the next stripe takes, and at most about one stripe's old table lies idle.
 *
 * <p>Thread-safe: {@link #take} and {@link #give} hold this object's monitor, and are called under a stripe's write
 * lock (the monitor is the innermost lock; it calls nothing). A block given by one stripe and taken by another
 * passes through the monitor, which orders the giver's writes (the zeroing) before the taker's.
 */
final class IndexBlocks {
    /** Bytes of a block. */
    static final int BYTES = 4096;
    private static final int PER_ARENA = 64;
    private static final int ARENA_BYTES = PER_ARENA * BYTES;
    private static final byte[] ZERO = new byte[BYTES];

    private final StoreStats stats;
    /** Most bytes to take (tests); the JVM's direct memory limit applies in any case. */
    private final long limitBytes;
    /** Idle blocks, all zero. Guarded by this. */
    private ByteBuffer[] idle = new ByteBuffer[PER_ARENA];
    private int idleCount;
    /** Bytes of direct memory taken for blocks. Guarded by this; volatile for statistics. */
    private volatile long allocatedBytes;

    IndexBlocks(StoreStats stats) {
        this(stats, Long.MAX_VALUE);
    }

    IndexBlocks(StoreStats stats, long limitBytes) {
        this.stats = stats;
        this.limitBytes = limitBytes;
    }

    /**
     * {@code n} zeroed little-endian blocks, or null when the JVM refuses more direct memory (counted as a direct
     * memory failure; the caller keeps its table).
     */
    synchronized ByteBuffer[] take(int n) {
        while (idleCount < n) {
            if (!addArena()) {
                return null;
            }
        }
        ByteBuffer[] out = new ByteBuffer[n];
        for (int i = 0; i < n; i++) {
            out[i] = idle[--idleCount];
            idle[idleCount] = null;
        }
        return out;
    }

    /** Takes blocks back (a table the caller no longer uses); zeroes them for their next user. */
    synchronized void give(ByteBuffer[] blocks) {
        if (idleCount + blocks.length > idle.length) {
            idle = java.util.Arrays.copyOf(idle, Math.max(idle.length * 2, idleCount + blocks.length));
        }
        for (ByteBuffer b : blocks) {
            b.put(0, ZERO);
            idle[idleCount++] = b;
        }
    }

    /** Direct memory taken for the index, idle blocks included. */
    long allocatedBytes() {
        return allocatedBytes;
    }

    private boolean addArena() {
        ByteBuffer arena = null;
        if (allocatedBytes + ARENA_BYTES <= limitBytes) {
            try {
                arena = ByteBuffer.allocateDirect(ARENA_BYTES);
            } catch (OutOfMemoryError e) {
                // Direct memory is capped by -XX:MaxDirectMemorySize: the table stays as it is (see IndexStripe#insert).
            }
        }
        if (arena == null) {
            stats.add(StoreCounter.DIRECT_MEMORY_FAILURES, 1);
            return false;
        }
        if (idleCount + PER_ARENA > idle.length) {
            idle = java.util.Arrays.copyOf(idle, Math.max(idle.length * 2, idleCount + PER_ARENA));
        }
        for (int i = 0; i < PER_ARENA; i++) {
            idle[idleCount++] = arena.slice(i * BYTES, BYTES).order(ByteOrder.LITTLE_ENDIAN);
        }
        allocatedBytes += ARENA_BYTES;
        return true;
    }
}
