package io.ringside.services.memcached.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads N items of 100-byte values under 10-20 byte keys (the same keys as the pymemcache script that loads the
 * real memcached for comparison: {@code "key:<i>"} padded with '-' to 10 + i % 11 bytes) and prints what they cost:
 * the store's own accounting (slab pages taken + index buckets) and the process's resident set (VmRSS) before and
 * after. Run it in its own JVM for a meaningful RSS, e.g.
 * {@code java -Xmx64m -XX:+UseSerialGC -cp <test-classes>:<classes> io.ringside.services.memcached.store.StoreMemoryReport 1000000}.
 */
public final class StoreMemoryReport {
    private StoreMemoryReport() {
    }

    public static void main(String[] args) throws IOException {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        double factor = args.length > 1 ? Double.parseDouble(args[1]) : StoreConfig.DEFAULT_GROWTH_FACTOR;
        long before = rssBytes();
        Result r = load(n, StoreConfig.builder().memoryLimitBytes(1024L << 20).growthFactor(factor).build());
        System.gc();
        long after = rssBytes();
        System.out.println(r);
        System.out.printf("process VmRSS: %,d bytes before, %,d after: %.1f bytes/item (including the JVM's %,d)%n",
                before, after, after / (double) n, before);
        System.out.printf("RSS growth: %.1f bytes/item%n", (after - before) / (double) n);
    }

    /** What n items took. */
    record Result(int items, long pageBytes, long indexBytes, long itemBytes, SlabUsage[] classes) {
        double perItem() {
            return (pageBytes + indexBytes) / (double) items;
        }

        @Override
        public String toString() {
            StringBuilder used = new StringBuilder();
            for (SlabUsage c : classes) {
                if (c.pages() > 0) {
                    used.append(' ').append(c.chunkBytes()).append("-byte chunks: ").append(c.pages()).append(" pages");
                }
            }
            return String.format("%,d items: slab pages %,d bytes (%.1f/item) +%s; index %,d bytes (%.1f/item); "
                    + "store total %.1f bytes/item; the items themselves (header + key + value) %.1f bytes/item",
                    items, pageBytes, pageBytes / (double) items, used, indexBytes, indexBytes / (double) items,
                    perItem(), itemBytes / (double) items);
        }
    }

    static Result load(int n, long memoryLimit) {
        return load(n, StoreConfig.builder().memoryLimitBytes(memoryLimit).build());
    }

    static Result load(int n, StoreConfig config) {
        CacheStore store = new CacheStore(config);
        byte[] value = new byte[100];
        java.util.Arrays.fill(value, (byte) 'v');
        byte[] key = new byte[20];
        for (int i = 0; i < n; i++) {
            int len = key(i, key);
            StoreResult res = store.store(StoreMode.SET, key, 0, len, value, 0, value.length, 0, 0, 0);
            if (res != StoreResult.STORED) {
                throw new IllegalStateException(res + " at " + i);
            }
        }
        if (store.stats().value(StoreCounter.CURR_ITEMS) != n) {
            throw new IllegalStateException("evicted: " + store.stats());
        }
        return new Result(n, store.allocatedBytes(), store.indexBytes(), store.stats().value(StoreCounter.BYTES),
                store.slabUsage());
    }

    /** Key i into buf: "key:i" padded with '-' to 10 + i % 11 bytes; returns its length. Allocates nothing. */
    static int key(int i, byte[] buf) {
        buf[0] = 'k';
        buf[1] = 'e';
        buf[2] = 'y';
        buf[3] = ':';
        int digits = Numeric.digits(i);
        for (int j = 4 + digits - 1, v = i; j >= 4; j--, v /= 10) {
            buf[j] = (byte) ('0' + v % 10);
        }
        int len = Math.max(4 + digits, 10 + i % 11);
        for (int j = 4 + digits; j < len; j++) {
            buf[j] = '-';
        }
        return len;
    }

    /** This process's resident set size from /proc (0 where there is none). */
    static long rssBytes() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return 0;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return 0;
    }
}
