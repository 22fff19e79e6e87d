package io.ringside.services.memcached.store;

import java.nio.ByteBuffer;

/**
 * The eviction machinery's access to the index ({@link Victims}): a chunk found by walking memory is mapped back
 * to its stripe by hashing the key stored in it, and everything is re-checked under that stripe's write lock
 * (the chunk may have changed hands since it was read without a lock). Thread-safe.
 */
final class IndexedVictims implements Victims {
    private final Items items;

    IndexedVictims(Items items) {
        this.items = items;
    }

    @Override
    public boolean unlink(int ref, int classId, boolean secondChance) {
        ByteBuffer p = items.mem.page(ref);
        int at = items.mem.offset(ref);
        int m = ItemLayout.meta(p, at);
        int klen = ItemLayout.keyLength(m);
        // Read without a lock: the chunk may be changing hands; a torn key only misses in the index below.
        if (ItemLayout.state(m) != ItemLayout.LINKED || klen == 0 || at + ItemLayout.HEADER + klen > items.mem.pageBytes) {
            return false;
        }
        long h = KeyHash.hash(p, at + ItemLayout.HEADER, klen, items.seed);
        IndexStripe st = items.stripe(h);
        long stamp = st.lock.writeLock();
        try {
            if (!st.contains(h, ref) || items.mem.classOf(ref) != classId) {
                return false;
            }
            int why = items.deadReason(st, p, at, items.time.now());
            m = ItemLayout.meta(p, at);
            if (secondChance && why == Items.LIVE && (m & ItemLayout.REFERENCED) != 0) {
                ItemLayout.clearBits(p, at, ItemLayout.REFERENCED);
                return false;
            }
            st.remove(h, ref);
            items.retire(ref);
            boolean unfetched = (m & ItemLayout.FETCHED) == 0;
            if (why == Items.LIVE) {
                items.stats.increment(StoreCounter.EVICTIONS, classId);
                if (unfetched) {
                    items.stats.increment(StoreCounter.EVICTED_UNFETCHED, classId);
                }
            } else {
                items.stats.increment(StoreCounter.RECLAIMED, classId);
                if (why == Items.EXPIRED && unfetched) {
                    items.stats.increment(StoreCounter.EXPIRED_UNFETCHED, classId);
                }
            }
            return true;
        } finally {
            st.lock.unlockWrite(stamp);
        }
    }

    @Override
    public boolean relocate(int ref, int dst) {
        ByteBuffer p = items.mem.page(ref);
        int at = items.mem.offset(ref);
        int m = ItemLayout.meta(p, at);
        int klen = ItemLayout.keyLength(m);
        if (ItemLayout.state(m) != ItemLayout.LINKED || klen == 0 || at + ItemLayout.HEADER + klen > items.mem.pageBytes) {
            return false;
        }
        long h = KeyHash.hash(p, at + ItemLayout.HEADER, klen, items.seed);
        IndexStripe st = items.stripe(h);
        long stamp = st.lock.writeLock();
        try {
            if (!st.contains(h, ref)) {
                return false;
            }
            ByteBuffer dp = items.mem.page(dst);
            int dat = items.mem.offset(dst);
            int bytes = ItemLayout.itemBytes(klen, ItemLayout.valueLength(p, at));
            dp.put(dat, p, at, ItemLayout.META);
            dp.put(dat + ItemLayout.VALUE_LENGTH, p, at + ItemLayout.VALUE_LENGTH, bytes - ItemLayout.VALUE_LENGTH);
            ItemLayout.initMeta(dp, dat, (ItemLayout.meta(p, at) & ~ItemLayout.STATE_MASK) | ItemLayout.LINKED);
            st.replace(h, ref, dst);
            ItemLayout.setState(p, at, ItemLayout.RESERVED);
            return true;
        } finally {
            st.lock.unlockWrite(stamp);
        }
    }

    @Override
    public int idleSeconds(ByteBuffer page, int off) {
        return Math.max(0, items.time.now() - ItemLayout.time(page, off));
    }

    @Override
    public boolean looksDead(ByteBuffer page, int off) {
        int now = items.time.now();
        if (StoreTime.expired(ItemLayout.expiry(page, off), now)) {
            return true;
        }
        return items.flushedByDeadline(ItemLayout.time(page, off), now);
    }
}
