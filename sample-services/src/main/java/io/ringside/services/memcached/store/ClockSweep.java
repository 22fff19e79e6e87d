package io.ringside.services.memcached.store;

import java.nio.ByteBuffer;

/**
 * CLOCK eviction within one slab class, in place of memcached's per-class LRU lists. A hand walks the class's
 * chunks; a linked item whose reference bit is set (it was read since the hand last passed) loses the bit and
 * stays, one without it (or an expired or flushed one) is unlinked and its chunk reused. So an item survives as
 * long as it is read at least once per turn of the hand: the usual approximation of LRU, with no list to update
 * (and no lock to take) on a read. Items are stored without the bit, so a never-read item goes first.
 *
 * <p>Thread-safe: the hand is an atomic counter that each thread advances by a batch; chunks are inspected
 * without locks (only the atomic meta word is read or changed), and a victim is re-checked under its stripe's
 * lock by {@link Victims#unlink}. The class's layout lock is held shared so that no page changes class meanwhile.
 */
final class ClockSweep {
    /** Hand positions a thread claims at once: fewer contended updates of the hand. */
    static final int BATCH = 16;

    private final SlabAllocator mem;
    private final Victims victims;

    ClockSweep(SlabAllocator mem, Victims victims) {
        this.mem = mem;
        this.victims = victims;
    }

    /**
     * Finds and unlinks a victim in class c: its chunk, RESERVED and owned by the caller, or 0 when two whole turns
     * of the hand found none (every chunk free-listed, reserved, or read again faster than the hand clears it).
     * Called holding no stripe lock.
     */
    int evict(SlabClass c) {
        for (long spent = 0;; spent += BATCH) {
            long stamp = c.layout.readLock();
            try {
                int pages = c.pageCount();
                long total = (long) pages * c.perPage;
                if (pages == 0 || spent > 2 * total + BATCH) {
                    return 0;
                }
                int batch = (int) Math.min(BATCH, total);
                long base = c.hand.getAndAdd(batch);
                for (int i = 0; i < batch; i++) {
                    int ref = inspect(c, Math.floorMod(base + i, total));
                    if (ref != 0) {
                        // Give back the positions not inspected, unless another thread has claimed more since (then
                        // they are skipped this turn: a small unfairness, never a lost item).
                        c.hand.compareAndSet(base + batch, base + i + 1);
                        return ref;
                    }
                }
            } finally {
                c.layout.unlockRead(stamp);
            }
        }
    }

    /** One hand position: the victim's chunk if it was unlinked, else 0. Layout lock held shared. */
    private int inspect(SlabClass c, long pos) {
        int slot = (int) (pos / c.perPage);
        int page = c.page(slot);
        if (mem.isMoving(page)) {
            return 0;
        }
        int off = (int) (pos - (long) slot * c.perPage) * c.chunkBytes;
        ByteBuffer p = mem.pageBuffer(page);
        int meta = ItemLayout.meta(p, off);
        if (ItemLayout.state(meta) != ItemLayout.LINKED) {
            return 0;
        }
        if ((meta & ItemLayout.REFERENCED) != 0 && !victims.looksDead(p, off)) {
            ItemLayout.clearBits(p, off, ItemLayout.REFERENCED);
            return 0;
        }
        int ref = mem.ref(page, off);
        return victims.unlink(ref, c.id, true) ? ref : 0;
    }
}
