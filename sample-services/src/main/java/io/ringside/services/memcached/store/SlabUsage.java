package io.ringside.services.memcached.store;

/**
 * One slab class's memory at one moment ({@link CacheStore#slabUsage()}), for {@code stats slabs}: a racy snapshot.
 * Immutable; any thread.
 *
 * @param chunkBytes    the chunk size
 * @param chunksPerPage chunks carved from one page
 * @param pages         pages the class holds
 * @param freeChunks    chunks in its free lists (the rest hold items, or values being received)
 */
public record SlabUsage(int chunkBytes, int chunksPerPage, int pages, long freeChunks) {
    /** Chunks in the class's pages. */
    public long totalChunks() {
        return (long) pages * chunksPerPage;
    }

    /** Chunks not in a free list. */
    public long usedChunks() {
        return totalChunks() - freeChunks;
    }
}
