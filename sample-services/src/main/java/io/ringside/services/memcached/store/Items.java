package io.ringside.services.memcached.store;

import java.nio.ByteBuffer;

/**
 * The index over the slab memory and the rules every operation on it follows; the operations themselves are in
 * {@link ItemReads}, {@link ItemWrites} and {@link ItemRewrites}, the eviction machinery's view in
 * {@link IndexedVictims}. This class holds the striped index, the liveness rules (expiry, flush_all) and the steps
 * an item takes into and out of the index. Thread-safe; the rules:
 * <ul>
 *   <li>a chunk is allocated, and a chunk freed, with no stripe lock held (allocation may evict);</li>
 *   <li>an item is filled while its chunk is RESERVED (owned by this thread, invisible to everybody else), then
 *       linked under its stripe's write lock, which also unlinks the item it replaces (that one becomes RESERVED,
 *       owned by this thread, and is freed after the lock is released);</li>
 *   <li>readers hold the stripe's read lock for as long as they look at an item, so an item is never changed
 *       or reused under a reader: a {@code set} writes a new chunk, an in-place {@code incr} or {@code touch}
 *       takes the write lock.</li>
 * </ul>
 */
final class Items {
    static final int LIVE = 0;
    static final int EXPIRED = 1;
    static final int FLUSHED = 2;

    final SlabAllocator mem;
    final StoreTime time;
    final StoreStats stats;
    final long seed;
    private final IndexStripe[] stripes;
    private final IndexBlocks indexMemory;
    private final int stripeShift;
    private final int itemSizeMax;
    private final FlushDeadlines flushes = new FlushDeadlines();

    Items(StoreConfig config, SlabAllocator mem, StoreTime time, StoreStats stats) {
        this.mem = mem;
        this.time = time;
        this.stats = stats;
        this.seed = config.hashSeed();
        this.itemSizeMax = config.itemSizeMax();
        int n = config.stripes();
        int bits = Integer.numberOfTrailingZeros(n);
        this.stripeShift = 64 - bits;
        this.stripes = new IndexStripe[n];
        this.indexMemory = new IndexBlocks(stats, config.indexLimitBytes());
        for (int i = 0; i < n; i++) {
            stripes[i] = new IndexStripe(i, bits, indexMemory, mem, seed);
        }
    }

    void flushAll(int delay) {
        stats.increment(StoreCounter.CMD_FLUSH);
        int now = time.now();
        int deadline = delay > 0 ? time.expiry(delay, now) : now;
        flushes.schedule(deadline, now);
        if (deadline <= now) {
            for (IndexStripe st : stripes) {
                long stamp = st.lock.writeLock();
                st.flushNow();
                st.lock.unlockWrite(stamp);
            }
        }
    }

    /** See {@link StoreAudit}: quiescent stores only. */
    String audit() {
        return StoreAudit.run(mem, stripes, stats, seed, stripeShift);
    }

    /** Direct memory of the index tables (idle blocks included). */
    long indexBytes() {
        return indexMemory.allocatedBytes();
    }

    // ------------------------------------------------------------------------------------------- liveness

    /** LIVE, EXPIRED or FLUSHED. Stripe lock held. */
    int deadReason(IndexStripe st, ByteBuffer p, int at, int now) {
        if (StoreTime.expired(ItemLayout.expiry(p, at), now)) {
            return EXPIRED;
        }
        if (st.flushed(ItemLayout.cas(p, at))) {
            return FLUSHED;
        }
        return flushedByDeadline(ItemLayout.time(p, at), now) ? FLUSHED : LIVE;
    }

    /** Whether an item last stored or read at rel time {@code t} is gone by a delayed flush_all. Lock-free. */
    boolean flushedByDeadline(int t, int now) {
        return flushes.flushed(t, now);
    }

    // ------------------------------------------------------------------------ into and out of the index

    /** Unlinks an expired or flushed item met on the way; returns its chunk (to free after unlocking). Write lock held. */
    int unlinkDead(IndexStripe st, long hash, int ref, ByteBuffer p, int at, int why) {
        boolean unfetched = (ItemLayout.meta(p, at) & ItemLayout.FETCHED) == 0;
        st.remove(hash, ref);
        retire(ref);
        int c = mem.classOf(ref);
        stats.increment(StoreCounter.RECLAIMED, c);
        if (why == EXPIRED && unfetched) {
            stats.increment(StoreCounter.EXPIRED_UNFETCHED, c);
        }
        return ref;
    }

    /** A linked item leaves the index: RESERVED, owned by the caller. Write lock held. */
    void retire(int ref) {
        ByteBuffer p = mem.page(ref);
        int at = mem.offset(ref);
        ItemLayout.setState(p, at, ItemLayout.RESERVED);
        int c = mem.classOf(ref);
        stats.add(StoreCounter.CURR_ITEMS, c, -1);
        stats.add(StoreCounter.BYTES, c, -ItemLayout.itemBytes(ItemLayout.keyLength(ItemLayout.meta(p, at)),
                ItemLayout.valueLength(p, at)));
    }

    /** A filled item joins the index. Write lock held; its CAS is set. */
    void linked(int ref) {
        ByteBuffer p = mem.page(ref);
        int at = mem.offset(ref);
        // Release: pairs with the sweep's and mover's acquire reads of the meta word.
        ItemLayout.setState(p, at, ItemLayout.LINKED);
        int c = mem.classOf(ref);
        stats.increment(StoreCounter.CURR_ITEMS, c);
        stats.increment(StoreCounter.TOTAL_ITEMS, c);
        stats.add(StoreCounter.BYTES, c, ItemLayout.itemBytes(ItemLayout.keyLength(ItemLayout.meta(p, at)),
                ItemLayout.valueLength(p, at)));
    }

    /** Counts an event of the item in chunk {@code ref} under its slab class. */
    void count(StoreCounter counter, int ref) {
        stats.increment(counter, mem.classOf(ref));
    }

    // ------------------------------------------------------------------------------------------- helpers

    int allocate(int klen, int vlen, int hint) {
        int c = mem.classFor(ItemLayout.itemBytes(klen, vlen));
        int ref = mem.allocate(c, hint);
        if (ref == 0) {
            stats.increment(StoreCounter.OUTOFMEMORY, c);
        }
        return ref;
    }

    boolean tooLarge(int klen, long vlen) {
        return klen + vlen + CacheStore.MEMCACHED_ITEM_OVERHEAD > itemSizeMax;
    }

    static void copy(ByteBuffer p, int at, byte[] arr, ByteBuffer buf, int off, int len) {
        if (arr != null) {
            p.put(at, arr, off, len);
        } else {
            p.put(at, buf, off, len);
        }
    }

    IndexStripe stripe(long h) {
        return stripes[(int) (h >>> stripeShift) & (stripes.length - 1)];
    }

    static int hint(IndexStripe st) {
        return st.id();
    }

    static void checkKey(byte[] key, int off, int len) {
        if (len < 1 || len > CacheStore.MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("key length must be in [1, " + CacheStore.MAX_KEY_LENGTH + "]: " + len);
        }
        if (off < 0 || off > key.length - len) {
            throw new IndexOutOfBoundsException("key range [" + off + ", " + off + " + " + len + ") of " + key.length);
        }
    }
}
