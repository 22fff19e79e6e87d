package io.ringside.services.memcached.store;

import java.nio.ByteBuffer;

/**
 * The operations that build a new item from the current one: append / prepend, and incr / decr when the number
 * grows longer. Each measures the current item under the stripe's read (or write) lock, allocates the new chunk
 * with no lock held (allocation may evict), and links it under the write lock only if the item is still the one it
 * measured (same chunk, same CAS unique); otherwise it starts over. So the result is exactly what one atomic step
 * would give, and nothing allocates under a stripe lock. Thread-safe; stateless beyond {@link Items}.
 */
final class ItemRewrites {
    private final Items items;

    ItemRewrites(Items items) {
        this.items = items;
    }

    /**
     * append / prepend: the new item is allocated outside the lock for the old value's size plus the new bytes,
     * then, under the write lock, the old value is copied in only if the item is still the one measured (same
     * chunk and CAS); otherwise it starts over. So the result is always exactly "old value + new bytes" for the
     * value current at link time: it never mixes with a concurrent set. Exceeding the size limit is NOT_STORED,
     * as in memcached 1.6. A non-zero {@code expectCas} must be the item's CAS unique, else EXISTS ({@code ms MA C},
     * as memcached 1.6.18: a CAS of 0 compares nothing).
     */
    StoreResult concat(StoreMode mode, byte[] key, int koff, int klen, long h, byte[] arr, ByteBuffer buf,
            int voff, int vlen, long expectCas, Reservation r) {
        IndexStripe st = items.stripe(h);
        for (;;) {
            int oldRef;
            long oldCas;
            int oldLen;
            int now = items.time.now();
            long stamp = st.lock.readLock();
            try {
                oldRef = st.find(h, key, koff, klen);
                if (oldRef == 0) {
                    return StoreResult.NOT_STORED;
                }
                ByteBuffer p = items.mem.page(oldRef);
                int at = items.mem.offset(oldRef);
                if (items.deadReason(st, p, at, now) != Items.LIVE) {
                    return StoreResult.NOT_STORED;
                }
                oldCas = ItemLayout.cas(p, at);
                oldLen = ItemLayout.valueLength(p, at);
            } finally {
                st.lock.unlockRead(stamp);
            }
            if (expectCas != 0 && oldCas != expectCas) {
                return StoreResult.EXISTS; // a change meanwhile is caught by linkConcat's re-check, then here
            }
            if (items.tooLarge(klen, (long) oldLen + vlen)) {
                return StoreResult.NOT_STORED;
            }
            int total = oldLen + vlen;
            int ref = items.allocate(klen, total, Items.hint(st));
            if (ref == 0) {
                return StoreResult.OUT_OF_MEMORY;
            }
            ByteBuffer p = items.mem.page(ref);
            int at = items.mem.offset(ref);
            int value = ItemLayout.valueOffset(at, klen);
            ItemLayout.writeHeader(p, at, klen, total, 0, 0, now);
            p.put(at + ItemLayout.HEADER, key, koff, klen);
            Items.copy(p, mode == StoreMode.APPEND ? value + oldLen : value, arr, buf, voff, vlen);
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
            int cur = st.find(h, key, koff, klen);
            ByteBuffer op = items.mem.page(oldRef);
            int oat = items.mem.offset(oldRef);
            int why;
            if (cur == 0) {
                result = StoreResult.NOT_STORED;
            } else if (cur != oldRef || ItemLayout.cas(op, oat) != oldCas) {
                result = null;
            } else if ((why = items.deadReason(st, op, oat, now)) != Items.LIVE) {
                dead = items.unlinkDead(st, h, oldRef, op, oat, why);
                result = StoreResult.NOT_STORED;
            } else {
                ByteBuffer p = items.mem.page(ref);
                int at = items.mem.offset(ref);
                int value = ItemLayout.valueOffset(at, klen);
                p.put(mode == StoreMode.APPEND ? value : value + vlen, op, ItemLayout.valueOffset(oat, klen), oldLen);
                p.putInt(at + ItemLayout.FLAGS, ItemLayout.flags(op, oat));
                p.putInt(at + ItemLayout.EXPIRY, ItemLayout.expiry(op, oat));
                long cas = st.nextCas();
                p.putLong(at + ItemLayout.CAS, cas);
                if (r != null) {
                    r.cas = cas;
                }
                items.retire(oldRef);
                st.replace(h, oldRef, ref);
                items.linked(ref);
                items.count(StoreCounter.CMD_SET, ref);
                free = oldRef;
                result = StoreResult.STORED;
            }
        } finally {
            st.lock.unlockWrite(stamp);
        }
        items.mem.free(free, Items.hint(st));
        if (dead != 0) {
            items.mem.free(dead, Items.hint(st));
        }
        return result;
    }

