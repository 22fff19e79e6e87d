package io.ringside.services.memcached.store;

import java.nio.ByteBuffer;

/**
 * The operations that put a whole new item in place of the old one, or remove it: set / add / replace / cas (with
 * the value at hand, or through a {@link Reservation} filled piece by piece), and delete. The chunk is allocated
 * and filled with no lock held; the stripe's write lock is held only to check the mode and swap the index entry.
 * append / prepend are passed on to {@link ItemRewrites}. Thread-safe; stateless beyond {@link Items}.
 */
final class ItemWrites {
    private final Items items;
    private final ItemRewrites rewrites;

    ItemWrites(Items items, ItemRewrites rewrites) {
        this.items = items;
        this.rewrites = rewrites;
    }

    StoreResult store(StoreMode mode, byte[] key, int koff, int klen, byte[] arr, ByteBuffer buf, int voff,
            int vlen, int flags, int exptime, long casUnique) {
        Items.checkKey(key, koff, klen);
        long h = KeyHash.hash(key, koff, klen, items.seed);
        if (mode == StoreMode.APPEND || mode == StoreMode.PREPEND) {
            StoreResult result = rewrites.concat(mode, key, koff, klen, h, arr, buf, voff, vlen, casUnique, null);
            if (result != StoreResult.STORED) {
                items.stats.increment(StoreCounter.CMD_SET); // a stored one counts in its class
            }
            return result;
        }
        if (items.tooLarge(klen, vlen)) {
            items.stats.increment(StoreCounter.CMD_SET);
            return StoreResult.TOO_LARGE;
        }
        IndexStripe st = items.stripe(h);
        int ref = items.allocate(klen, vlen, Items.hint(st));
        if (ref == 0) {
            items.stats.increment(StoreCounter.CMD_SET);
            return StoreResult.OUT_OF_MEMORY;
        }
        items.count(StoreCounter.CMD_SET, ref);
        ByteBuffer p = items.mem.page(ref);
        int at = items.mem.offset(ref);
        int now = items.time.now();
        ItemLayout.writeHeader(p, at, klen, vlen, flags, items.time.expiry(exptime, now), now);
        p.put(at + ItemLayout.HEADER, key, koff, klen);
        Items.copy(p, ItemLayout.valueOffset(at, klen), arr, buf, voff, vlen);
        return link(mode, st, h, key, koff, klen, ref, casUnique, now, null);
    }

    ReserveResult reserve(Reservation r, byte[] key, int koff, int klen, int vlen) {
        Items.checkKey(key, koff, klen);
        if (items.tooLarge(klen, vlen)) {
            return ReserveResult.TOO_LARGE;
        }
        long h = KeyHash.hash(key, koff, klen, items.seed);
        int ref = items.allocate(klen, vlen, Items.hint(items.stripe(h)));
        if (ref == 0) {
            return ReserveResult.OUT_OF_MEMORY;
        }
        ByteBuffer p = items.mem.page(ref);
        int at = items.mem.offset(ref);
        ItemLayout.writeHeader(p, at, klen, vlen, 0, 0, items.time.now());
        p.put(at + ItemLayout.HEADER, key, koff, klen);
        System.arraycopy(key, koff, r.key, 0, klen);
        r.keyLength = klen;
        r.hash = h;
        r.ref = ref;
        r.page = p;
        r.valueStart = ItemLayout.valueOffset(at, klen);
        r.valueLength = vlen;
        r.written = 0;
        r.binaryKey = false;
        r.invalidate = false;
        items.stats.increment(StoreCounter.RESERVATIONS_OPEN);
        return ReserveResult.RESERVED;
    }

    StoreResult commit(Reservation r, StoreMode mode, int flags, int exptime, long casUnique) {
        int ref = r.ref;
        r.ref = 0;
        r.cas = 0;
        items.stats.add(StoreCounter.RESERVATIONS_OPEN, -1);
        IndexStripe st = items.stripe(r.hash);
        if (mode == StoreMode.APPEND || mode == StoreMode.PREPEND) {
            StoreResult result = rewrites.concat(mode, r.key, 0, r.keyLength, r.hash, null, r.page, r.valueStart,
                    r.valueLength, casUnique, r);
            items.mem.free(ref, Items.hint(st));
            if (result != StoreResult.STORED) {
                items.stats.increment(StoreCounter.CMD_SET);
            }
            return result;
        }
        items.count(StoreCounter.CMD_SET, ref);
        ByteBuffer p = r.page;
        int at = items.mem.offset(ref);
        int now = items.time.now();
        p.putInt(at + ItemLayout.FLAGS, flags);
        p.putInt(at + ItemLayout.EXPIRY, items.time.expiry(exptime, now));
        p.putInt(at + ItemLayout.TIME, now);
        return link(mode, st, r.hash, r.key, 0, r.keyLength, ref, casUnique, now, r);
    }

    void abort(Reservation r) {
        int ref = r.ref;
        r.ref = 0;
        items.stats.add(StoreCounter.RESERVATIONS_OPEN, -1);
        items.mem.free(ref, Items.hint(items.stripe(r.hash)));
    }

