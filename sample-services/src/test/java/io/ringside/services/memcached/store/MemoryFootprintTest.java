package io.ringside.services.memcached.store;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Density, not speed: 1,000,000 items of 100-byte values under 10-20 byte keys fit in the store's own memory
 * (slab pages + index) at no more than 1.25 times what memcached 1.6.18 took for the same items (its RSS, 202 MB,
 * about 202 bytes an item, measured with the script in the package notes).
 */
class MemoryFootprintTest {
    private static final double MEMCACHED_RSS_PER_ITEM = 202.0;

    @Test
    void aMillionSmallItemsCostLessThanMemcachedTimesOnePointTwoFive() {
        StoreMemoryReport.Result r = StoreMemoryReport.load(1_000_000, 1024L << 20);
        System.out.println(r);
        assertTrue(r.perItem() <= 1.25 * MEMCACHED_RSS_PER_ITEM, r.toString());
    }
}
