package io.ringside.services.memcached.store;

import java.nio.ByteBuffer;

/**
 * A consistency check of a quiescent store (tests and debugging): every chunk of every page is in exactly one of
 * the places its state says, the index and the counters agree, and no memory leaked. Not thread-safe against
 * concurrent operations: call it when no other thread uses the store.
 */
final class StoreAudit {
    private StoreAudit() {
    }

    /** Checks everything; throws {@link IllegalStateException} naming the first inconsistency. */
    static String run(SlabAllocator mem, IndexStripe[] stripes, StoreStats stats, long seed, int stripeShift) {
        long linked = 0;
        long free = 0;
        long reserved = 0;
        int pages = 0;
        for (SlabClass c : mem.classes) {
            long classFree = 0;
            for (int i = 0; i < c.pageCount(); i++) {
                int page = c.page(i);
                pages++;
                check(mem.pageClass(page) == c.id, "page " + page + " listed in class " + c.id);
                check(!mem.isMoving(page), "page " + page + " still moving");
                ByteBuffer p = mem.pageBuffer(page);
                for (int k = 0; k < c.perPage; k++) {
                    int state = ItemLayout.state(ItemLayout.meta(p, k * c.chunkBytes));
                    switch (state) {
                        case ItemLayout.LINKED -> linked++;
                        case ItemLayout.FREE -> classFree++;
                        case ItemLayout.RESERVED -> reserved++;
                        default -> throw new IllegalStateException("chunk " + k + " of page " + page + " in state "
                                + state);
                    }
                }
            }
            check(classFree == c.freeChunks(), "class " + c.id + ": " + classFree + " FREE chunks but lists hold "
                    + c.freeChunks());
            for (SlabClass.FreeList l : c.lists) {
                int n = 0;
                int prev = 0;
                for (int ref = l.head; ref != 0; ref = mem.page(ref).getInt(mem.offset(ref) + ItemLayout.NEXT_FREE)) {
                    ByteBuffer p = mem.page(ref);
                    int at = mem.offset(ref);
                    check(ItemLayout.meta(p, at) == ItemLayout.freeMeta(l.index), "list member not FREE in its list");
                    check(p.getInt(at + ItemLayout.PREV_FREE) == prev, "broken prev link");
                    check(mem.classOf(ref) == c.id, "free chunk of another class");
                    prev = ref;
                    n++;
                }
                check(n == l.count, "list count " + l.count + " but " + n + " chunks");
            }
            free += classFree;
        }
        check(pages == mem.pagesAllocated(), pages + " pages in classes but " + mem.pagesAllocated() + " allocated");
        long indexed = 0;
        long bytes = 0;
        for (IndexStripe st : stripes) {
            long[] counted = {0, 0};
            st.forEachRef(ref -> {
                ByteBuffer p = mem.page(ref);
                int at = mem.offset(ref);
                int meta = ItemLayout.meta(p, at);
                check(ItemLayout.state(meta) == ItemLayout.LINKED, "indexed chunk not LINKED");
                int klen = ItemLayout.keyLength(meta);
                long h = KeyHash.hash(p, at + ItemLayout.HEADER, klen, seed);
                check(stripes[(int) (h >>> stripeShift) & (stripes.length - 1)] == st, "item in the wrong stripe");
                check(st.contains(h, ref), "indexed item not findable by its hash");
                int item = ItemLayout.itemBytes(klen, ItemLayout.valueLength(p, at));
                check(item <= mem.classes[mem.classOf(ref)].chunkBytes, "item larger than its chunk");
                counted[0]++;
                counted[1] += item;
            });
            check(counted[0] == st.size(), "stripe size " + st.size() + " but " + counted[0] + " entries");
            indexed += counted[0];
            bytes += counted[1];
        }
        check(indexed == linked, indexed + " indexed but " + linked + " LINKED chunks");
        check(indexed == stats.value(StoreCounter.CURR_ITEMS), "curr_items " + stats.value(StoreCounter.CURR_ITEMS)
                + " but " + indexed + " indexed");
        check(bytes == stats.value(StoreCounter.BYTES), "bytes " + stats.value(StoreCounter.BYTES) + " but " + bytes);
        check(reserved == stats.value(StoreCounter.RESERVATIONS_OPEN), reserved + " RESERVED chunks but "
                + stats.value(StoreCounter.RESERVATIONS_OPEN) + " reservations open");
        return "pages=" + pages + " linked=" + linked + " free=" + free + " reserved=" + reserved;
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalStateException("audit: " + message);
        }
    }
}
