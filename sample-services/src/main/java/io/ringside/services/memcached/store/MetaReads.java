package io.ringside.services.memcached.store;

import java.nio.ByteBuffer;

/**
 * The meta protocol's own operations on an item: the read that lets the protocol inspect and adjust the item under
 * its lock ({@code mg}, {@code me}), creating an empty one on a miss when asked ({@code mg N}), and invalidation
 * ({@code md I}: stale, a new CAS unique, the win token free again). Counting follows memcached 1.6.18: a hit with
 * {@link ReadOptions#TOUCH} counts as a touch, not a get; a miss as a get miss, with or without it; an item created
 * on a miss as a hit.
 *
 * <p>Thread-safe; stateless beyond {@link Items}. A read holds the stripe lock shared (exclusively with
 * {@link ReadOptions#TOUCH}, and while a created item is linked and visited); the empty item is allocated with no
 * lock held and linked only if the key is still missing.
 */
final class MetaReads {
    private final Items items;

    MetaReads(Items items) {
        this.items = items;
    }

    boolean read(byte[] key, int off, int len, int options, ItemView view, ItemVisitor visitor) {
        Items.checkKey(key, off, len);
        long h = KeyHash.hash(key, off, len, items.seed);
        IndexStripe st = items.stripe(h);
        boolean touch = (options & ReadOptions.TOUCH) != 0;
        int now = items.time.now();
        int dead = 0;
        long stamp = touch ? st.lock.writeLock() : st.lock.readLock();
        try {
            int ref = st.find(h, key, off, len);
            if (ref != 0) {
                ByteBuffer p = items.mem.page(ref);
                int at = items.mem.offset(ref);
                int why = items.deadReason(st, p, at, now);
                if (why == Items.LIVE) {
                    visit(ref, options, touch, false, now, view, visitor);
                    return true;
                }
                long ws = touch ? stamp : st.lock.tryConvertToWriteLock(stamp);
                if (ws != 0) {
                    stamp = ws;
                    dead = items.unlinkDead(st, h, ref, p, at, why);
                }
                items.stats.increment(why == Items.EXPIRED ? StoreCounter.GET_EXPIRED : StoreCounter.GET_FLUSHED);
            }
        } finally {
            st.lock.unlock(stamp);
            if (dead != 0) {
                items.mem.free(dead, Items.hint(st));
            }
        }
        if ((options & ReadOptions.VIVIFY) != 0 && vivify(st, h, key, off, len, options, view, visitor)) {
            return true;
        }
        if ((options & ReadOptions.UNCOUNTED) == 0) {
            items.stats.increment(StoreCounter.CMD_GET); // memcached 1.6.18: a miss is a get miss, even with T
            items.stats.increment(StoreCounter.GET_MISSES);
        }
        return false;
    }

    /** A miss with VIVIFY: links an empty item unless the key appeared meanwhile; visits what is there. */
    private boolean vivify(IndexStripe st, long h, byte[] key, int off, int len, int options, ItemView view,
            ItemVisitor visitor) {
        int stub = items.allocate(len, 0, Items.hint(st));
        if (stub == 0) {
            return false; // no memory for it: a miss, as memcached's failed item_alloc
        }
        int now = items.time.now();
        ByteBuffer p = items.mem.page(stub);
        int at = items.mem.offset(stub);
        ItemLayout.writeHeader(p, at, len, 0, 0, 0, now);
        p.put(at + ItemLayout.HEADER, key, off, len);
        int free = stub;
        int dead = 0;
        long stamp = st.lock.writeLock();
        try {
            int cur = st.find(h, key, off, len);
            if (cur != 0) {
                int why = items.deadReason(st, items.mem.page(cur), items.mem.offset(cur), now);
                if (why == Items.LIVE) {
                    visit(cur, options, true, false, now, view, visitor); // stored by another client meanwhile
                    return true;
                }
                dead = items.unlinkDead(st, h, cur, items.mem.page(cur), items.mem.offset(cur), why);
            }
            st.insert(h, stub);
            free = 0;
            p.putLong(at + ItemLayout.CAS, st.nextCas());
            items.linked(stub);
            visit(stub, options, true, true, now, view, visitor);
            return true;
        } finally {
            st.lock.unlockWrite(stamp);
            if (free != 0) {
                items.mem.free(free, Items.hint(st));
            }
            if (dead != 0) {
                items.mem.free(dead, Items.hint(st));
            }
        }
    }

    /** Visits a live item, then bumps and counts it. Stripe lock held (exclusively if {@code exclusive}). */
    private void visit(int ref, int options, boolean exclusive, boolean created, int now, ItemView view,
            ItemVisitor visitor) {
        view.bind(items.mem, items.time, ref, now, exclusive, created);
        try {
            visitor.visit(view);
        } finally {
            view.unbind();
        }
        if ((options & ReadOptions.NO_BUMP) == 0) {
            ByteBuffer p = items.mem.page(ref);
            int at = items.mem.offset(ref);
            if (ItemLayout.time(p, at) != now) {
                // Racy between readers, who all write the same second: benign.
                p.putInt(at + ItemLayout.TIME, now);
            }
            ItemLayout.setBits(p, at, ItemLayout.REFERENCED | ItemLayout.FETCHED);
        }
        if ((options & ReadOptions.UNCOUNTED) == 0) {
            boolean touch = (options & ReadOptions.TOUCH) != 0;
            items.stats.increment(touch ? StoreCounter.CMD_TOUCH : StoreCounter.CMD_GET);
            items.count(touch ? StoreCounter.TOUCH_HITS : StoreCounter.GET_HITS, ref);
        }
    }

    /**
     * md I: marks a live item stale, gives it a new CAS unique and frees its win token; with {@code retime}, also a
     * new exptime. STORED (marked), EXISTS (CAS differs, if {@code compare}) or NOT_FOUND. Stripe lock exclusive.
     */
    StoreResult invalidate(byte[] key, int off, int len, boolean compare, long cas, boolean retime, int exptime) {
        Items.checkKey(key, off, len);
        long h = KeyHash.hash(key, off, len, items.seed);
        IndexStripe st = items.stripe(h);
        int now = items.time.now();
        int dead = 0;
        long stamp = st.lock.writeLock();
        try {
            int ref = st.find(h, key, off, len);
            if (ref == 0) {
                items.stats.increment(StoreCounter.DELETE_MISSES);
                return StoreResult.NOT_FOUND;
            }
            ByteBuffer p = items.mem.page(ref);
            int at = items.mem.offset(ref);
            int why = items.deadReason(st, p, at, now);
            if (why != Items.LIVE) {
                dead = items.unlinkDead(st, h, ref, p, at, why);
                items.stats.increment(StoreCounter.DELETE_MISSES);
                return StoreResult.NOT_FOUND;
            }
            if (compare && ItemLayout.cas(p, at) != cas) {
                items.stats.increment(StoreCounter.DELETE_MISSES); // as memcached counts a CAS mismatch of md
                return StoreResult.EXISTS;
            }
            if (retime) {
                p.putInt(at + ItemLayout.EXPIRY, items.time.expiry(exptime, now));
            }
            ItemLayout.clearBits(p, at, ItemLayout.WIN_TOKEN_SENT);
            ItemLayout.setBits(p, at, ItemLayout.STALE);
            p.putLong(at + ItemLayout.CAS, st.nextCas());
            return StoreResult.STORED;
        } finally {
            st.lock.unlockWrite(stamp);
            if (dead != 0) {
                items.mem.free(dead, Items.hint(st));
            }
        }
    }
}
