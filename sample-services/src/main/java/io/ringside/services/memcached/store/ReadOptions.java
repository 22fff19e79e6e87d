package io.ringside.services.memcached.store;

/**
 * How {@link CacheStore#metaGet} reads an item: a bit set of the constants here. Constants only; any thread.
 */
public final class ReadOptions {
    /** The visitor may change the TTL ({@code mg T}): the stripe lock is taken exclusively; counted as a touch. */
    public static final int TOUCH = 1;
    /** A miss creates an empty item and visits it ({@code mg N}; {@link ItemView#created()}). */
    public static final int VIVIFY = 2;
    /** No bump: the item is not marked fetched or referenced and keeps its access time ({@code mg u}, {@code me}). */
    public static final int NO_BUMP = 4;
    /** Not counted as a get, hit or miss ({@code me}, and a read-back after {@code ma}). */
    public static final int UNCOUNTED = 8;

    private ReadOptions() {
    }
}