    /** Links the filled RESERVED chunk {@code ref} under the key if the mode allows; frees what is left over. */
    private StoreResult link(StoreMode mode, IndexStripe st, long h, byte[] key, int koff, int klen, int ref,
            long casUnique, int now, Reservation r) {
        int old = 0;
        int drop = ref;
        StoreResult result;
        long stamp = st.lock.writeLock();
        try {
            int cur = st.find(h, key, koff, klen);
            if (cur != 0) {
                int why = items.deadReason(st, items.mem.page(cur), items.mem.offset(cur), now);
                if (why != Items.LIVE) {
                    old = items.unlinkDead(st, h, cur, items.mem.page(cur), items.mem.offset(cur), why);
                    cur = 0;
                }
            }
            boolean invalidate = r != null && r.invalidate;
            result = decide(mode, cur, casUnique, invalidate);
            if (result == StoreResult.STORED) {
                ByteBuffer p = items.mem.page(ref);
                int at = items.mem.offset(ref);
                if (r != null && r.binaryKey) {
                    ItemLayout.setBits(p, at, ItemLayout.KEY_BINARY);
                }
                if (invalidate && mode == StoreMode.CAS) {
                    staleIfOlder(p, at, cur, casUnique);
                }
                long cas = st.nextCas();
                p.putLong(at + ItemLayout.CAS, cas);
                if (r != null) {
                    r.cas = cas;
                }
                if (cur != 0) {
                    old = cur;
                    items.retire(old);
                    st.replace(h, old, ref);
                } else {
                    st.insert(h, ref);
                }
                items.linked(ref);
                drop = 0;
            }
        } finally {
            st.lock.unlockWrite(stamp);
        }
        if (old != 0) {
            items.mem.free(old, Items.hint(st));
        }
        if (drop != 0) {
            items.mem.free(drop, Items.hint(st));
        }
        return result;
    }

    /**
     * ms C with I, its CAS unique below the item's: the new value is stored stale, keeping the item's expiry and win
     * token (memcached 1.6.18). Write lock held; {@code p, at} the new RESERVED chunk, {@code cur} the linked item.
     */
    private void staleIfOlder(ByteBuffer p, int at, int cur, long casUnique) {
        ByteBuffer cp = items.mem.page(cur);
        int cat = items.mem.offset(cur);
        if (ItemLayout.cas(cp, cat) != casUnique) {
            p.putInt(at + ItemLayout.EXPIRY, ItemLayout.expiry(cp, cat));
            ItemLayout.setBits(p, at, ItemLayout.STALE | (ItemLayout.meta(cp, cat) & ItemLayout.WIN_TOKEN_SENT));
        }
    }

    /**
     * Whether the mode lets the item in, {@code cur} the live item of the key or 0; with {@code invalidate}, a CAS
     * below the item's passes too (ms I).
     */
    private StoreResult decide(StoreMode mode, int cur, long casUnique, boolean invalidate) {
        switch (mode) {
            case ADD:
                return cur != 0 ? StoreResult.NOT_STORED : StoreResult.STORED;
            case REPLACE:
                return cur != 0 ? StoreResult.STORED : StoreResult.NOT_STORED;
            case CAS:
                if (cur == 0) {
                    items.stats.increment(StoreCounter.CAS_MISSES);
                    return StoreResult.NOT_FOUND;
                }
                long current = ItemLayout.cas(items.mem.page(cur), items.mem.offset(cur));
                if (current != casUnique && !(invalidate && Long.compareUnsigned(casUnique, current) < 0)) {
                    items.count(StoreCounter.CAS_BADVAL, cur);
                    return StoreResult.EXISTS;
                }
                items.count(StoreCounter.CAS_HITS, cur);
                return StoreResult.STORED;
            default:
                return StoreResult.STORED;
        }
    }

    /** delete, if {@code compare} only when the CAS unique is {@code cas}: STORED (removed), EXISTS or NOT_FOUND. */
    StoreResult delete(byte[] key, int off, int len, boolean compare, long cas) {
        Items.checkKey(key, off, len);
        long h = KeyHash.hash(key, off, len, items.seed);
        IndexStripe st = items.stripe(h);
        int now = items.time.now();
        int gone = 0;
        boolean hit = false;
        boolean differs = false;
        long stamp = st.lock.writeLock();
        try {
            int ref = st.find(h, key, off, len);
            if (ref != 0) {
                ByteBuffer p = items.mem.page(ref);
                int at = items.mem.offset(ref);
                int why = items.deadReason(st, p, at, now);
                if (why == Items.LIVE && compare && ItemLayout.cas(p, at) != cas) {
                    differs = true;
                } else if (why == Items.LIVE) {
                    st.remove(h, ref);
                    items.retire(ref);
                    items.count(StoreCounter.DELETE_HITS, ref);
                    gone = ref;
                    hit = true;
                } else {
                    gone = items.unlinkDead(st, h, ref, p, at, why);
                }
            }
        } finally {
            st.lock.unlockWrite(stamp);
        }
        if (gone != 0) {
            items.mem.free(gone, Items.hint(st));
        }
        if (differs) {
            items.stats.increment(StoreCounter.DELETE_MISSES); // memcached counts md's CAS mismatch so
            return StoreResult.EXISTS;
        }
        if (!hit) {
            items.stats.increment(StoreCounter.DELETE_MISSES);
        }
        return hit ? StoreResult.STORED : StoreResult.NOT_FOUND;
    }
}
