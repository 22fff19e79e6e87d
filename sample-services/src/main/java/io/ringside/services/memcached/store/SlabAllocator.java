package io.ringside.services.memcached.store;

import java.nio.ByteBuffer;

/**
 * The item memory, as memcached's slabs.c: slab pages ({@link SlabPages}) carved whole into the chunks of one slab
 * class each, free chunks in the class's striped free lists ({@link FreeChunks}), and the order in which a chunk is
 * found when a class needs one (a free list, a fresh page, a page lent by a class rich in free chunks, the CLOCK
 * sweep, a page moved from another class). The rest of the store names chunks by the references of
 * {@link SlabPages}; the accessors here pass them through.
 *
 * <p>Thread-safe. Locks, in the only order they nest: a class's grow lock, then the pool lock, then the class's
 * layout lock, then free list monitors. Allocation ({@link #allocate}) may evict, which takes stripe locks, so
 * <b>it must never be called while holding a stripe lock</b>; {@link #free} takes no stripe lock and may be.
 */
final class SlabAllocator {
    final int pageBytes;
    final int maxPages;
    final SlabClass[] classes;
    private final SlabPages pages;
    private final FreeChunks free;
    private ClockSweep sweep;
    private PageMover mover;
    private Victims victims;

    SlabAllocator(StoreConfig config, SlabClass[] classes, StoreStats stats) {
        this.pages = new SlabPages(config, stats);
        this.pageBytes = pages.pageBytes;
        this.maxPages = pages.maxPages;
        this.classes = classes;
        this.free = new FreeChunks(pages, classes, classes[0].lists.length);
    }

    /** Connects the eviction machinery (built after the allocator, since it needs the index). */
    void attach(ClockSweep sweep, PageMover mover, Victims victims) {
        this.sweep = sweep;
        this.mover = mover;
        this.victims = victims;
    }

    /** The smallest class whose chunk holds {@code itemBytes}, or -1 if none does. */
    int classFor(int itemBytes) {
        int lo = 0;
        int hi = classes.length - 1;
        if (itemBytes > classes[hi].chunkBytes) {
            return -1;
        }
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (classes[mid].chunkBytes >= itemBytes) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    // ------------------------------------------------------------------ chunk references (see SlabPages)

    int ref(int page, int offset) {
        return pages.ref(page, offset);
    }

    int pageOf(int ref) {
        return pages.pageOf(ref);
    }

    int offset(int ref) {
        return pages.offset(ref);
    }

    /** The little-endian page buffer holding a chunk. */
    ByteBuffer page(int ref) {
        return pages.page(ref);
    }

    ByteBuffer pageBuffer(int page) {
        return pages.pageBuffer(page);
    }

    /** The read-only view of the page holding a chunk, for sinks. */
    ByteBuffer view(int ref) {
        return pages.view(ref);
    }

    int classOf(int ref) {
        return pages.classOf(ref);
    }

    int pageClass(int page) {
        return pages.pageClass(page);
    }

    boolean isMoving(int page) {
        return pages.isMoving(page);
    }

    void setMoving(int page, boolean on) {
        pages.setMoving(page, on);
    }

    int pagesAllocated() {
        return pages.pagesAllocated();
    }

    // ------------------------------------------------------------------------------ taking and giving back

    /**
     * A RESERVED chunk of the class, owned by the caller, or 0 when none can be found or freed (out of memory).
     * Tries in turn: a free list (starting at {@code hint}'s), a fresh page, the CLOCK sweep of the class, and a
     * page taken from another class. Never call it holding a stripe lock.
     */
    int allocate(int classId, int hint) {
        SlabClass c = classes[classId];
        int ref = free.pop(c, hint);
        if (ref != 0) {
            return ref;
        }
        ref = grow(c, hint);
        if (ref != 0) {
            return ref;
        }
        int rich = free.freeRich();
        if (rich >= 0 && rich != classId) {
            ref = mover.takeFromFreeRich(c, hint);
            if (ref != 0) {
                return ref;
            }
        }
        ref = sweep.evict(c);
        if (ref == 0) {
            return mover.moveTo(c, hint);
        }
        c.evictedBytes += c.chunkBytes;
        if (c.evictedBytes >= pageBytes / PageMover.BALANCE_PER_PAGE) {
            c.evictedBytes = 0;
            // The victim's header is intact until the caller overwrites it: its idle time is c's eviction age.
            mover.balance(c, victims.idleSeconds(page(ref), offset(ref)), hint);
        }
        return ref;
    }

    /** Returns a chunk the caller owns (RESERVED) to its class's free list {@code hint}. Takes no stripe lock. */
    void free(int ref, int hint) {
        free.push(classes[classOf(ref)], ref, hint);
    }

    /** Pops a chunk from the class's free lists, starting at {@code hint}'s; 0 if all are empty. */
    int pop(SlabClass c, int hint) {
        return free.pop(c, hint);
    }

    /** Forgets the free-rich hint if it still names this class (it no longer has free chunks to lend). */
    void clearFreeRich(int classId) {
        free.clearFreeRich(classId);
    }

    /** For the page mover: takes a FREE chunk out of its list and marks it MOVED; false if it was not free. */
    boolean takeFree(int ref) {
        return free.takeFree(ref);
    }

    /** Waits out every free list operation of the class that may have started before the caller's last write. */
    void quiesce(SlabClass c) {
        free.quiesce(c);
    }

    private int grow(SlabClass c, int hint) {
        synchronized (c.growLock) {
            for (;;) {
                int ref = free.pop(c, hint);
                if (ref != 0) {
                    return ref;
                }
                int page = pages.takePage();
                if (page < 0) {
                    return 0;
                }
                carve(page, c);
            }
        }
    }

    /** Makes every chunk of the page a FREE chunk of class c (spread over its lists) and gives c the page. */
    void carve(int page, SlabClass c) {
        pages.assign(page, c.id);
        free.carve(page, c);
        long stamp = c.layout.writeLock();
        try {
            c.addPage(page);
        } finally {
            c.layout.unlockWrite(stamp);
        }
    }

    /** Puts every MOVED chunk of a page (laid out as class c) back into c's free lists: an aborted move. */
    void restore(int page, SlabClass c) {
        ByteBuffer p = pages.pageBuffer(page);
        for (int k = 0; k < c.perPage; k++) {
            int off = k * c.chunkBytes;
            if (ItemLayout.state(ItemLayout.meta(p, off)) == ItemLayout.MOVED) {
                ItemLayout.initMeta(p, off, ItemLayout.RESERVED);
                free.push(c, ref(page, off), k);
            }
        }
    }
}
