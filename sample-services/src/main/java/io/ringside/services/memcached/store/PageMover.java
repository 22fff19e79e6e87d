package io.ringside.services.memcached.store;

import java.nio.ByteBuffer;

/**
 * Moves a slab page from one class to another when a class needs memory that only another class holds (memcached's
 * slab rebalancer, run on demand instead of by a background thread). Without it, memory handed to one item size
 * would stay there forever ("slab calcification") and a new item size could not be stored once memory is full.
 *
 * <p>Emptying a page, chunk by chunk: a free chunk leaves its free list; a live item is copied to a free chunk of
 * the same class elsewhere if there is one (a rescue), otherwise evicted; a reserved chunk (a value being filled)
 * is waited for, up to {@link #BUSY_WAIT_NANOS}, after which the move is abandoned and the page restored. While
 * the page is marked moving, chunks freed or popped from it leave circulation instead of being reused.
 *
 * <p>Thread-safe: one move at a time (this object's monitor). Called holding no stripe lock.
 */
final class PageMover {
    /** How long one reserved chunk may hold up a move (a slow client sending a large value). */
    static final long BUSY_WAIT_NANOS = 2_000_000L;

    private final SlabAllocator mem;
    private final Victims victims;
    private final StoreStats stats;
    /** Rotates the page chosen from each donor. Guarded by this. */
    private int cursor;

    PageMover(SlabAllocator mem, Victims victims, StoreStats stats) {
        this.mem = mem;
        this.victims = victims;
        this.stats = stats;
    }

    /** A page for class c from another class, when c has nothing left to evict: a chunk of it, or 0. */
    int moveTo(SlabClass c, int hint) {
        synchronized (this) {
            // A failed move (a busy page) is retried on the donor's next page.
            for (int attempt = 0; attempt < 3; attempt++) {
                int ref = mem.pop(c, hint);
                if (ref != 0) {
                    return ref;
                }
                SlabClass d = donor(c);
                if (d == null) {
                    return 0;
                }
                move(d, c, hint);
            }
            return mem.pop(c, hint);
        }
    }

    /**
     * Balances by free memory: if some class holds at least two pages' worth of free chunks, moves one of its pages
     * to c (its live items are rescued into those free chunks) instead of evicting from c. A chunk, or 0.
     */
    int takeFromFreeRich(SlabClass c, int hint) {
        SlabClass best = null;
        long bestFree = 0;
        for (SlabClass d : mem.classes) {
            long free = d.freeChunks();
            if (d != c && d.pageCount() >= 2 && free >= 2L * d.perPage && free > bestFree) {
                best = d;
                bestFree = free;
            }
        }
        if (best == null) {
            return 0;
        }
        synchronized (this) {
            if (!move(best, c, hint)) {
                return 0;
            }
        }
        return mem.pop(c, hint);
    }

    /** A class to take a page from: one with a page's worth of free chunks, else the one with the most pages. */
    private SlabClass donor(SlabClass c) {
        SlabClass most = null;
        for (SlabClass d : mem.classes) {
            if (d == c || d.pageCount() == 0) {
                continue;
            }
            if (d.pageCount() >= 2 && d.freeChunks() >= d.perPage) {
                return d;
            }
            if (most == null || d.pageCount() > most.pageCount()) {
                most = d;
            }
        }
        // A class's last page goes only to a class that has none: otherwise two classes would trade it forever.
        if (most != null && most.pageCount() < 2 && c.pageCount() > 0) {
            return null;
        }
        return most;
    }

    /** Empties one page of d and gives it to c. Holding this monitor. */
    private boolean move(SlabClass d, SlabClass c, int hint) {
        int page;
        long stamp = d.layout.readLock();
        try {
            int n = d.pageCount();
            if (n == 0) {
                return false;
            }
            page = d.page(Math.floorMod(cursor++, n));
        } finally {
            d.layout.unlockRead(stamp);
        }
        mem.setMoving(page, true);
        if (!empty(page, d, hint)) {
            mem.setMoving(page, false);
            // Free list operations that saw the page as moving may still mark chunks MOVED: wait them out.
            mem.quiesce(d);
            mem.restore(page, d);
            stats.increment(StoreCounter.SLAB_REASSIGN_BUSY);
            return false;
        }
        stamp = d.layout.writeLock();
        try {
            d.removePage(page);
        } finally {
            d.layout.unlockWrite(stamp);
        }
        // Every chunk is MOVED and owned by nobody but this mover: the page can take c's layout.
        mem.setMoving(page, false);
        mem.carve(page, c);
        stats.increment(StoreCounter.SLABS_MOVED);
        return true;
    }

    /** Takes every chunk of the page out of circulation (all MOVED); false if a reserved chunk stayed too long. */
    private boolean empty(int page, SlabClass d, int hint) {
        ByteBuffer p = mem.pageBuffer(page);
        for (int k = 0; k < d.perPage; k++) {
            int off = k * d.chunkBytes;
            int ref = mem.ref(page, off);
            long deadline = 0;
            for (;;) {
                int state = ItemLayout.state(ItemLayout.meta(p, off));
                if (state == ItemLayout.MOVED) {
                    break;
                }
                if (state == ItemLayout.FREE) {
                    mem.takeFree(ref);
                    continue;
                }
                if (state == ItemLayout.LINKED) {
                    if (rescueOrEvict(ref, d, hint)) {
                        ItemLayout.initMeta(p, off, ItemLayout.MOVED);
                        break;
                    }
                    continue;
                }
                if (state == ItemLayout.UNUSED) {
                    ItemLayout.initMeta(p, off, ItemLayout.MOVED);
                    break;
                }
                long now = System.nanoTime();
                if (deadline == 0) {
                    deadline = now + BUSY_WAIT_NANOS;
                } else if (now - deadline > 0) {
                    return false;
                }
                Thread.yield();
            }
        }
        return true;
    }

    /** Moves a linked item out of the page (or evicts it); true when its chunk is then owned by this mover. */
    private boolean rescueOrEvict(int ref, SlabClass d, int hint) {
        int dst = mem.pop(d, hint);
        if (dst != 0) {
            if (victims.relocate(ref, dst)) {
                stats.increment(StoreCounter.SLAB_REASSIGN_RESCUES);
                return true;
            }
            mem.free(dst, hint);
            return false;
        }
        return victims.unlink(ref, d.id, false);
    }
}
