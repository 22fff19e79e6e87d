package io.ringside.services.memcached.store;

import java.nio.ByteBuffer;

/**
 * The free chunks of every slab class: each class's striped, doubly-linked free lists threaded through the chunks
 * themselves ({@link SlabClass.FreeList}), and the hint of a class rich in free chunks that may lend a page.
 *
 * <p>Thread-safe: each list is guarded by its own monitor; a chunk's FREE meta word (with its list id) changes only
 * under the monitor of its list. Takes no stripe lock.
 */
final class FreeChunks {
    private final SlabPages pages;
    private final SlabClass[] classes;
    private final int listMask;
    /**
     * A class that seems to hold at least two pages' worth of free chunks, or -1: set by {@link #push} (cheaply,
     * from one list's count), read before every eviction so that free memory is lent before live items go.
     */
    private volatile int freeRich = -1;

    FreeChunks(SlabPages pages, SlabClass[] classes, int lists) {
        this.pages = pages;
        this.classes = classes;
        this.listMask = lists - 1;
    }

    /** The free-rich class, or -1. */
    int freeRich() {
        return freeRich;
    }

    /** Forgets the free-rich hint if it still names this class (it no longer has free chunks to lend). */
    void clearFreeRich(int classId) {
        if (freeRich == classId) {
            freeRich = -1;
        }
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
                    ByteBuffer p = pages.page(ref);
                    int off = pages.offset(ref);
                    unlink(l, p, off);
                    if (pages.isMoving(pages.pageOf(ref))) {
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

    /** Returns a chunk the caller owns (RESERVED) to list {@code hint} of class c (MOVED if its page is moving). */
    void push(SlabClass c, int ref, int hint) {
        SlabClass.FreeList l = c.lists[hint & listMask];
        ByteBuffer p = pages.page(ref);
        int off = pages.offset(ref);
        synchronized (l) {
            if (pages.isMoving(pages.pageOf(ref))) {
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
        ByteBuffer p = pages.page(ref);
        int off = pages.offset(ref);
        int meta = ItemLayout.meta(p, off);
        if (ItemLayout.state(meta) != ItemLayout.FREE) {
            return false;
        }
        SlabClass.FreeList l = classes[pages.classOf(ref)].lists[ItemLayout.freeList(meta) & listMask];
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

    /** Makes every chunk of a page this thread owns a FREE chunk of class c, spread over its lists. */
    void carve(int page, SlabClass c) {
        ByteBuffer p = pages.pageBuffer(page);
        int lists = c.lists.length;
        int per = c.perPage;
        for (int i = 0; i < lists; i++) {
            int from = (int) ((long) per * i / lists);
            int to = (int) ((long) per * (i + 1) / lists);
            SlabClass.FreeList l = c.lists[i];
            synchronized (l) {
                for (int k = to - 1; k >= from; k--) {
                    int off = k * c.chunkBytes;
                    linkHead(l, p, off, pages.ref(page, off));
                }
            }
        }
    }

    private void linkHead(SlabClass.FreeList l, ByteBuffer p, int off, int ref) {
        int next = l.head;
        p.putInt(off + ItemLayout.NEXT_FREE, next);
        p.putInt(off + ItemLayout.PREV_FREE, 0);
        if (next != 0) {
            pages.page(next).putInt(pages.offset(next) + ItemLayout.PREV_FREE, ref);
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
            pages.page(prev).putInt(pages.offset(prev) + ItemLayout.NEXT_FREE, next);
        }
        if (next != 0) {
            pages.page(next).putInt(pages.offset(next) + ItemLayout.PREV_FREE, prev);
        }
        l.count = l.count - 1;
    }
}
