package io.ringside.services.memcached.store;

import java.nio.ByteBuffer;
import java.util.concurrent.locks.StampedLock;

/**
 * One stripe of the index: a lock and an open-addressing table (linear probing, backward-shift deletion, no
 * tombstones) in a {@code long[]}. Each slot holds {@code (low 32 bits of the key hash) << 32 | chunk reference};
 * 0 is empty. The 32 hash bits are both the slot's home (for probing, resizing and deletion without rehashing)
 * and a tag that rejects almost every non-matching slot without reading its key. 8 bytes a slot at a load of
 * at most 3/4.
 *
 * <p>Thread-safe through {@link #lock}: lookups need it held (read or write), changes need the write lock. Every
 * reference in the table is a LINKED chunk whose key does not change while it is there. The stripe also owns the
 * CAS sequence of its keys: a CAS unique is {@code sequence << stripeBits | stripe}, unique across the store
 * without a global counter.
 */
final class IndexStripe {
    private static final int INITIAL_CAPACITY = 64;

    /** Readers (get) share it, writers take it exclusively. Not reentrant: nothing may call the store under it. */
    final StampedLock lock = new StampedLock();
    private final int id;
    private final int stripeBits;
    private long[] slots = new long[INITIAL_CAPACITY];
    private int size;
    /** Last CAS sequence issued. Guarded by the write lock. */
    private long casSequence;
    /** CAS sequence at the last immediate flush_all: items at or below it are gone. Guarded by the lock. */
    private long flushedThrough;

    IndexStripe(int id, int stripeBits) {
        this.id = id;
        this.stripeBits = stripeBits;
    }

    /** This stripe's number; also the free list hint of its keys. */
    int id() {
        return id;
    }

    /** Slot index of the key, or -1. Lock held. */
    int find(long hash, byte[] key, int off, int len, SlabAllocator mem) {
        long[] t = slots;
        int mask = t.length - 1;
        int tag = (int) hash;
        for (int i = tag & mask;; i = (i + 1) & mask) {
            long s = t[i];
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
        long[] t = slots;
        int mask = t.length - 1;
        long want = ((long) (int) hash << 32) | (ref & 0xFFFFFFFFL);
        for (int i = (int) hash & mask;; i = (i + 1) & mask) {
            long s = t[i];
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
        return (int) slots[slot];
    }

    /** Points a slot at another chunk of the same key. Write lock held. */
    void replace(int slot, int ref) {
        slots[slot] = (slots[slot] & 0xFFFFFFFF00000000L) | (ref & 0xFFFFFFFFL);
    }

    /** Adds a key known to be absent. Write lock held. May grow the table (the only allocation of the index). */
    void insert(long hash, int ref) {
        if ((size + 1) * 4L > slots.length * 3L) {
            grow();
        }
        place(slots, ((long) (int) hash << 32) | (ref & 0xFFFFFFFFL));
        size++;
    }

    /** Removes the slot, shifting later entries of its probe run back. Write lock held. */
    void remove(int slot) {
        long[] t = slots;
        int mask = t.length - 1;
        int hole = slot;
        for (int j = (slot + 1) & mask;; j = (j + 1) & mask) {
            long s = t[j];
            if (s == 0) {
                break;
            }
            int home = (int) (s >>> 32) & mask;
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                t[hole] = s;
                hole = j;
            }
        }
        t[hole] = 0;
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

    /** Bytes of the table array. Racy read: for statistics. */
    long tableBytes() {
        return 16L + 8L * slots.length;
    }

    /** Every chunk reference, for tests and statistics. Lock held. */
    void forEachRef(java.util.function.IntConsumer action) {
        for (long s : slots) {
            if (s != 0) {
                action.accept((int) s);
            }
        }
    }

    private void grow() {
        long[] old = slots;
        long[] t = new long[old.length * 2];
        for (long s : old) {
            if (s != 0) {
                place(t, s);
            }
        }
        slots = t;
    }

    private static void place(long[] t, long s) {
        int mask = t.length - 1;
        int i = (int) (s >>> 32) & mask;
        while (t[i] != 0) {
            i = (i + 1) & mask;
        }
        t[i] = s;
    }
}
