package io.ringside.services.memcached.store;

import java.nio.ByteBuffer;

/**
 * The classic reads, which may refresh the item in place: get / gets, gat / gats, touch (the meta protocol's reads
 * are {@link MetaReads}). A read holds the stripe's read lock for the lookup and the sink call; a touching read, or
 * a touch, the write lock (it writes the expiry). An expired or flushed item met on the way is a miss, unlinked when
 * the lock allows it. Thread-safe; stateless beyond {@link Items}.
 */
final class ItemReads {
    private final Items items;

    ItemReads(Items items) {
        this.items = items;
    }

    boolean read(byte[] key, int off, int len, ValueSink sink, boolean touch, int exptime) {
        Items.checkKey(key, off, len);
        long h = KeyHash.hash(key, off, len, items.seed);
        IndexStripe st = items.stripe(h);
        int now = items.time.now();
        items.stats.increment(StoreCounter.CMD_GET);
        if (touch) {
            items.stats.increment(StoreCounter.CMD_TOUCH);
        }
        int dead = 0;
        long stamp = touch ? st.lock.writeLock() : st.lock.readLock();
        try {
            int ref = st.find(h, key, off, len);
            if (ref == 0) {
                miss(touch);
                return false;
            }
            ByteBuffer p = items.mem.page(ref);
            int at = items.mem.offset(ref);
            int why = items.deadReason(st, p, at, now);
            if (why != Items.LIVE) {
                long ws = touch ? stamp : st.lock.tryConvertToWriteLock(stamp);
                if (ws != 0) {
                    stamp = ws;
                    dead = items.unlinkDead(st, h, ref, p, at, why);
                }
                items.stats.increment(why == Items.EXPIRED ? StoreCounter.GET_EXPIRED : StoreCounter.GET_FLUSHED);
                miss(touch);
                return false;
            }
            int m = ItemLayout.meta(p, at);
            int accessed = ItemLayout.time(p, at);
            if (touch) {
                p.putInt(at + ItemLayout.EXPIRY, items.time.expiry(exptime, now));
                items.count(StoreCounter.TOUCH_HITS, ref);
            }
            if (accessed != now) {
                // Racy between readers, who all write the same second: benign.
                p.putInt(at + ItemLayout.TIME, now);
            }
            ItemLayout.setBits(p, at, ItemLayout.REFERENCED | ItemLayout.FETCHED);
            items.count(StoreCounter.GET_HITS, ref);
            if (sink != null) {
                int klen = ItemLayout.keyLength(m);
                sink.value(items.mem.view(ref), ItemLayout.valueOffset(at, klen), ItemLayout.valueLength(p, at),
                        ItemLayout.flags(p, at), ItemLayout.cas(p, at));
            }
            return true;
        } finally {
            st.lock.unlock(stamp);
            if (dead != 0) {
                items.mem.free(dead, Items.hint(st));
            }
        }
    }

    private void miss(boolean touch) {
        items.stats.increment(StoreCounter.GET_MISSES);
        if (touch) {
            items.stats.increment(StoreCounter.TOUCH_MISSES);
        }
    }

    boolean touch(byte[] key, int off, int len, int exptime) {
        Items.checkKey(key, off, len);
        items.stats.increment(StoreCounter.CMD_TOUCH);
        long h = KeyHash.hash(key, off, len, items.seed);
        IndexStripe st = items.stripe(h);
        int now = items.time.now();
        int dead = 0;
        long stamp = st.lock.writeLock();
        try {
            int ref = st.find(h, key, off, len);
            if (ref != 0) {
                ByteBuffer p = items.mem.page(ref);
                int at = items.mem.offset(ref);
                int why = items.deadReason(st, p, at, now);
                if (why == Items.LIVE) {
                    p.putInt(at + ItemLayout.EXPIRY, items.time.expiry(exptime, now));
                    p.putInt(at + ItemLayout.TIME, now);
                    ItemLayout.setBits(p, at, ItemLayout.REFERENCED | ItemLayout.FETCHED); // memcached bumps it
                    items.count(StoreCounter.TOUCH_HITS, ref);
                    return true;
                }
                dead = items.unlinkDead(st, h, ref, p, at, why);
            }
            items.stats.increment(StoreCounter.TOUCH_MISSES);
            return false;
        } finally {
            st.lock.unlockWrite(stamp);
            if (dead != 0) {
                items.mem.free(dead, Items.hint(st));
            }
        }
    }
}
