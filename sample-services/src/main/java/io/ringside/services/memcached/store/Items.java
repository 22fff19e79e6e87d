package io.ringside.services.memcached.store;

import java.nio.ByteBuffer;

/**
 * The engine behind {@link CacheStore}: the striped index over the slab memory, the liveness rules (expiry,
 * flush_all) and every operation. Thread-safe; the rules every method follows:
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
final class Items implements Victims {
    private static final int LIVE = 0;
    private static final int EXPIRED = 1;
    private static final int FLUSHED = 2;

    private final SlabAllocator mem;
    private final StoreTime time;
    private final StoreStats stats;
    private final IndexStripe[] stripes;
    private final int stripeShift;
    private final long seed;
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
            return concat(mode, key, koff, klen, h, arr, buf, voff, vlen, null);
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
            StoreResult result = concat(mode, r.key, 0, r.keyLength, r.hash, null, r.page, r.valueStart,
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

    /**
     * append / prepend: the new item is allocated outside the lock for the old value's size plus the new bytes,
     * then, under the write lock, the old value is copied in only if the item is still the one measured (same
     * chunk and CAS); otherwise it starts over. So the result is always exactly "old value + new bytes" for the
     * value current at link time: it never mixes with a concurrent set. Exceeding the size limit is NOT_STORED,
     * as in memcached 1.6.
     */
    private StoreResult concat(StoreMode mode, byte[] key, int koff, int klen, long h, byte[] arr, ByteBuffer buf,
            int voff, int vlen, Reservation r) {
        IndexStripe st = stripe(h);
        for (;;) {
            int oldRef;
            long oldCas;
            int oldLen;
            int now = time.now();
            long stamp = st.lock.readLock();
            try {
                int slot = st.find(h, key, koff, klen, mem);
                if (slot < 0) {
                    return StoreResult.NOT_STORED;
                }
                oldRef = st.ref(slot);
                ByteBuffer p = mem.page(oldRef);
                int at = mem.offset(oldRef);
                if (deadReason(st, p, at, now) != LIVE) {
                    return StoreResult.NOT_STORED;
                }
                oldCas = ItemLayout.cas(p, at);
                oldLen = ItemLayout.valueLength(p, at);
            } finally {
                st.lock.unlockRead(stamp);
            }
            if (tooLarge(klen, (long) oldLen + vlen)) {
                return StoreResult.NOT_STORED;
            }
            int total = oldLen + vlen;
            int ref = allocate(klen, total, hint(st));
            if (ref == 0) {
                return StoreResult.OUT_OF_MEMORY;
            }
            ByteBuffer p = mem.page(ref);
            int at = mem.offset(ref);
            int value = ItemLayout.valueOffset(at, klen);
            ItemLayout.writeHeader(p, at, klen, total, 0, 0, now);
            p.put(at + ItemLayout.HEADER, key, koff, klen);
            copy(p, mode == StoreMode.APPEND ? value + oldLen : value, arr, buf, voff, vlen);
            StoreResult result = linkConcat(mode, st, h, key, koff, klen, ref, oldRef, oldCas, oldLen, vlen, now, r);
            if (result != null) {
                return result;
            }
        }
    }

    /** The locked half of {@link #concat}: null if the item changed meanwhile (start over). */
    private StoreResult linkConcat(StoreMode mode, IndexStripe st, long h, byte[] key, int koff, int klen, int ref,
            int oldRef, long oldCas, int oldLen, int vlen, int now, Reservation r) {
        int free = ref;
        int dead = 0;
        StoreResult result;
        long stamp = st.lock.writeLock();
        try {
            int slot = st.find(h, key, koff, klen, mem);
            ByteBuffer op = mem.page(oldRef);
            int oat = mem.offset(oldRef);
            int why;
            if (slot < 0) {
                result = StoreResult.NOT_STORED;
            } else if (st.ref(slot) != oldRef || ItemLayout.cas(op, oat) != oldCas) {
                result = null;
            } else if ((why = deadReason(st, op, oat, now)) != LIVE) {
                dead = unlinkDead(st, slot, op, oat, why);
                result = StoreResult.NOT_STORED;
            } else {
                ByteBuffer p = mem.page(ref);
                int at = mem.offset(ref);
                int value = ItemLayout.valueOffset(at, klen);
                p.put(mode == StoreMode.APPEND ? value : value + vlen, op, ItemLayout.valueOffset(oat, klen), oldLen);
                p.putInt(at + ItemLayout.FLAGS, ItemLayout.flags(op, oat));
                p.putInt(at + ItemLayout.EXPIRY, ItemLayout.expiry(op, oat));
                long cas = st.nextCas();
                p.putLong(at + ItemLayout.CAS, cas);
                if (r != null) {
                    r.cas = cas;
                }
                retire(op, oat);
                st.replace(slot, ref);
                linked(p, at);
                free = oldRef;
                result = StoreResult.STORED;
            }
        } finally {
            st.lock.unlockWrite(stamp);
        }
        mem.free(free, hint(st));
        if (dead != 0) {
            mem.free(dead, hint(st));
        }
        return result;
    }

    // -------------------------------------------------------------------------------- incr, touch, delete

    /**
     * incr / decr under the write lock. The new number is written over the old one when it fits, padded with
     * spaces to the old length (memcached does the same: "10" decremented by 5 reads "5 "); a longer number needs
     * a new item, allocated outside the lock, linked only if the item did not change meanwhile.
     */
    DeltaStatus delta(byte[] key, int off, int len, long delta, boolean incr, DeltaValue out) {
        checkKey(key, off, len);
        long h = KeyHash.hash(key, off, len, seed);
        IndexStripe st = stripe(h);
        for (;;) {
            int now = time.now();
            int oldRef;
            long oldCas;
            int digits;
            int dead = 0;
            long stamp = st.lock.writeLock();
            try {
                int slot = st.find(h, key, off, len, mem);
                int why = slot < 0 ? EXPIRED : deadReason(st, mem.page(st.ref(slot)), mem.offset(st.ref(slot)), now);
                if (why != LIVE) {
                    if (slot >= 0) {
                        dead = unlinkDead(st, slot, mem.page(st.ref(slot)), mem.offset(st.ref(slot)), why);
                    }
                    stats.increment(incr ? StoreCounter.INCR_MISSES : StoreCounter.DECR_MISSES);
                    return DeltaStatus.NOT_FOUND;
                }
                oldRef = st.ref(slot);
                ByteBuffer p = mem.page(oldRef);
                int at = mem.offset(oldRef);
                int vlen = ItemLayout.valueLength(p, at);
                int value = ItemLayout.valueOffset(at, len);
                if (!Numeric.parse(p, value, vlen, out)) {
                    return DeltaStatus.NON_NUMERIC;
                }
                long next = Numeric.apply(out.value, delta, incr);
                digits = Numeric.digits(next);
                if (digits <= vlen) {
                    Numeric.write(p, value, next, vlen);
                    long cas = st.nextCas();
                    p.putLong(at + ItemLayout.CAS, cas);
                    ItemLayout.setBits(p, at, ItemLayout.REFERENCED);
                    out.value = next;
                    out.cas = cas;
                    stats.increment(incr ? StoreCounter.INCR_HITS : StoreCounter.DECR_HITS);
                    return DeltaStatus.OK;
                }
                oldCas = ItemLayout.cas(p, at);
            } finally {
                st.lock.unlockWrite(stamp);
                if (dead != 0) {
                    mem.free(dead, hint(st));
                }
            }
            int ref = allocate(len, digits, hint(st));
            if (ref == 0) {
                return DeltaStatus.OUT_OF_MEMORY;
            }
            if (linkGrownNumber(st, h, key, off, len, ref, oldRef, oldCas, delta, incr, digits, now, out)) {
                stats.increment(incr ? StoreCounter.INCR_HITS : StoreCounter.DECR_HITS);
                return DeltaStatus.OK;
            }
        }
    }

    /** The locked half of a growing incr; false (start over) if the item changed since it was measured. */
    private boolean linkGrownNumber(IndexStripe st, long h, byte[] key, int off, int len, int ref, int oldRef,
            long oldCas, long delta, boolean incr, int digits, int now, DeltaValue out) {
        ByteBuffer p = mem.page(ref);
        int at = mem.offset(ref);
        ItemLayout.writeHeader(p, at, len, digits, 0, 0, now);
        p.put(at + ItemLayout.HEADER, key, off, len);
        int free = ref;
        boolean done = false;
        long stamp = st.lock.writeLock();
        try {
            int slot = st.find(h, key, off, len, mem);
            if (slot >= 0 && st.ref(slot) == oldRef && ItemLayout.cas(mem.page(oldRef), mem.offset(oldRef)) == oldCas) {
                ByteBuffer op = mem.page(oldRef);
                int oat = mem.offset(oldRef);
                // Unchanged since measured (same CAS), so it still parses, to the same number.
                Numeric.parse(op, ItemLayout.valueOffset(oat, len), ItemLayout.valueLength(op, oat), out);
                long next = Numeric.apply(out.value, delta, incr);
                Numeric.write(p, ItemLayout.valueOffset(at, len), next, digits);
                p.putInt(at + ItemLayout.FLAGS, ItemLayout.flags(op, oat));
                p.putInt(at + ItemLayout.EXPIRY, ItemLayout.expiry(op, oat));
                long cas = st.nextCas();
                p.putLong(at + ItemLayout.CAS, cas);
                retire(op, oat);
                st.replace(slot, ref);
                linked(p, at);
                out.value = next;
                out.cas = cas;
                free = oldRef;
                done = true;
            }
        } finally {
            st.lock.unlockWrite(stamp);
        }
        mem.free(free, hint(st));
        return done;
    }

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

    boolean delete(byte[] key, int off, int len) {
        checkKey(key, off, len);
        long h = KeyHash.hash(key, off, len, seed);
        IndexStripe st = stripe(h);
        int now = time.now();
        int gone = 0;
        boolean hit = false;
        long stamp = st.lock.writeLock();
        try {
            int slot = st.find(h, key, off, len, mem);
            if (slot >= 0) {
                int ref = st.ref(slot);
                ByteBuffer p = mem.page(ref);
                int at = mem.offset(ref);
                int why = deadReason(st, p, at, now);
                if (why == LIVE) {
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
        stats.increment(hit ? StoreCounter.DELETE_HITS : StoreCounter.DELETE_MISSES);
        return hit;
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

    // --------------------------------------------------------------------------- eviction (Victims)

    @Override
    public boolean unlink(int ref, int classId, boolean secondChance) {
        ByteBuffer p = mem.page(ref);
        int at = mem.offset(ref);
        int m = ItemLayout.meta(p, at);
        int klen = ItemLayout.keyLength(m);
        // Read without a lock: the chunk may be changing hands; a torn key only misses in the index below.
        if (ItemLayout.state(m) != ItemLayout.LINKED || klen == 0 || at + ItemLayout.HEADER + klen > mem.pageBytes) {
            return false;
        }
        long h = KeyHash.hash(p, at + ItemLayout.HEADER, klen, seed);
        IndexStripe st = stripe(h);
        long stamp = st.lock.writeLock();
        try {
            int slot = st.findRef(h, ref);
            if (slot < 0 || mem.classOf(ref) != classId) {
                return false;
            }
            int why = deadReason(st, p, at, time.now());
            m = ItemLayout.meta(p, at);
            if (secondChance && why == LIVE && (m & ItemLayout.REFERENCED) != 0) {
                ItemLayout.clearBits(p, at, ItemLayout.REFERENCED);
                return false;
            }
            st.remove(slot);
            retire(p, at);
            boolean unfetched = (m & ItemLayout.FETCHED) == 0;
            if (why == LIVE) {
                stats.increment(StoreCounter.EVICTIONS);
                if (unfetched) {
                    stats.increment(StoreCounter.EVICTED_UNFETCHED);
                }
            } else {
                stats.increment(StoreCounter.RECLAIMED);
                if (why == EXPIRED && unfetched) {
                    stats.increment(StoreCounter.EXPIRED_UNFETCHED);
                }
            }
            return true;
        } finally {
            st.lock.unlockWrite(stamp);
        }
    }

    @Override
    public boolean relocate(int ref, int dst) {
        ByteBuffer p = mem.page(ref);
        int at = mem.offset(ref);
        int m = ItemLayout.meta(p, at);
        int klen = ItemLayout.keyLength(m);
        if (ItemLayout.state(m) != ItemLayout.LINKED || klen == 0 || at + ItemLayout.HEADER + klen > mem.pageBytes) {
            return false;
        }
        long h = KeyHash.hash(p, at + ItemLayout.HEADER, klen, seed);
        IndexStripe st = stripe(h);
        long stamp = st.lock.writeLock();
        try {
            int slot = st.findRef(h, ref);
            if (slot < 0) {
                return false;
            }
            ByteBuffer dp = mem.page(dst);
            int dat = mem.offset(dst);
            int bytes = ItemLayout.itemBytes(klen, ItemLayout.valueLength(p, at));
            dp.put(dat, p, at, ItemLayout.META);
            dp.put(dat + ItemLayout.VALUE_LENGTH, p, at + ItemLayout.VALUE_LENGTH, bytes - ItemLayout.VALUE_LENGTH);
            ItemLayout.initMeta(dp, dat, (ItemLayout.meta(p, at) & ~ItemLayout.STATE_MASK) | ItemLayout.LINKED);
            st.replace(slot, dst);
            ItemLayout.setState(p, at, ItemLayout.RESERVED);
            return true;
        } finally {
            st.lock.unlockWrite(stamp);
        }
    }

    @Override
    public int idleSeconds(ByteBuffer page, int off) {
        return Math.max(0, time.now() - ItemLayout.time(page, off));
    }

    @Override
    public boolean looksDead(ByteBuffer page, int off) {
        int now = time.now();
        if (StoreTime.expired(ItemLayout.expiry(page, off), now)) {
            return true;
        }
        long f = flushDeadlines;
        int t = ItemLayout.time(page, off);
        int pending = (int) f;
        return t < (int) (f >>> 32) || (pending != 0 && now >= pending && t < pending);
    }

    // ------------------------------------------------------------------------------------------- helpers

    /** LIVE, EXPIRED or FLUSHED. Stripe lock held. */
    private int deadReason(IndexStripe st, ByteBuffer p, int at, int now) {
        if (StoreTime.expired(ItemLayout.expiry(p, at), now)) {
            return EXPIRED;
        }
        if (st.flushed(ItemLayout.cas(p, at))) {
            return FLUSHED;
        }
        long f = flushDeadlines;
        int t = ItemLayout.time(p, at);
        int pending = (int) f;
        if (t < (int) (f >>> 32) || (pending != 0 && now >= pending && t < pending)) {
            return FLUSHED;
        }
        return LIVE;
    }

    /** Unlinks an expired or flushed item met on the way; returns its chunk (to free after unlocking). Write lock held. */
    private int unlinkDead(IndexStripe st, int slot, ByteBuffer p, int at, int why) {
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
    private void retire(ByteBuffer p, int at) {
        ItemLayout.setState(p, at, ItemLayout.RESERVED);
        stats.add(StoreCounter.CURR_ITEMS, -1);
        stats.add(StoreCounter.BYTES, -ItemLayout.itemBytes(ItemLayout.keyLength(ItemLayout.meta(p, at)),
                ItemLayout.valueLength(p, at)));
    }

    /** A filled item joins the index. Write lock held; its CAS is set. */
    private void linked(ByteBuffer p, int at) {
        // Release: pairs with the sweep's and mover's acquire reads of the meta word.
        ItemLayout.setState(p, at, ItemLayout.LINKED);
        stats.increment(StoreCounter.CURR_ITEMS);
        stats.increment(StoreCounter.TOTAL_ITEMS);
        stats.add(StoreCounter.BYTES, ItemLayout.itemBytes(ItemLayout.keyLength(ItemLayout.meta(p, at)),
                ItemLayout.valueLength(p, at)));
    }

    private int allocate(int klen, int vlen, int hint) {
        int ref = mem.allocate(mem.classFor(ItemLayout.itemBytes(klen, vlen)), hint);
        if (ref == 0) {
            stats.increment(StoreCounter.OUTOFMEMORY);
        }
        return ref;
    }

    private boolean tooLarge(int klen, long vlen) {
        return klen + vlen + CacheStore.MEMCACHED_ITEM_OVERHEAD > itemSizeMax;
    }

    private static void copy(ByteBuffer p, int at, byte[] arr, ByteBuffer buf, int off, int len) {
        if (arr != null) {
            p.put(at, arr, off, len);
        } else {
            p.put(at, buf, off, len);
        }
    }

    private IndexStripe stripe(long h) {
        return stripes[(int) (h >>> stripeShift) & (stripes.length - 1)];
    }

    private static int hint(IndexStripe st) {
        return st.id();
    }

    private static void checkKey(byte[] key, int off, int len) {
        if (len < 1 || len > CacheStore.MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("key length must be in [1, " + CacheStore.MAX_KEY_LENGTH + "]: " + len);
        }
        if (off < 0 || off > key.length - len) {
            throw new IndexOutOfBoundsException("key range [" + off + ", " + off + " + " + len + ") of " + key.length);
        }
    }
}
