package io.ringside.services.memcached.store;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.StampedLock;

/**
 * One slab class: chunks of one size carved from whole pages, its striped free lists, the pages it owns and its
 * CLOCK hand. Thread-safe; each field names what guards it.
 */
final class SlabClass {
    /** memcached's smallest chunk with its defaults: its 48-byte item header plus {@code -n 48}. */
    static final int MEMCACHED_FIRST_CHUNK = 96;
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
     * The classes of a store, at most 255, the last one a whole page. From {@link #MEMCACHED_FIRST_CHUNK} up they are
     * memcached's own chunk sizes: each the previous times {@link StoreConfig#growthFactor()}, truncated, then
     * 8-aligned, as memcached's {@code slabs_init} computes them (96, 120, 152, 192, 240, 304, ... for
     * {@code -n 48 -f 1.25}). An item here is 27 bytes smaller than the same item in memcached (header 32 bytes
     * against 48 + 8 of CAS, no "\r\n", no key terminator), so with the same chunk sizes no item ever takes a larger
     * chunk than memcached gives it, and many take one class smaller; classes that are not memcached's would waste
     * as much on average but, at some sizes, more than memcached (up to 15% for 440-byte chunks against its 384).
     * Below 96 bytes, down to {@link StoreConfig#minChunkBytes()}, come classes memcached cannot have (its header
     * alone is 56 bytes), each the previous times the factor, rounded up (48, 64, 80). At the top, as in memcached,
     * the last multiple at most half a page over the factor, then half a page (memcached's largest chunk; it chains
     * larger items), then a whole page for the items above half a page.
     */
    static SlabClass[] buildAll(StoreConfig config, int lists) {
        int pageBytes = config.pageBytes();
        double f = config.growthFactor();
        java.util.List<SlabClass> out = new java.util.ArrayList<>();
        int size = (config.minChunkBytes() + 7) & ~7;
        while (size <= pageBytes / 2 / f && out.size() < 253) {
            out.add(new SlabClass(out.size(), size, pageBytes, lists));
            int next = size < MEMCACHED_FIRST_CHUNK
                    ? Math.min(MEMCACHED_FIRST_CHUNK, (int) Math.ceil(size * f))
                    : (int) (size * f);
            size = Math.max(size + 8, (next + 7) & ~7);
        }
        out.add(new SlabClass(out.size(), pageBytes / 2, pageBytes, lists));
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
