package io.ringside.services.memcached.store;

import java.nio.ByteBuffer;
import java.util.concurrent.locks.StampedLock;

/**
 * One stripe of the index: a lock and an open-addressing table (linear probing, backward-shift deletion, no
 * tombstones) in blocks of direct memory ({@link IndexBlocks}: slot {@code i} is 8 bytes of block {@code i >>> 9}).
 * Each slot holds {@code (low 32 bits of the key hash) << 32 | chunk reference}; 0 is empty. The 32 hash bits are
 * both the slot's home (for probing, resizing and deletion without rehashing) and a tag that rejects almost every
 * non-matching slot without reading its key. 8 bytes a slot at a load of at most 3/4; if the JVM refuses the
 * memory to double, the table fills up to 15/16 and then refuses new keys ({@link #insert} returns false).
 *
 * <p>Thread-safe through {@link #lock}: lookups need it held (read or write), changes need the write lock. Every
 * reference in the table is a LINKED chunk whose key does not change while it is there. The stripe also owns the
 * CAS sequence of its keys: a CAS unique is {@code sequence << stripeBits | stripe}, unique across the store
 * without a global counter.
 */
final class IndexStripe {
    private static final int INITIAL_CAPACITY = IndexBlocks.SLOTS;

    /** Readers (get) share it, writers take it exclusively. Not reentrant: nothing may call the store under it. */
    final StampedLock lock = new StampedLock();
    private final int id;
    private final int stripeBits;
    private final IndexBlocks memory;
    /** The table's blocks; a power-of-two number of slots. Guarded by the lock (null if never given memory). */
    private ByteBuffer[] blocks;
    private int capacity;
    private int size;
    /** Last CAS sequence issued. Guarded by the write lock. */
    private long casSequence;
    /** CAS sequence at the last immediate flush_all: items at or below it are gone. Guarded by the lock. */
    private long flushedThrough;

    IndexStripe(int id, int stripeBits, IndexBlocks memory) {
        this.id = id;
        this.stripeBits = stripeBits;
        this.memory = memory;
        this.blocks = memory.take(INITIAL_CAPACITY / IndexBlocks.SLOTS);
        this.capacity = blocks == null ? 0 : INITIAL_CAPACITY;
    }

    /** This stripe's number; also the free list hint of its keys. */
    int id() {
        return id;
    }

    /** Slot index of the key, or -1. Lock held. */
    int find(long hash, byte[] key, int off, int len, SlabAllocator mem) {
        ByteBuffer[] t = blocks;
        int mask = capacity - 1;
        if (mask < 0) {
            return -1;
        }
        int tag = (int) hash;
        for (int i = tag & mask;; i = (i + 1) & mask) {
            long s = slot(t, i);
            if (s == 0) {
                return -1;
            }
            if ((int) (s >>> 32) == tag) {
                int ref = (int) s;
                ByteBuffer page = mem.page(ref);
                int at = mem.offset(ref);
                int meta = ItemLayout.meta(page, at);
                if (ItemLayout.keyLength(meta) == len && KeyHash.equal(key, off, len, page, at + ItemLayout.HEADER)) {
                    return i;
                }
            }
        }
    }

    /** Slot index holding exactly this reference (found by its key's hash), or -1. Lock held. */
    int findRef(long hash, int ref) {
        ByteBuffer[] t = blocks;
        int mask = capacity - 1;
        if (mask < 0) {
            return -1;
        }
        long want = ((long) (int) hash << 32) | (ref & 0xFFFFFFFFL);
        for (int i = (int) hash & mask;; i = (i + 1) & mask) {
            long s = slot(t, i);
            if (s == 0) {
                return -1;
            }
            if (s == want) {
                return i;
            }
        }
    }

    /** The chunk reference in a slot. Lock held. */
    int ref(int slot) {
        return (int) slot(blocks, slot);
    }

    /** Points a slot at another chunk of the same key. Write lock held. */
    void replace(int slot, int ref) {
        setSlot(blocks, slot, (slot(blocks, slot) & 0xFFFFFFFF00000000L) | (ref & 0xFFFFFFFFL));
    }

    /**
     * Adds a key known to be absent. Write lock held. May grow the table (the only allocation of the index); false
     * if it is full and the JVM refused the memory to grow it (the caller answers out of memory).
     */
    boolean insert(long hash, int ref) {
        if ((size + 1) * 4L > capacity * 3L && !grow() && (size + 1) * 16L > capacity * 15L) {
            return false;
        }
        place(blocks, capacity - 1, ((long) (int) hash << 32) | (ref & 0xFFFFFFFFL));
        size++;
        return true;
    }

    /** Removes the slot, shifting later entries of its probe run back. Write lock held. */
    void remove(int slot) {
        ByteBuffer[] t = blocks;
        int mask = capacity - 1;
        int hole = slot;
        for (int j = (slot + 1) & mask;; j = (j + 1) & mask) {
            long s = slot(t, j);
            if (s == 0) {
                break;
            }
            int home = (int) (s >>> 32) & mask;
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                setSlot(t, hole, s);
                hole = j;
            }
        }
        setSlot(t, hole, 0);
        size--;
    }

    /** A new CAS unique for an item of this stripe. Write lock held. */
    long nextCas() {
        return (++casSequence << stripeBits) | id;
    }

    /** Whether a CAS unique was issued before the last immediate flush. Lock held. */
    boolean flushed(long cas) {
        return (cas >>> stripeBits) <= flushedThrough;
    }

    /** Immediate flush_all: every CAS issued so far is now invalid. Write lock held. */
    void flushNow() {
        flushedThrough = casSequence;
    }

    /** Items in the table. Lock held (or a racy estimate). */
    int size() {
        return size;
    }

    /** Slots in the table. Lock held (or a racy estimate). */
    int capacity() {
        return capacity;
    }

    /** Every chunk reference, for tests and statistics. Lock held. */
    void forEachRef(java.util.function.IntConsumer action) {
        for (int i = 0; i < capacity; i++) {
            long s = slot(blocks, i);
            if (s != 0) {
                action.accept((int) s);
            }
        }
    }

    /** Doubles the table (the first table if there is none yet); false if the JVM refused the memory. */
    private boolean grow() {
        int n = capacity == 0 ? INITIAL_CAPACITY : capacity * 2;
        if (n <= 0) {
            return false;
        }
        ByteBuffer[] t = memory.take(n / IndexBlocks.SLOTS);
        if (t == null) {
            return false;
        }
        for (int i = 0; i < capacity; i++) {
            long s = slot(blocks, i);
            if (s != 0) {
                place(t, n - 1, s);
            }
        }
        if (blocks != null) {
            memory.give(blocks);
        }
        blocks = t;
        capacity = n;
        return true;
    }

    private static void place(ByteBuffer[] t, int mask, long s) {
        int i = (int) (s >>> 32) & mask;
        while (slot(t, i) != 0) {
            i = (i + 1) & mask;
        }
        setSlot(t, i, s);
    }

    private static long slot(ByteBuffer[] t, int i) {
        return t[i >>> IndexBlocks.SHIFT].getLong((i & IndexBlocks.MASK) << 3);
    }

    private static void setSlot(ByteBuffer[] t, int i, long s) {
        t[i >>> IndexBlocks.SHIFT].putLong((i & IndexBlocks.MASK) << 3, s);
    }
}
