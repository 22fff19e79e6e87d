package io.ringside.services.memcached.store;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The settings of a {@link CacheStore}; immutable, thread-safe. Every limit has memcached's default.
 *
 * <pre>{@code
 * CacheStore store = new CacheStore(StoreConfig.builder().memoryLimitBytes(1024L << 20).workers(8).build());
 * }</pre>
 */
public final class StoreConfig {
    /** memcached {@code -m 64}: 64 MiB of item memory. */
    public static final long DEFAULT_MEMORY_LIMIT_BYTES = 64L << 20;
    /** memcached {@code -I 1m}: the largest item, counted as memcached counts it (see {@link #itemSizeMax()}). */
    public static final int DEFAULT_ITEM_SIZE_MAX = 1 << 20;
    /** memcached {@code -f 1.25}: each slab class's chunk is this much larger than the previous one. */
    public static final double DEFAULT_GROWTH_FACTOR = 1.25;
    /** The smallest chunk: a 32-byte header and 16 bytes of key and value. */
    public static final int DEFAULT_MIN_CHUNK_BYTES = 48;
    /** Smallest allowed {@code -I} (memcached's too). */
    public static final int MIN_ITEM_SIZE_MAX = 1024;
    /** Largest allowed {@code -I}: one slab page is one direct buffer. */
    public static final int MAX_ITEM_SIZE_MAX = 512 << 20;
    /** The per-item memory can address at most 32 GiB (a chunk reference is 32 bits of 8-byte units). */
    public static final long MAX_MEMORY_LIMIT_BYTES = (32L << 30) - (1L << 30);

    private final long memoryLimitBytes;
    private final int itemSizeMax;
    private final int workers;
    private final int stripes;
    private final double growthFactor;
    private final int minChunkBytes;
    private final StoreClock clock;
    private final long hashSeed;
    private final long indexLimitBytes;

    private StoreConfig(Builder b) {
        this.memoryLimitBytes = b.memoryLimitBytes;
        this.itemSizeMax = b.itemSizeMax;
        this.workers = b.workers;
        this.stripes = b.stripes != 0 ? b.stripes : defaultStripes(b.workers);
        this.growthFactor = b.growthFactor;
        this.minChunkBytes = b.minChunkBytes;
        this.clock = b.clock;
        this.hashSeed = b.hashSeed;
        this.indexLimitBytes = b.indexLimitBytes;
        check(itemSizeMax >= MIN_ITEM_SIZE_MAX && itemSizeMax <= MAX_ITEM_SIZE_MAX,
                "itemSizeMax must be in [" + MIN_ITEM_SIZE_MAX + ", " + MAX_ITEM_SIZE_MAX + "]: " + itemSizeMax);
        check(memoryLimitBytes >= pageBytes() && memoryLimitBytes <= MAX_MEMORY_LIMIT_BYTES,
                "memoryLimitBytes must be in [one page = " + pageBytes() + ", " + MAX_MEMORY_LIMIT_BYTES + "]: "
                        + memoryLimitBytes);
        check(workers >= 1, "workers must be >= 1: " + workers);
        check(stripes >= 1 && stripes <= (1 << 16) && Integer.bitCount(stripes) == 1,
                "stripes must be a power of two in [1, 65536]: " + stripes);
        check(growthFactor > 1.0 && growthFactor <= 4.0, "growthFactor must be in (1, 4]: " + growthFactor);
        check(minChunkBytes >= ItemLayout.HEADER + 8 && minChunkBytes <= 1024,
                "minChunkBytes must be in [" + (ItemLayout.HEADER + 8) + ", 1024]: " + minChunkBytes);
    }

    /** A builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** All defaults: 64 MiB, 1 MiB items, one worker per core. */
    public static StoreConfig defaults() {
        return builder().build();
    }

    /** Stripes (locks and index tables): a power of two, at least 64 and at least 8 per worker. */
    static int defaultStripes(int workers) {
        int want = Math.max(64, 8 * workers);
        return Math.min(1 << 16, Integer.highestOneBit(want - 1) << 1);
    }

    /**
     * Bytes of item memory ({@code -m} MiB); the index's buckets (2.7 to 5.3 bytes per item, direct memory too, at
     * most an eighth of the limit) come on top, as memcached's hash table does.
     */
    public long memoryLimitBytes() {
        return memoryLimitBytes;
    }

