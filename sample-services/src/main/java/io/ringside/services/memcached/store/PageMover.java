package io.ringside.services.memcached.store;

import java.nio.ByteBuffer;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Moves a slab page from one class to another (memcached's slab rebalancer, run on demand by the allocating thread
 * instead of by a background thread). Without it, memory handed to one item size would stay there forever ("slab
 * calcification"). A page moves to class c:
 * <ul>
 *   <li>when c has nothing left to evict (no pages yet, or every chunk reserved or re-read faster than the
 *       CLOCK hand turns): from a class with a page's worth of free chunks, else from the class with most pages;</li>
 *   <li>when another class holds two pages' worth of free chunks: before c evicts anything live;</li>
 *   <li>by age, each time c has evicted 1/{@value #BALANCE_PER_PAGE} of a page: from the class whose items (a random sample) have
 *       been idle longest, if that is more than twice as long as c's victim (plus {@link #AGE_SLACK_SECONDS}).
 *       So memory follows the item sizes in use, as with memcached's {@code slab_automove=1}.</li>
 * </ul>
 *
 * <p>Emptying a page, chunk by chunk: a free chunk leaves its free list; a live item is copied to a free chunk of
 * the same class elsewhere if there is one (a rescue), otherwise evicted; a reserved chunk (a value being filled)
 * is waited for, up to {@link #BUSY_WAIT_NANOS}, after which the move is abandoned and the page restored. While
 * the page is marked moving, chunks freed or popped from it leave circulation instead of being reused.
 *
 * <p>Thread-safe: one move at a time ({@link #lock}; age balancing skips its turn rather than wait). Called holding
 * no stripe lock.
 */
final class PageMover {
    /** How long one reserved chunk may hold up a move (a slow client sending a large value). */
    static final long BUSY_WAIT_NANOS = 2_000_000L;
    /** A class compares ages each time it has evicted 1/8 of a page's bytes. */
    static final int BALANCE_PER_PAGE = 8;
    /** Ages within this many seconds of each other are equal: no page moves for them. */
    static final int AGE_SLACK_SECONDS = 2;
    /** Chunks sampled per class to estimate how long its items have been idle. */
    static final int AGE_SAMPLES = 8;

    private final SlabAllocator mem;
    private final Victims victims;
    private final StoreStats stats;
    private final ReentrantLock lock = new ReentrantLock();
    /** Rotates the page chosen from each donor. Guarded by lock. */
    private int cursor;

    PageMover(SlabAllocator mem, Victims victims, StoreStats stats) {
        this.mem = mem;
        this.victims = victims;
        this.stats = stats;
    }

    /** A page for class c from another class, when c has nothing left to evict: a chunk of it, or 0. */
    int moveTo(SlabClass c, int hint) {
        lock.lock();
        try {
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
        } finally {
            lock.unlock();
        }
    }

    /**
     * Balances by free memory: if some class holds at least two pages' worth of free chunks, moves one of its pages
     * to c (its live items are rescued into those free chunks) instead of evicting from c. A chunk, or 0.
     */
    int takeFromFreeRich(SlabClass c, int hint) {
        lock.lock();
        try {
            int ref = mem.pop(c, hint);
            if (ref != 0) {
                return ref;
            }
            SlabClass best = null;
            long bestFree = 0;
            for (SlabClass d : mem.classes) {
                long free = d.freeChunks();
                if (d.pageCount() >= 2 && free >= 2L * d.perPage) {
                    if (d != c && free > bestFree) {
                        best = d;
                        bestFree = free;
                    }
                } else {
                    mem.clearFreeRich(d.id);
                }
            }
            if (best == null || !move(best, c, hint)) {
                return 0;
            }
            return mem.pop(c, hint);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Balances by age: moves a page to c from the class whose items have been idle longest, if clearly longer
     * than {@code victimIdleSeconds} (how long c's latest victim had been idle). Skipped if a move is under way.
     */
    void balance(SlabClass c, int victimIdleSeconds, int hint) {
        if (!lock.tryLock()) {
            return;
        }
        try {
            SlabClass oldest = null;
            int oldestAge = -1;
            for (SlabClass d : mem.classes) {
                if (d != c && d.pageCount() >= 2) {
                    int age = sampleIdleSeconds(d);
                    if (age > oldestAge) {
                        oldest = d;
                        oldestAge = age;
                    }
                }
            }
            if (oldest != null && oldestAge > 2L * victimIdleSeconds + AGE_SLACK_SECONDS) {
                move(oldest, c, hint);
            }
        } finally {
            lock.unlock();
        }
    }

    /** The longest idle time among a few random linked chunks of d, -1 if none was linked. */
    private int sampleIdleSeconds(SlabClass d) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int oldest = -1;
        long stamp = d.layout.readLock();
        try {
            int pages = d.pageCount();
            for (int i = 0; i < AGE_SAMPLES && pages > 0; i++) {
                int page = d.page(random.nextInt(pages));
                int off = random.nextInt(d.perPage) * d.chunkBytes;
                ByteBuffer p = mem.pageBuffer(page);
                if (ItemLayout.state(ItemLayout.meta(p, off)) == ItemLayout.LINKED) {
                    oldest = Math.max(oldest, victims.idleSeconds(p, off));
                }
            }
        } finally {
            d.layout.unlockRead(stamp);
        }
        return oldest;
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

    /** Empties one page of d and gives it to c. Holding {@link #lock}. */
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
