package io.ringside.services.memcached.store;

import java.nio.ByteBuffer;

/**
 * The engine behind {@link CacheStore}: the striped index over the slab memory, the liveness rules (expiry,
 * flush_all) and the operations (append / prepend / incr / decr in {@link ItemRewrites}, the eviction machinery's
 * view in {@link IndexedVictims}). Thread-safe; the rules every method follows:
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
    final ItemRewrites rewrites;
    private final IndexStripe[] stripes;
    private final int stripeShift;
    private final int itemSizeMax;
    /**
     * flush_all deadlines in rel seconds: the high half the latest that has passed, the low half a pending one
     * (0 = none). Items last stored or read before a passed deadline are gone. One volatile long so a lookup reads
     * both consistently; written under flushLock.
     */
    private volatile long flushDeadlines;
    private final Object flushLock = new Object();

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
        for (int i = 0; i < n; i++) {
            stripes[i] = new IndexStripe(i, bits);
        }
        this.rewrites = new ItemRewrites(this);
    }

    // --------------------------------------------------------------------------------------------- reading

    boolean read(byte[] key, int off, int len, ItemMeta meta, ValueSink sink, boolean touch, int exptime) {
        checkKey(key, off, len);
        long h = KeyHash.hash(key, off, len, seed);
        IndexStripe st = stripe(h);
        int now = time.now();
        stats.increment(StoreCounter.CMD_GET);
        if (touch) {
            stats.increment(StoreCounter.CMD_TOUCH);
        }
        int dead = 0;
        long stamp = touch ? st.lock.writeLock() : st.lock.readLock();
        try {
            int slot = st.find(h, key, off, len, mem);
            if (slot < 0) {
                miss(touch);
                return false;
            }
            int ref = st.ref(slot);
            ByteBuffer p = mem.page(ref);
            int at = mem.offset(ref);
            int why = deadReason(st, p, at, now);
            if (why != LIVE) {
                long ws = touch ? stamp : st.lock.tryConvertToWriteLock(stamp);
                if (ws != 0) {
                    stamp = ws;
                    dead = unlinkDead(st, slot, p, at, why);
                }
                stats.increment(why == EXPIRED ? StoreCounter.GET_EXPIRED : StoreCounter.GET_FLUSHED);
                miss(touch);
                return false;
            }
            int m = ItemLayout.meta(p, at);
            int accessed = ItemLayout.time(p, at);
            if (touch) {
                p.putInt(at + ItemLayout.EXPIRY, time.expiry(exptime, now));
                stats.increment(StoreCounter.TOUCH_HITS);
            }
            if (meta != null) {
                fill(meta, p, at, m, accessed, now);
            }
            if (accessed != now) {
                // Racy between readers, who all write the same second: benign.
                p.putInt(at + ItemLayout.TIME, now);
            }
            ItemLayout.setBits(p, at, ItemLayout.REFERENCED | ItemLayout.FETCHED);
            stats.increment(StoreCounter.GET_HITS);
            if (sink != null) {
                int klen = ItemLayout.keyLength(m);
                sink.value(mem.view(ref), ItemLayout.valueOffset(at, klen), ItemLayout.valueLength(p, at),
                        ItemLayout.flags(p, at), ItemLayout.cas(p, at));
            }
            return true;
        } finally {
            st.lock.unlock(stamp);
            if (dead != 0) {
                mem.free(dead, hint(st));
            }
        }
    }

    private void miss(boolean touch) {
        stats.increment(StoreCounter.GET_MISSES);
        if (touch) {
            stats.increment(StoreCounter.TOUCH_MISSES);
        }
    }

    private void fill(ItemMeta meta, ByteBuffer p, int at, int m, int accessed, int now) {
        int expiry = ItemLayout.expiry(p, at);
        meta.flags = ItemLayout.flags(p, at);
        meta.cas = ItemLayout.cas(p, at);
        meta.valueLength = ItemLayout.valueLength(p, at);
        meta.ttl = expiry == 0 ? -1 : expiry - now;
        meta.secondsSinceAccess = now - accessed;
        meta.bits = m & ItemLayout.BITS_MASK;
    }

    // --------------------------------------------------------------------------------------------- storing

    StoreResult store(StoreMode mode, byte[] key, int koff, int klen, byte[] arr, ByteBuffer buf, int voff,
            int vlen, int flags, int exptime, long casUnique) {
        checkKey(key, koff, klen);
        stats.increment(StoreCounter.CMD_SET);
        long h = KeyHash.hash(key, koff, klen, seed);
        if (mode == StoreMode.APPEND || mode == StoreMode.PREPEND) {
            return rewrites.concat(mode, key, koff, klen, h, arr, buf, voff, vlen, null);
        }
        if (tooLarge(klen, vlen)) {
            return StoreResult.TOO_LARGE;
        }
        IndexStripe st = stripe(h);
        int ref = allocate(klen, vlen, hint(st));
        if (ref == 0) {
            return StoreResult.OUT_OF_MEMORY;
        }
        ByteBuffer p = mem.page(ref);
        int at = mem.offset(ref);
        int now = time.now();
        ItemLayout.writeHeader(p, at, klen, vlen, flags, time.expiry(exptime, now), now);
        p.put(at + ItemLayout.HEADER, key, koff, klen);
        copy(p, ItemLayout.valueOffset(at, klen), arr, buf, voff, vlen);
        return link(mode, st, h, key, koff, klen, ref, casUnique, now, null);
    }

    ReserveResult reserve(Reservation r, byte[] key, int koff, int klen, int vlen) {
        checkKey(key, koff, klen);
        if (tooLarge(klen, vlen)) {
            return ReserveResult.TOO_LARGE;
        }
        long h = KeyHash.hash(key, koff, klen, seed);
        int ref = allocate(klen, vlen, hint(stripe(h)));
        if (ref == 0) {
            return ReserveResult.OUT_OF_MEMORY;
        }
        ByteBuffer p = mem.page(ref);
        int at = mem.offset(ref);
        ItemLayout.writeHeader(p, at, klen, vlen, 0, 0, time.now());
        p.put(at + ItemLayout.HEADER, key, koff, klen);
        System.arraycopy(key, koff, r.key, 0, klen);
        r.keyLength = klen;
        r.hash = h;
        r.ref = ref;
        r.page = p;
        r.valueStart = ItemLayout.valueOffset(at, klen);
        r.valueLength = vlen;
        r.written = 0;
        stats.increment(StoreCounter.RESERVATIONS_OPEN);
        return ReserveResult.RESERVED;
    }

    StoreResult commit(Reservation r, StoreMode mode, int flags, int exptime, long casUnique) {
        int ref = r.ref;
        r.ref = 0;
        r.cas = 0;
        stats.add(StoreCounter.RESERVATIONS_OPEN, -1);
        stats.increment(StoreCounter.CMD_SET);
        IndexStripe st = stripe(r.hash);
        if (mode == StoreMode.APPEND || mode == StoreMode.PREPEND) {
            StoreResult result = rewrites.concat(mode, r.key, 0, r.keyLength, r.hash, null, r.page, r.valueStart,
                    r.valueLength, r);
            mem.free(ref, hint(st));
            return result;
        }
        ByteBuffer p = r.page;
        int at = mem.offset(ref);
        int now = time.now();
        p.putInt(at + ItemLayout.FLAGS, flags);
        p.putInt(at + ItemLayout.EXPIRY, time.expiry(exptime, now));
        p.putInt(at + ItemLayout.TIME, now);
        return link(mode, st, r.hash, r.key, 0, r.keyLength, ref, casUnique, now, r);
    }

    void abort(Reservation r) {
        int ref = r.ref;
        r.ref = 0;
        stats.add(StoreCounter.RESERVATIONS_OPEN, -1);
        mem.free(ref, hint(stripe(r.hash)));
    }

    /** Links the filled RESERVED chunk {@code ref} under the key if the mode allows; frees what is left over. */
    private StoreResult link(StoreMode mode, IndexStripe st, long h, byte[] key, int koff, int klen, int ref,
            long casUnique, int now, Reservation r) {
        int old = 0;
        int drop = ref;
        StoreResult result;
        long stamp = st.lock.writeLock();
        try {
            int slot = st.find(h, key, koff, klen, mem);
            if (slot >= 0) {
                int cur = st.ref(slot);
                int why = deadReason(st, mem.page(cur), mem.offset(cur), now);
                if (why != LIVE) {
                    old = unlinkDead(st, slot, mem.page(cur), mem.offset(cur), why);
                    slot = -1;
                }
            }
            result = decide(mode, st, slot, casUnique);
            if (result == StoreResult.STORED) {
                ByteBuffer p = mem.page(ref);
                int at = mem.offset(ref);
                long cas = st.nextCas();
                p.putLong(at + ItemLayout.CAS, cas);
                if (r != null) {
                    r.cas = cas;
                }
                if (slot >= 0) {
                    old = st.ref(slot);
                    retire(mem.page(old), mem.offset(old));
                    st.replace(slot, ref);
                } else {
                    st.insert(h, ref);
                }
                linked(p, at);
                drop = 0;
            }
        } finally {
            st.lock.unlockWrite(stamp);
        }
        if (old != 0) {
            mem.free(old, hint(st));
        }
        if (drop != 0) {
            mem.free(drop, hint(st));
        }
        return result;
    }

    private StoreResult decide(StoreMode mode, IndexStripe st, int slot, long casUnique) {
        switch (mode) {
            case ADD:
                return slot >= 0 ? StoreResult.NOT_STORED : StoreResult.STORED;
            case REPLACE:
                return slot >= 0 ? StoreResult.STORED : StoreResult.NOT_STORED;
            case CAS:
                if (slot < 0) {
                    stats.increment(StoreCounter.CAS_MISSES);
                    return StoreResult.NOT_FOUND;
                }
                int cur = st.ref(slot);
                if (ItemLayout.cas(mem.page(cur), mem.offset(cur)) != casUnique) {
                    stats.increment(StoreCounter.CAS_BADVAL);
                    return StoreResult.EXISTS;
                }
                stats.increment(StoreCounter.CAS_HITS);
                return StoreResult.STORED;
            default:
                return StoreResult.STORED;
        }
    }

    // -------------------------------------------------------------------------------- incr, touch, delete

    boolean touch(byte[] key, int off, int len, int exptime) {
        checkKey(key, off, len);
        stats.increment(StoreCounter.CMD_TOUCH);
        long h = KeyHash.hash(key, off, len, seed);
        IndexStripe st = stripe(h);
        int now = time.now();
        int dead = 0;
        long stamp = st.lock.writeLock();
        try {
            int slot = st.find(h, key, off, len, mem);
            if (slot >= 0) {
                int ref = st.ref(slot);
                ByteBuffer p = mem.page(ref);
                int at = mem.offset(ref);
                int why = deadReason(st, p, at, now);
                if (why == LIVE) {
                    p.putInt(at + ItemLayout.EXPIRY, time.expiry(exptime, now));
                    p.putInt(at + ItemLayout.TIME, now);
                    ItemLayout.setBits(p, at, ItemLayout.REFERENCED);
                    stats.increment(StoreCounter.TOUCH_HITS);
                    return true;
                }
                dead = unlinkDead(st, slot, p, at, why);
            }
            stats.increment(StoreCounter.TOUCH_MISSES);
            return false;
        } finally {
            st.lock.unlockWrite(stamp);
            if (dead != 0) {
                mem.free(dead, hint(st));
            }
        }
    }

    /** delete, if {@code compare} only when the CAS unique is {@code cas}: STORED (removed), EXISTS or NOT_FOUND. */
    StoreResult delete(byte[] key, int off, int len, boolean compare, long cas) {
        checkKey(key, off, len);
        long h = KeyHash.hash(key, off, len, seed);
        IndexStripe st = stripe(h);
        int now = time.now();
        int gone = 0;
        boolean hit = false;
        boolean differs = false;
        long stamp = st.lock.writeLock();
        try {
            int slot = st.find(h, key, off, len, mem);
            if (slot >= 0) {
                int ref = st.ref(slot);
                ByteBuffer p = mem.page(ref);
                int at = mem.offset(ref);
                int why = deadReason(st, p, at, now);
                if (why == LIVE && compare && ItemLayout.cas(p, at) != cas) {
                    differs = true;
                } else if (why == LIVE) {
                    st.remove(slot);
                    retire(p, at);
                    gone = ref;
                    hit = true;
                } else {
                    gone = unlinkDead(st, slot, p, at, why);
                }
            }
        } finally {
            st.lock.unlockWrite(stamp);
        }
        if (gone != 0) {
            mem.free(gone, hint(st));
        }
        if (differs) {
            return StoreResult.EXISTS;
        }
        stats.increment(hit ? StoreCounter.DELETE_HITS : StoreCounter.DELETE_MISSES);
        return hit ? StoreResult.STORED : StoreResult.NOT_FOUND;
    }

    void flushAll(int delay) {
        stats.increment(StoreCounter.CMD_FLUSH);
        int now = time.now();
        int deadline = delay > 0 ? time.expiry(delay, now) : now;
        synchronized (flushLock) {
            long f = flushDeadlines;
            int passed = (int) (f >>> 32);
            int pending = (int) f;
            if (pending != 0 && pending <= now) {
                passed = Math.max(passed, pending);
            }
            pending = deadline > now ? deadline : 0;
            flushDeadlines = ((long) passed << 32) | (pending & 0xFFFFFFFFL);
        }
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

    long indexBytes() {
        long n = 0;
        for (IndexStripe st : stripes) {
            n += st.tableBytes();
        }
        return n;
    }

    // ------------------------------------------------------------------------------------------- helpers

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

    /**
     * Whether an item last stored or read at rel time {@code t} is gone by a delayed flush_all. Lock-free.
     * As memcached 1.6.18 (its oldest_live is the deadline minus one second, active once reached): a flush
     * with deadline D takes effect at D - 1 for every item stored before D, so {@code flush_all 1} acts at
     * once, also on items stored during the current second.
     */
    boolean flushedByDeadline(int t, int now) {
        long f = flushDeadlines;
        int pending = (int) f;
        return t < (int) (f >>> 32) || (pending != 0 && now >= pending - 1 && t < pending);
    }

    /** Unlinks an expired or flushed item met on the way; returns its chunk (to free after unlocking). Write lock held. */
    int unlinkDead(IndexStripe st, int slot, ByteBuffer p, int at, int why) {
        int ref = st.ref(slot);
        boolean unfetched = (ItemLayout.meta(p, at) & ItemLayout.FETCHED) == 0;
        st.remove(slot);
        retire(p, at);
        stats.increment(StoreCounter.RECLAIMED);
        if (why == EXPIRED && unfetched) {
            stats.increment(StoreCounter.EXPIRED_UNFETCHED);
        }
        return ref;
    }

    /** A linked item leaves the index: RESERVED, owned by the caller. Write lock held. */
    void retire(ByteBuffer p, int at) {
        ItemLayout.setState(p, at, ItemLayout.RESERVED);
        stats.add(StoreCounter.CURR_ITEMS, -1);
        stats.add(StoreCounter.BYTES, -ItemLayout.itemBytes(ItemLayout.keyLength(ItemLayout.meta(p, at)),
                ItemLayout.valueLength(p, at)));
    }

    /** A filled item joins the index. Write lock held; its CAS is set. */
    void linked(ByteBuffer p, int at) {
        // Release: pairs with the sweep's and mover's acquire reads of the meta word.
        ItemLayout.setState(p, at, ItemLayout.LINKED);
        stats.increment(StoreCounter.CURR_ITEMS);
        stats.increment(StoreCounter.TOTAL_ITEMS);
        stats.add(StoreCounter.BYTES, ItemLayout.itemBytes(ItemLayout.keyLength(ItemLayout.meta(p, at)),
                ItemLayout.valueLength(p, at)));
    }

    int allocate(int klen, int vlen, int hint) {
        int ref = mem.allocate(mem.classFor(ItemLayout.itemBytes(klen, vlen)), hint);
        if (ref == 0) {
            stats.increment(StoreCounter.OUTOFMEMORY);
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
