package io.ringside.services.memcached.store;

import java.nio.ByteBuffer;

/**
 * What the eviction machinery ({@link ClockSweep}, {@link PageMover}) needs from the index: to unlink or move an
 * item it found by walking memory. Implemented by {@link CacheStore}. Called holding no stripe lock; each call
 * takes the item's stripe lock itself and re-checks, under it, that the chunk is still that item.
 */
interface Victims {
    /**
     * Unlinks the item in chunk {@code ref} if it is still linked and its page still belongs to class
     * {@code classId}; the chunk is then RESERVED and owned by the caller. With {@code secondChance}, a live item
     * with its CLOCK bit set only loses the bit and stays.
     */
    boolean unlink(int ref, int classId, boolean secondChance);

    /**
     * Copies the linked item in {@code ref} to the RESERVED chunk {@code dst} (same class) and points the index at
     * the copy; {@code ref} is then RESERVED and owned by the caller. False if {@code ref} is no longer linked.
     */
    boolean relocate(int ref, int dst);

    /** Seconds since the item in the chunk was last stored or read (a lock-free read; for balancing). */
    int idleSeconds(ByteBuffer page, int off);

    /** A lock-free guess whether the item in the chunk is expired or flushed (a sweep hint, re-checked later). */
    boolean looksDead(ByteBuffer page, int off);
}
