package io.ringside.services.memcached.store;

import java.nio.ByteBuffer;
import java.util.concurrent.locks.StampedLock;

/**
 * One stripe of the index: a lock and a chained hash table, as memcached's {@code assoc.c}. The buckets are 32-bit
 * chunk references in blocks of direct memory ({@link IndexBlocks}: bucket {@code b} is 4 bytes of block
 * {@code b >>> 10}), 0 for an empty bucket; each item links to the next item of its bucket through the NEXT field
 * of its own header ({@link ItemLayout#NEXT}). The table doubles when it holds 1.5 items a bucket (memcached's
 * rule), so it costs 2.7 to 5.3 bytes an item plus the 4 of NEXT, against 8 / load (10.7 to 21) for an
 * open-addressing table of 8-byte slots; a lookup reads the bucket and then on average 1 + load / 2 chunks for a hit
 * (their keys are compared). Doubling rehashes every key from its chunk; if the JVM refuses the memory to double,
 * the chains just grow longer (counted as a direct memory failure), as in memcached.
 *
 * <p>Thread-safe through {@link #lock}: lookups need it held (read or write), changes need the write lock. Every
 * reference in the table is a LINKED chunk whose key does not change while it is there. The stripe also owns the
 * CAS sequence of its keys: a CAS unique is {@code sequence << stripeBits | stripe}, unique across the store
 * without a global counter.
 */
final class IndexStripe {
    /** Buckets (4 bytes each) in a block, and the shift and mask that split a bucket number. */
    static final int PER_BLOCK = IndexBlocks.BYTES / 4;
    private static final int SHIFT = Integer.numberOfTrailingZeros(PER_BLOCK);
    private static final int MASK = PER_BLOCK - 1;

    /** Readers (get) share it, writers take it exclusively. Not reentrant: nothing may call the store under it. */
    final StampedLock lock = new StampedLock();
    private final int id;
    private final int stripeBits;
    private final IndexBlocks memory;
    private final SlabAllocator mem;
    private final long seed;
    /** The buckets' blocks; a power-of-two number of buckets. Guarded by the lock. */
    private ByteBuffer[] blocks;
    private int buckets;
    private int size;
    /** The size past which the table doubles; after a refused doubling, twice the size then. Guarded by the lock. */
    private int growAt;
    /** Last CAS sequence issued. Guarded by the write lock. */
    private long casSequence;
    /** CAS sequence at the last immediate flush_all: items at or below it are gone. Guarded by the lock. */
    private long flushedThrough;

    /**
     * A stripe with one block of buckets.
     *
     * @throws IllegalStateException if the JVM refuses even that (direct memory exhausted at start)
     */
    IndexStripe(int id, int stripeBits, IndexBlocks memory, SlabAllocator mem, long seed) {
        this.id = id;
        this.stripeBits = stripeBits;
        this.memory = memory;
        this.mem = mem;
        this.seed = seed;
        this.blocks = memory.take(1);
        if (blocks == null) {
            throw new IllegalStateException("no direct memory for the index (-XX:MaxDirectMemorySize too low)");
        }
        this.buckets = PER_BLOCK;
        this.growAt = PER_BLOCK + PER_BLOCK / 2;
    }

    /** This stripe's number; also the free list hint of its keys. */
    int id() {
        return id;
    }

    /** The linked item with this key, or 0. Lock held. */
    int find(long hash, byte[] key, int off, int len) {
        for (int ref = head((int) hash & (buckets - 1)); ref != 0;) {
            ByteBuffer page = mem.page(ref);
            int at = mem.offset(ref);
            if (ItemLayout.keyLength(ItemLayout.meta(page, at)) == len
                    && KeyHash.equal(key, off, len, page, at + ItemLayout.HEADER)) {
                return ref;
            }
            ref = page.getInt(at + ItemLayout.NEXT);
        }
        return 0;
    }

    /** Whether this exact chunk is linked under the key hash {@code hash}. Lock held. */
    boolean contains(long hash, int ref) {
        for (int r = head((int) hash & (buckets - 1)); r != 0; r = next(r)) {
            if (r == ref) {
                return true;
            }
        }
        return false;
    }

    /** Links a filled chunk whose key is known to be absent, at the head of its bucket. Write lock held. */
    void insert(long hash, int ref) {
        if (size + 1 > growAt) {
            grow();
        }
        int b = (int) hash & (buckets - 1);
        mem.page(ref).putInt(mem.offset(ref) + ItemLayout.NEXT, head(b));
        setHead(b, ref);
        size++;
    }

    /** Puts chunk {@code to} (same key, its own NEXT field free to set) where {@code from} is. Write lock held. */
    void replace(long hash, int from, int to) {
        mem.page(to).putInt(mem.offset(to) + ItemLayout.NEXT, next(from));
        relink(hash, from, to);
    }

    /** Unlinks a linked chunk (its NEXT field is then meaningless). Write lock held. */
    void remove(long hash, int ref) {
        relink(hash, ref, next(ref));
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

    /** Buckets in the table. Lock held (or a racy estimate). */
    int buckets() {
        return buckets;
    }

    /** Every chunk reference, for tests and statistics. Lock held. */
    void forEachRef(java.util.function.IntConsumer action) {
        for (int b = 0; b < buckets; b++) {
            for (int r = head(b); r != 0; r = next(r)) {
                action.accept(r);
            }
        }
    }

    /** Whatever pointed at {@code ref} (its bucket, or the item before it) points at {@code to}. Write lock held. */
    private void relink(long hash, int ref, int to) {
        int b = (int) hash & (buckets - 1);
        int r = head(b);
        if (r == ref) {
            setHead(b, to);
            return;
        }
        while (r != 0) {
            int n = next(r);
            if (n == ref) {
                mem.page(r).putInt(mem.offset(r) + ItemLayout.NEXT, to);
                return;
            }
            r = n;
        }
        throw new IllegalStateException("chunk " + ref + " is not linked in bucket " + b);
    }

    /**
     * Doubles the buckets, rehashing each chain's keys into the new table; if the JVM refuses the memory, keeps the
     * table and tries again when the size has doubled.
     */
    private void grow() {
        int n = buckets * 2;
        ByteBuffer[] t = n > 0 ? memory.take(n / PER_BLOCK) : null;
        if (t == null) {
            growAt = (int) Math.min(Integer.MAX_VALUE, 2L * size);
            return;
        }
        ByteBuffer[] old = blocks;
        for (int b = 0; b < buckets; b++) {
            int r = head(old, b);
            while (r != 0) {
                ByteBuffer page = mem.page(r);
                int at = mem.offset(r);
                int following = page.getInt(at + ItemLayout.NEXT);
                int to = (int) KeyHash.hash(page, at + ItemLayout.HEADER, ItemLayout.keyLength(ItemLayout.meta(page,
                        at)), seed) & (n - 1);
                page.putInt(at + ItemLayout.NEXT, head(t, to));
                t[to >>> SHIFT].putInt((to & MASK) << 2, r);
                r = following;
            }
        }
        memory.give(old);
        blocks = t;
        buckets = n;
        growAt = (int) Math.min(Integer.MAX_VALUE, n + (long) n / 2);
    }

    private int next(int ref) {
        return mem.page(ref).getInt(mem.offset(ref) + ItemLayout.NEXT);
    }

    private int head(int b) {
        return head(blocks, b);
    }

    private static int head(ByteBuffer[] t, int b) {
        return t[b >>> SHIFT].getInt((b & MASK) << 2);
    }

    private void setHead(int b, int ref) {
        blocks[b >>> SHIFT].putInt((b & MASK) << 2, ref);
    }
}
