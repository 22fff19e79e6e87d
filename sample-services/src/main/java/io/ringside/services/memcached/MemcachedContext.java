package io.ringside.services.memcached;

import io.ringside.Metric;
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
    /** {@code cmd_meta}: answered {@code me} commands (memcached 1.6.18 counts those only, not mn mg ms md ma). */
    final LongAdder cmdMeta = new LongAdder();
    /** Set by {@code verbosity N}; read by {@code stats settings}. Written by any worker, read racily: volatile. */
    volatile int verbosity;
    /** The server's counters; set once (before start) by the wiring; volatile pairs that write with the workers' reads. */
    private volatile Supplier<ServerStats> serverStats = () -> null;
    /**
     * {@link #counter} values at the last {@code stats reset}, by {@link Counter} ordinal: replaced whole, never
     * changed (volatile: pairs with the reads in {@link #counter}).
     */
    private volatile long[] baseline = new long[Counter.values().length];

    /** The counters of {@code stats} kept outside the store that {@code stats reset} zeroes. */
    enum Counter {
        STORE_TOO_LARGE, STORE_NO_MEMORY, CMD_META, TOTAL_CONNECTIONS, REJECTED_CONNECTIONS, BYTES_READ,
        BYTES_WRITTEN, CONN_YIELDS
    }

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

    /** A counter's value since the last {@code stats reset}. */
    long counter(Counter which) {
        return raw(which, serverStats()) - baseline[which.ordinal()];
    }

    /**
     * {@code stats reset}: the store's counters and these start again from 0 (the gauges, such as items, bytes and
     * open connections, stay). Any worker; concurrent resets and reads are safe (a read sees one baseline or the other).
     */
    synchronized void resetStats() {
        store.stats().reset();
        ServerStats server = serverStats();
        long[] base = new long[Counter.values().length];
        for (Counter c : Counter.values()) {
            base[c.ordinal()] = raw(c, server);
        }
        baseline = base;
    }

    private long raw(Counter which, ServerStats server) {
        switch (which) {
            case STORE_TOO_LARGE:
                return storeTooLarge.sum();
            case STORE_NO_MEMORY:
                return storeNoMemory.sum();
            case CMD_META:
                return cmdMeta.sum();
            default:
                break;
        }
        if (server == null) {
            return 0;
        }
        switch (which) {
            case TOTAL_CONNECTIONS:
                return server.get(Metric.OPENED) + server.get(Metric.REFUSED);
            case REJECTED_CONNECTIONS:
                return server.get(Metric.REFUSED);
            case BYTES_READ:
                return server.get(Metric.BYTES_IN);
            case BYTES_WRITTEN:
                return server.get(Metric.BYTES_OUT);
            default:
                return server.get(Metric.BUDGET_YIELDS);
        }
    }
}
