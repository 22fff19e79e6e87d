package io.ringside.services.memcached;

import io.ringside.server.ServerStats;
import io.ringside.services.memcached.store.CacheStore;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * What every connection of one memcached daemon shares: the store, the settings {@code stats settings} reports,
 * the counters the store does not keep, and the server's connection counters. Thread-safe: the settings are
 * final, the counters are adders, {@link #verbosity} is volatile and {@link #serverStats} is set once before the
 * server accepts anything.
 */
public final class MemcachedContext {
    /** The version this daemon answers {@code version} with: the memcached release whose replies it matches. */
    static final String VERSION = "1.6.18";

    final CacheStore store;
    final MemcachedSettings settings;
    /** Unix time (seconds) of the start, for {@code uptime}. */
    final long startedSeconds;
    /** {@code store_too_large}: storage commands refused by the item size limit. */
    final LongAdder storeTooLarge = new LongAdder();
    /** {@code store_no_memory}: storage commands refused for lack of memory. */
    final LongAdder storeNoMemory = new LongAdder();
    /** {@code cmd_meta}: {@code mn} commands (memcached 1.6.18 counts none: it reports 0; mg ms md ma are not counted). */
    final LongAdder cmdMeta = new LongAdder();
    /** Set by {@code verbosity N}; read by {@code stats settings}. Written by any worker, read racily: volatile. */
    volatile int verbosity;
    /** The server's counters; set once (before start) by the wiring; volatile pairs that write with the workers' reads. */
    private volatile Supplier<ServerStats> serverStats = () -> null;

    public MemcachedContext(CacheStore store, MemcachedSettings settings) {
        this.store = store;
        this.settings = settings;
        this.verbosity = settings.verbosity();
        this.startedSeconds = System.currentTimeMillis() / 1000;
    }

    /** Connects the server's counters (curr_connections, conn_yields, ...); called once, before the server starts. */
    public void serverStats(Supplier<ServerStats> source) {
        this.serverStats = source;
    }

    /** The server's counters now, or null when no server is attached (handler tests). */
    ServerStats serverStats() {
        return serverStats.get();
    }
}
