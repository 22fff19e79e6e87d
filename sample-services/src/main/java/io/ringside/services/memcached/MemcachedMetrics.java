package io.ringside.services.memcached;

import io.ringside.server.ServiceMetrics;
import io.ringside.services.memcached.store.StoreCounter;
import io.ringside.services.memcached.store.StoreStats;
import java.util.EnumSet;
import java.util.Set;

/**
 * The memcached daemon's {@code stats} on the admin listener's /metrics page: every store counter as
 * {@code memcached_<stat name>} (the name of its line in {@code stats}: {@code memcached_get_hits_total},
 * {@code memcached_curr_items}), the daemon's own counters and {@code memcached_limit_maxbytes}. Items, bytes
 * and open reservations are gauges; the rest only grow (counters, until {@code flush_all} or a restart, as
 * memcached's do). Connection counts are the framework's ({@code ringside_connections_open}).
 *
 * <p>Thread-safe: runs on the admin thread at each scrape and only reads the store's adders.
 */
public final class MemcachedMetrics implements ServiceMetrics {
    private static final Set<StoreCounter> GAUGES = EnumSet.of(StoreCounter.CURR_ITEMS, StoreCounter.BYTES,
            StoreCounter.RESERVATIONS_OPEN);

    private final MemcachedContext context;

    public MemcachedMetrics(MemcachedContext context) {
        this.context = context;
    }

    @Override
    public void report(Sink out) {
        StoreStats s = context.store.stats();
        for (StoreCounter c : StoreCounter.values()) {
            String name = "memcached_" + c.statName();
            String help = "memcached stats " + c.statName() + " (as in the stats command).";
            if (GAUGES.contains(c)) {
                out.gauge(name, help, s.value(c));
            } else {
                out.counter(name, help, s.value(c));
            }
        }
        out.counter("memcached_cmd_meta", "memcached stats cmd_meta: meta commands counted as memcached 1.6.18 counts them (mn).", context.cmdMeta.sum());
        out.counter("memcached_store_too_large", "memcached stats store_too_large: values refused as too large.",
                context.storeTooLarge.sum());
        out.counter("memcached_store_no_memory", "memcached stats store_no_memory: stores refused for lack of memory.",
                context.storeNoMemory.sum());
        out.gauge("memcached_limit_maxbytes", "memcached stats limit_maxbytes: the item memory limit (-m).",
                context.settings.maxBytes());
    }

    @Override
    public String toString() {
        return "memcached stats";
    }
}