    /**
     * incr / decr under the write lock. The new number is written over the old one when it fits, padded with
     * spaces to the old length (memcached does the same: "10" decremented by 5 reads "5 "); a longer number needs
     * a new item, allocated outside the lock, linked only if the item did not change meanwhile.
     */
    DeltaStatus delta(byte[] key, int off, int len, long delta, boolean incr, DeltaValue out) {
        return delta(key, off, len, delta, incr, false, 0, out);
    }

    /** incr / decr; if {@code compare}, only when the item's CAS unique is {@code expectedCas} (EXISTS if not). */
    DeltaStatus delta(byte[] key, int off, int len, long delta, boolean incr, boolean compare, long expectedCas,
            DeltaValue out) {
        Items.checkKey(key, off, len);
        long h = KeyHash.hash(key, off, len, items.seed);
        IndexStripe st = items.stripe(h);
        for (;;) {
            int now = items.time.now();
            int oldRef;
            long oldCas;
            int digits;
            int dead = 0;
            long stamp = st.lock.writeLock();
            try {
                oldRef = st.find(h, key, off, len);
                int why = oldRef == 0 ? Items.EXPIRED
                        : items.deadReason(st, items.mem.page(oldRef), items.mem.offset(oldRef), now);
                if (why != Items.LIVE) {
                    if (oldRef != 0) {
                        dead = items.unlinkDead(st, h, oldRef, items.mem.page(oldRef), items.mem.offset(oldRef), why);
                    }
                    items.stats.increment(incr ? StoreCounter.INCR_MISSES : StoreCounter.DECR_MISSES);
                    return DeltaStatus.NOT_FOUND;
                }
                ByteBuffer p = items.mem.page(oldRef);
                int at = items.mem.offset(oldRef);
                int vlen = ItemLayout.valueLength(p, at);
                if (vlen == 0) {
                    return DeltaStatus.NON_NUMERIC; // before the CAS, as memcached's do_add_delta
                }
                if (compare && ItemLayout.cas(p, at) != expectedCas) {
                    return DeltaStatus.EXISTS; // a grown number re-checks the CAS it measured when it links
                }
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
                    items.count(incr ? StoreCounter.INCR_HITS : StoreCounter.DECR_HITS, oldRef);
                    return DeltaStatus.OK;
                }
                oldCas = ItemLayout.cas(p, at);
            } finally {
                st.lock.unlockWrite(stamp);
                if (dead != 0) {
                    items.mem.free(dead, Items.hint(st));
                }
            }
            int ref = items.allocate(len, digits, Items.hint(st));
            if (ref == 0) {
                return DeltaStatus.OUT_OF_MEMORY;
            }
            if (linkGrownNumber(st, h, key, off, len, ref, oldRef, oldCas, delta, incr, digits, now, out)) {
                items.count(incr ? StoreCounter.INCR_HITS : StoreCounter.DECR_HITS, ref);
                return DeltaStatus.OK;
            }
        }
    }

    /** The locked half of a growing incr; false (start over) if the item changed since it was measured. */
    private boolean linkGrownNumber(IndexStripe st, long h, byte[] key, int off, int len, int ref, int oldRef,
            long oldCas, long delta, boolean incr, int digits, int now, DeltaValue out) {
        ByteBuffer p = items.mem.page(ref);
        int at = items.mem.offset(ref);
        ItemLayout.writeHeader(p, at, len, digits, 0, 0, now);
        p.put(at + ItemLayout.HEADER, key, off, len);
        int free = ref;
        boolean done = false;
        long stamp = st.lock.writeLock();
        try {
            if (st.find(h, key, off, len) == oldRef
                    && ItemLayout.cas(items.mem.page(oldRef), items.mem.offset(oldRef)) == oldCas) {
                ByteBuffer op = items.mem.page(oldRef);
                int oat = items.mem.offset(oldRef);
                // Unchanged since measured (same CAS), so it still parses, to the same number.
                Numeric.parse(op, ItemLayout.valueOffset(oat, len), ItemLayout.valueLength(op, oat), out);
                long next = Numeric.apply(out.value, delta, incr);
                Numeric.write(p, ItemLayout.valueOffset(at, len), next, digits);
                p.putInt(at + ItemLayout.FLAGS, ItemLayout.flags(op, oat));
                p.putInt(at + ItemLayout.EXPIRY, ItemLayout.expiry(op, oat));
                long cas = st.nextCas();
                p.putLong(at + ItemLayout.CAS, cas);
                items.retire(oldRef);
                st.replace(h, oldRef, ref);
                items.linked(ref);
                out.value = next;
                out.cas = cas;
                free = oldRef;
                done = true;
            }
        } finally {
            st.lock.unlockWrite(stamp);
        }
        items.mem.free(free, Items.hint(st));
        return done;
    }
}
