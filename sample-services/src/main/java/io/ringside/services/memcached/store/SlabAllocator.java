package io.ringside.services.memcached.store;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The item memory: slab pages (direct buffers, allocated on first use up to the memory limit), carved whole into
 * the chunks of one slab class each, as memcached's slabs.c does; free chunks wait in the class's striped free
 * lists. A chunk is named by a 32-bit reference: {@code (page << (pageShift - 3) | offset / 8) + 1} (0 = none).
 *
 * <p>Thread-safe. Locks, in the only order they nest: a class's grow lock, then the pool lock, then the class's
 * layout lock, then free list monitors. Allocation ({@link #allocate}) may evict, which takes stripe locks, so
 * <b>it must never be called while holding a stripe lock</b>; {@link #free} takes no stripe lock and may be.
 */
final class SlabAllocator {
    final int pageBytes;
    final int pageShift;
    final int maxPages;
    final SlabClass[] classes;
    private final int refShift;
    private final int refOffsetMask;
    private final int listMask;
    /** Page buffers, published before any chunk of theirs is handed out (via a free list monitor). */
    private final ByteBuffer[] pages;
    /** Read-only views of the pages, given to value sinks. */
    private final ByteBuffer[] views;
    /** The class of each page; changes only while the page's chunks are all MOVED (see {@link PageMover}). */
    private final int[] pageClass;
    /** Non-zero while the page mover empties a page: its chunks then leave circulation instead of being reused. */
    private final AtomicIntegerArray moving;
    private final Object poolLock = new Object();
    /** Pages allocated so far. Guarded by poolLock; volatile for statistics. */
    private volatile int pagesAllocated;
    /** Set when the JVM refused more direct memory (-XX:MaxDirectMemorySize below -m). Guarded by poolLock. */
    private boolean directMemoryExhausted;
    private final StoreStats stats;
    /**
     * A class that seems to hold at least two pages' worth of free chunks, or -1: set by {@link #free} (cheaply,
     * from one list's count), read before every eviction so that free memory is lent before live items go.
     */
    private volatile int freeRich = -1;
    private ClockSweep sweep;
    private PageMover mover;
    private Victims victims;

    SlabAllocator(StoreConfig config, StoreStats stats) {
        this.stats = stats;
        this.pageBytes = config.pageBytes();
        this.pageShift = Integer.numberOfTrailingZeros(pageBytes);
        this.refShift = pageShift - 3;
        this.refOffsetMask = (1 << refShift) - 1;
        this.maxPages = (int) Math.min(config.memoryLimitBytes() / pageBytes, (1L << (32 - refShift)) - 1);
        this.pages = new ByteBuffer[maxPages];
        this.views = new ByteBuffer[maxPages];
        this.pageClass = new int[maxPages];
        this.moving = new AtomicIntegerArray(maxPages);
        int lists = Math.min(256, Integer.highestOneBit(Math.max(1, config.workers()) * 2 - 1));
        this.listMask = lists - 1;
        this.classes = buildClasses(config, pageBytes, lists);
    }

    /**
     * The JVM's cap on direct buffer memory: {@code -XX:MaxDirectMemorySize}, which defaults to the heap limit
     * ({@code -Xmx}); {@link Long#MAX_VALUE} if the VM does not say.
     */
    static long directMemoryLimit() {
        try {
            com.sun.management.HotSpotDiagnosticMXBean vm = java.lang.management.ManagementFactory
                    .getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            long set = Long.parseLong(vm.getVMOption("MaxDirectMemorySize").getValue());
            return set > 0 ? set : Runtime.getRuntime().maxMemory();
        } catch (RuntimeException | LinkageError e) {
            return Long.MAX_VALUE;
        }
    }

    /** Connects the eviction machinery (built after the allocator, since it needs the index). */
    void attach(ClockSweep sweep, PageMover mover, Victims victims) {
        this.sweep = sweep;
        this.mover = mover;
        this.victims = victims;
    }

    private static SlabClass[] buildClasses(StoreConfig config, int pageBytes, int lists) {
        java.util.List<SlabClass> out = new java.util.ArrayList<>();
        int size = (config.minChunkBytes() + 7) & ~7;
        while (size <= pageBytes / 2 && out.size() < 254) {
            out.add(new SlabClass(out.size(), size, pageBytes, lists));
            int next = (int) Math.ceil(size * config.growthFactor());
            size = Math.max(size + 8, (next + 7) & ~7);
        }
        out.add(new SlabClass(out.size(), pageBytes, pageBytes, lists));
        return out.toArray(new SlabClass[0]);
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

    int ref(int page, int offset) {
        return ((page << refShift) | (offset >>> 3)) + 1;
    }

    int pageOf(int ref) {
        return (ref - 1) >>> refShift;
    }

    int offset(int ref) {
        return ((ref - 1) & refOffsetMask) << 3;
    }

    /** The little-endian page buffer holding a chunk. */
    ByteBuffer page(int ref) {
        return pages[pageOf(ref)];
    }

    ByteBuffer pageBuffer(int page) {
        return pages[page];
    }

    /** The read-only view of the page holding a chunk, for sinks. */
    ByteBuffer view(int ref) {
        return views[pageOf(ref)];
    }

    int classOf(int ref) {
        return pageClass[pageOf(ref)];
    }

    int pageClass(int page) {
        return pageClass[page];
    }

    boolean isMoving(int page) {
        return moving.get(page) != 0;
    }

    void setMoving(int page, boolean on) {
        moving.set(page, on ? 1 : 0);
    }

    int pagesAllocated() {
        return pagesAllocated;
    }

    /**
     * A RESERVED chunk of the class, owned by the caller, or 0 when none can be found or freed (out of memory).
     * Tries in turn: a free list (starting at {@code hint}'s), a fresh page, the CLOCK sweep of the class, and a
     * page taken from another class. Never call it holding a stripe lock.
     */
    int allocate(int classId, int hint) {
        SlabClass c = classes[classId];
        int ref = pop(c, hint);
        if (ref != 0) {
            return ref;
        }
        ref = grow(c, hint);
        if (ref != 0) {
            return ref;
        }
        int rich = freeRich;
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

    /** Forgets the free-rich hint if it still names this class (it no longer has free chunks to lend). */
    void clearFreeRich(int classId) {
        if (freeRich == classId) {
            freeRich = -1;
        }
    }

    /** Returns a chunk the caller owns (RESERVED) to its class's free list {@code hint}. Takes no stripe lock. */
    void free(int ref, int hint) {
        push(classes[classOf(ref)], ref, hint);
    }

    /** Pops a chunk from the class's free lists, starting at {@code hint}'s; 0 if all are empty. */
    int pop(SlabClass c, int hint) {
        SlabClass.FreeList[] lists = c.lists;
        for (int i = 0; i < lists.length; i++) {
            SlabClass.FreeList l = lists[(hint + i) & listMask];
            if (l.count == 0) {
                continue;
            }
            synchronized (l) {
                while (l.head != 0) {
                    int ref = l.head;
                    ByteBuffer p = page(ref);
                    int off = offset(ref);
                    unlink(l, p, off);
                    if (isMoving(pageOf(ref))) {
                        ItemLayout.initMeta(p, off, ItemLayout.MOVED);
                        continue;
                    }
                    ItemLayout.initMeta(p, off, ItemLayout.RESERVED);
                    return ref;
                }
            }
        }
        return 0;
    }

    private void push(SlabClass c, int ref, int hint) {
        SlabClass.FreeList l = c.lists[hint & listMask];
        ByteBuffer p = page(ref);
        int off = offset(ref);
        synchronized (l) {
            if (isMoving(pageOf(ref))) {
                ItemLayout.initMeta(p, off, ItemLayout.MOVED);
            } else {
                linkHead(l, p, off, ref);
                if ((long) l.count * c.lists.length >= 2L * c.perPage && freeRich != c.id && c.pageCount() >= 2) {
                    freeRich = c.id;
                }
            }
        }
    }

    /** For the page mover: takes a FREE chunk out of its list and marks it MOVED; false if it was not free. */
    boolean takeFree(int ref) {
        ByteBuffer p = page(ref);
        int off = offset(ref);
        int meta = ItemLayout.meta(p, off);
        if (ItemLayout.state(meta) != ItemLayout.FREE) {
            return false;
        }
        SlabClass.FreeList l = classes[classOf(ref)].lists[ItemLayout.freeList(meta) & listMask];
        synchronized (l) {
            // Under l's monitor, "FREE in list l" can only change by this monitor's holder: the read is exact.
            if (ItemLayout.meta(p, off) != ItemLayout.freeMeta(l.index)) {
                return false;
            }
            unlink(l, p, off);
            ItemLayout.initMeta(p, off, ItemLayout.MOVED);
            return true;
        }
    }

    /** Waits out every free list operation of the class that may have started before the caller's last write. */
    void quiesce(SlabClass c) {
        for (SlabClass.FreeList l : c.lists) {
            synchronized (l) {
                assert l.count >= 0;
            }
        }
    }

    private int grow(SlabClass c, int hint) {
        synchronized (c.growLock) {
            for (;;) {
                int ref = pop(c, hint);
                if (ref != 0) {
                    return ref;
                }
                int page = takePage();
                if (page < 0) {
                    return 0;
                }
                carve(page, c);
            }
        }
    }

    private int takePage() {
        synchronized (poolLock) {
            int n = pagesAllocated;
            if (n == maxPages || directMemoryExhausted) {
                return -1;
            }
            ByteBuffer b;
            try {
                b = ByteBuffer.allocateDirect(pageBytes).order(ByteOrder.LITTLE_ENDIAN);
            } catch (OutOfMemoryError e) {
                // Direct memory is capped by -XX:MaxDirectMemorySize (default: the heap limit); run the store at -m.
                directMemoryExhausted = true;
                stats.add(StoreCounter.DIRECT_MEMORY_FAILURES, 1);
                return -1;
            }
            assert b.alignmentOffset(0, 8) == 0 : "page not 8-aligned";
            pages[n] = b;
            views[n] = b.asReadOnlyBuffer();
            pagesAllocated = n + 1;
            return n;
        }
    }

    /** Makes every chunk of the page a FREE chunk of class c (spread over its lists) and gives c the page. */
    void carve(int page, SlabClass c) {
        pageClass[page] = c.id;
        ByteBuffer p = pages[page];
        int lists = c.lists.length;
        int per = c.perPage;
        for (int i = 0; i < lists; i++) {
            int from = (int) ((long) per * i / lists);
            int to = (int) ((long) per * (i + 1) / lists);
            SlabClass.FreeList l = c.lists[i];
            synchronized (l) {
                for (int k = to - 1; k >= from; k--) {
                    int off = k * c.chunkBytes;
                    linkHead(l, p, off, ref(page, off));
                }
            }
        }
        long stamp = c.layout.writeLock();
        try {
            c.addPage(page);
        } finally {
            c.layout.unlockWrite(stamp);
        }
    }

    /** Puts every MOVED chunk of a page (laid out as class c) back into c's free lists: an aborted move. */
    void restore(int page, SlabClass c) {
        ByteBuffer p = pages[page];
        for (int k = 0; k < c.perPage; k++) {
            int off = k * c.chunkBytes;
            if (ItemLayout.state(ItemLayout.meta(p, off)) == ItemLayout.MOVED) {
                ItemLayout.initMeta(p, off, ItemLayout.RESERVED);
                push(c, ref(page, off), k);
            }
        }
    }

    private void linkHead(SlabClass.FreeList l, ByteBuffer p, int off, int ref) {
        int next = l.head;
        p.putInt(off + ItemLayout.NEXT_FREE, next);
        p.putInt(off + ItemLayout.PREV_FREE, 0);
        if (next != 0) {
            page(next).putInt(offset(next) + ItemLayout.PREV_FREE, ref);
        }
        l.head = ref;
        ItemLayout.initMeta(p, off, ItemLayout.freeMeta(l.index));
        l.count = l.count + 1;
    }

    private void unlink(SlabClass.FreeList l, ByteBuffer p, int off) {
        int next = p.getInt(off + ItemLayout.NEXT_FREE);
        int prev = p.getInt(off + ItemLayout.PREV_FREE);
        if (prev == 0) {
            l.head = next;
        } else {
            page(prev).putInt(offset(prev) + ItemLayout.NEXT_FREE, next);
        }
        if (next != 0) {
            page(next).putInt(offset(next) + ItemLayout.PREV_FREE, prev);
        }
        l.count = l.count - 1;
    }
}
