package io.ringside.services.memcached.store;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.StampedLock;

/**
 * One slab class: chunks of one size carved from whole pages, its striped free lists, the pages it owns and its
 * CLOCK hand. Thread-safe; each field names what guards it.
 */
final class SlabClass {
    final int id;
    final int chunkBytes;
    final int perPage;
    /** Free lists, one per worker (a power of two), so that concurrent stores rarely meet on one lock. */
    final FreeList[] lists;
    /**
     * Guards the page list against the page mover: the sweep holds it shared while it inspects chunks of these
     * pages, the mover holds it exclusively while a page leaves or joins the class (its chunk layout changes).
     */
    final StampedLock layout = new StampedLock();
    /** CLOCK hand: a position in [0, pages * perPage), advanced in batches. */
    final AtomicLong hand = new AtomicLong();
    /** Serialises taking fresh pages for this class. */
    final Object growLock = new Object();
    /** Pages of this class. Guarded by {@link #layout} (written exclusively, read shared). */
    private int[] pages = new int[8];
    /** Number of pages; written under the exclusive layout lock, read racily for donor choice and statistics. */
    private volatile int pageCount;
    /** Bytes evicted since the last age comparison (racy counter; see {@link PageMover#BALANCE_PER_PAGE}). */
    int evictedBytes;

    SlabClass(int id, int chunkBytes, int pageBytes, int lists) {
        this.id = id;
        this.chunkBytes = chunkBytes;
        this.perPage = pageBytes / chunkBytes;
        this.lists = new FreeList[lists];
        for (int i = 0; i < lists; i++) {
            this.lists[i] = new FreeList(i);
        }
    }

    /**
     * The classes of a store: chunk sizes from {@link StoreConfig#minChunkBytes()} up by
     * {@link StoreConfig#growthFactor()} (8-byte aligned, as memcached's {@code -n} and {@code -f}), at most 255 of
     * them, the last one a whole page.
     */
    static SlabClass[] buildAll(StoreConfig config, int lists) {
        int pageBytes = config.pageBytes();
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

    /** Free lists per class for {@code workers} worker threads: a power of two, about two per worker, at most 256. */
    static int listsFor(int workers) {
        return Math.min(256, Integer.highestOneBit(Math.max(1, workers) * 2 - 1));
    }

    int pageCount() {
        return pageCount;
    }

    /** The i-th page; {@link #layout} held (shared or exclusive). */
    int page(int i) {
        return pages[i];
    }

    /** Layout lock held exclusively. */
    void addPage(int page) {
        if (pageCount == pages.length) {
            pages = Arrays.copyOf(pages, pages.length * 2);
        }
        pages[pageCount] = page;
        pageCount = pageCount + 1;
    }

    /** Layout lock held exclusively. */
    void removePage(int page) {
        int n = pageCount;
        for (int i = 0; i < n; i++) {
            if (pages[i] == page) {
                pages[i] = pages[n - 1];
                pageCount = n - 1;
                return;
            }
        }
        throw new IllegalStateException("page " + page + " is not in class " + id);
    }

    /** Free chunks in all lists (racy sum). */
    long freeChunks() {
        long n = 0;
        for (FreeList l : lists) {
            n += l.count;
        }
        return n;
    }

    /**
     * A doubly-linked list of free chunks threaded through the chunks themselves (a chunk's next / previous
     * references and its list id live in its own header). Guarded by its own monitor. Padded so that neighbouring
     * lists do not share a cache line.
     */
    static final class FreeList {
        final int index;
        /** Head chunk reference, 0 if empty. Guarded by this. */
        int head;
        /** Chunks in the list; written under this, read without it as a hint (volatile: pairs with that peek). */
        volatile int count;
        @SuppressWarnings("unused")
        private long p1, p2, p3, p4, p5, p6, p7;

        FreeList(int index) {
            this.index = index;
        }
    }
}
