package io.ringside.services.memcached;

import io.ringside.EndOfLine;
import io.ringside.ServerConfig;
import io.ringside.services.memcached.store.CacheStore;
import io.ringside.services.memcached.store.StoreClock;
import io.ringside.services.memcached.store.StoreConfig;
import io.ringside.testing.HandlerHarness;

/** Builds handlers and harnesses for the memcached tests: a small store (8 MiB) and the daemon's framing. */
final class MemcachedTesting {
    static final ServerConfig CONFIG = ServerConfig.builder().endOfLine(EndOfLine.CRLF).maxLineBytes(256 * 1024)
            .build();

    private MemcachedTesting() {
    }

    static MemcachedContext context() {
        return context(StoreClock.SYSTEM);
    }

    /** A context whose store reads {@code clock} (a frozen one makes TTLs and access times exact). */
    static MemcachedContext context(StoreClock clock) {
        CacheStore store = new CacheStore(StoreConfig.builder().memoryLimitBytes(8L << 20).workers(1).clock(clock)
                .build());
        return new MemcachedContext(store, MemcachedSettings.defaults());
    }

    static HandlerHarness harness(MemcachedContext context) {
        return new HandlerHarness(CONFIG, new MemcachedHandler(context));
    }

    static HandlerHarness harness() {
        return harness(context());
    }
}