    /**
     * The item size limit ({@code -I}). As in memcached 1.6 a value is refused when
     * {@code key length + value length + 59 > itemSizeMax} (memcached's item header, CAS and line ends), so that
     * clients see the same limit: with the default 1 MiB, key and value may hold 1,048,517 bytes together.
     */
    public int itemSizeMax() {
        return itemSizeMax;
    }

    /** The number of threads expected to call the store at once (worker loops). */
    public int workers() {
        return workers;
    }

    /** The number of lock stripes of the index: a power of two. */
    public int stripes() {
        return stripes;
    }

    /** The slab class growth factor ({@code -f}). */
    public double growthFactor() {
        return growthFactor;
    }

    /** The smallest slab chunk in bytes, header included. */
    public int minChunkBytes() {
        return minChunkBytes;
    }

    /** The clock for expiry and access times. */
    public StoreClock clock() {
        return clock;
    }

    /** The seed of the key hash (random by default, so that clients cannot aim keys at one stripe). */
    public long hashSeed() {
        return hashSeed;
    }

    /** Most direct memory for the index tables (tests); by default only the JVM's direct memory limit applies. */
    long indexLimitBytes() {
        return indexLimitBytes;
    }

    /** The slab page size: the item size limit rounded up to a power of two, at least 64 KiB (1 MiB by default). */
    public int pageBytes() {
        int floor = Math.max(64 << 10, itemSizeMax);
        return Integer.bitCount(floor) == 1 ? floor : Integer.highestOneBit(floor) << 1;
    }

    @Override
    public String toString() {
        return "StoreConfig[memoryLimitBytes=" + memoryLimitBytes + ", itemSizeMax=" + itemSizeMax + ", workers="
                + workers + ", stripes=" + stripes + ", growthFactor=" + growthFactor + ", minChunkBytes="
                + minChunkBytes + ", pageBytes=" + pageBytes() + "]";
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Mutable builder; not thread-safe. */
    public static final class Builder {
        private long memoryLimitBytes = DEFAULT_MEMORY_LIMIT_BYTES;
        private int itemSizeMax = DEFAULT_ITEM_SIZE_MAX;
        private int workers = Runtime.getRuntime().availableProcessors();
        private int stripes;
        private double growthFactor = DEFAULT_GROWTH_FACTOR;
        private int minChunkBytes = DEFAULT_MIN_CHUNK_BYTES;
        private StoreClock clock = StoreClock.SYSTEM;
        private long hashSeed = ThreadLocalRandom.current().nextLong();
        private long indexLimitBytes = Long.MAX_VALUE;

        private Builder() {
        }

        /** {@code -m}, in bytes. */
        public Builder memoryLimitBytes(long bytes) {
            this.memoryLimitBytes = bytes;
            return this;
        }

        /** {@code -I}, in bytes. */
        public Builder itemSizeMax(int bytes) {
            this.itemSizeMax = bytes;
            return this;
        }

        /** Threads calling the store at once; sizes the stripes and the free lists. */
        public Builder workers(int workers) {
            this.workers = workers;
            return this;
        }

        /** Lock stripes, a power of two; 0 (default) derives it from the workers. */
        public Builder stripes(int stripes) {
            this.stripes = stripes;
            return this;
        }

        /** {@code -f}. */
        public Builder growthFactor(double factor) {
            this.growthFactor = factor;
            return this;
        }

        /** The smallest chunk in bytes. */
        public Builder minChunkBytes(int bytes) {
            this.minChunkBytes = bytes;
            return this;
        }

        /** The clock (tests use a manual one). */
        public Builder clock(StoreClock clock) {
            this.clock = java.util.Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** A fixed hash seed (tests). */
        public Builder hashSeed(long seed) {
            this.hashSeed = seed;
            return this;
        }

        /** A cap on the index tables' memory, below the JVM's (tests of a full index). */
        Builder indexLimitBytes(long bytes) {
            this.indexLimitBytes = bytes;
            return this;
        }

        /** The immutable config; throws {@link IllegalArgumentException} naming the first bad setting. */
        public StoreConfig build() {
            return new StoreConfig(this);
        }
    }
}
