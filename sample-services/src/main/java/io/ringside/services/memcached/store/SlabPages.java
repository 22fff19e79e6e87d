package io.ringside.services.memcached.store;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The slab pages themselves: direct buffers taken on first use up to the memory limit, the slab class each page is
 * carved for, and the 32-bit chunk references that name a place in them: {@code (page << (pageShift - 3) | offset
 * / 8) + 1} (0 = none). Knows nothing of free lists or items.
 *
 * <p>Thread-safe: a page buffer is published (under {@link #poolLock}, then through a free list monitor) before any
 * chunk of it is handed out; the per-page class and moving marks say what guards them.
 */
final class SlabPages {
    final int pageBytes;
    final int maxPages;
    private final int refShift;
    private final int refOffsetMask;
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

    SlabPages(StoreConfig config, StoreStats stats) {
        this.stats = stats;
        this.pageBytes = config.pageBytes();
        this.refShift = Integer.numberOfTrailingZeros(pageBytes) - 3;
        this.refOffsetMask = (1 << refShift) - 1;
        this.maxPages = (int) Math.min(config.memoryLimitBytes() / pageBytes, (1L << (32 - refShift)) - 1);
        this.pages = new ByteBuffer[maxPages];
        this.views = new ByteBuffer[maxPages];
        this.pageClass = new int[maxPages];
        this.moving = new AtomicIntegerArray(maxPages);
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

    /** Gives a page to a class: only while none of its chunks circulates (fresh, or all MOVED). */
    void assign(int page, int classId) {
        pageClass[page] = classId;
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

    /** A fresh zeroed page, or -1 when the memory limit (or the JVM's direct memory limit) is reached. */
    int takePage() {
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
}
