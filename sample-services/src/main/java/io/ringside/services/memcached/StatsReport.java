package io.ringside.services.memcached;

import io.ringside.server.ServerStats;
import io.ringside.services.memcached.store.SlabUsage;
import io.ringside.services.memcached.store.StoreCounter;
import io.ringside.services.memcached.store.StoreStats;
import java.lang.management.ManagementFactory;

/**
 * The text of {@code stats} and {@code stats settings}: the lines of memcached 1.6.18 that this daemon can fill
 * truthfully, in memcached's order, each {@code STAT <name> <value>\r\n}, then {@code END\r\n}. Lines about
 * machinery it does not have (libevent, the LRU crawler, extstore, TLS) are left out. Stateless; any thread;
 * allocates (a stats request is rare).
 */
final class StatsReport {
    private StatsReport() {
    }

    static String general(MemcachedContext ctx) {
        StoreStats s = ctx.store.stats();
        ServerStats server = ctx.serverStats();
        long now = System.currentTimeMillis() / 1000;
        long cpuNanos = processCpuNanos();
        StringBuilder b = new StringBuilder(2048);
        stat(b, "pid", ProcessHandle.current().pid());
        stat(b, "uptime", now - ctx.startedSeconds);
        stat(b, "time", now);
        stat(b, "version", MemcachedContext.VERSION);
        stat(b, "pointer_size", 64);
        stat(b, "rusage_user", String.format(java.util.Locale.ROOT, "%d.%06d", cpuNanos / 1_000_000_000L,
                cpuNanos / 1000 % 1_000_000));
        stat(b, "rusage_system", "0.000000");
        stat(b, "max_connections", ctx.settings.maxConns());
        long open = server == null ? 0 : server.openConnections();
        stat(b, "curr_connections", open);
        stat(b, "total_connections", ctx.counter(MemcachedContext.Counter.TOTAL_CONNECTIONS));
        stat(b, "rejected_connections", ctx.counter(MemcachedContext.Counter.REJECTED_CONNECTIONS));
        stat(b, "connection_structures", open);
        counters(b, s, StoreCounter.CMD_GET, StoreCounter.CMD_SET, StoreCounter.CMD_FLUSH, StoreCounter.CMD_TOUCH);
        stat(b, "cmd_meta", ctx.counter(MemcachedContext.Counter.CMD_META));
        counters(b, s, StoreCounter.GET_HITS, StoreCounter.GET_MISSES, StoreCounter.GET_EXPIRED,
                StoreCounter.GET_FLUSHED, StoreCounter.DELETE_MISSES, StoreCounter.DELETE_HITS,
                StoreCounter.INCR_MISSES, StoreCounter.INCR_HITS, StoreCounter.DECR_MISSES, StoreCounter.DECR_HITS,
                StoreCounter.CAS_MISSES, StoreCounter.CAS_HITS, StoreCounter.CAS_BADVAL, StoreCounter.TOUCH_HITS,
                StoreCounter.TOUCH_MISSES);
        stat(b, "store_too_large", ctx.counter(MemcachedContext.Counter.STORE_TOO_LARGE));
        stat(b, "store_no_memory", ctx.counter(MemcachedContext.Counter.STORE_NO_MEMORY));
        stat(b, "auth_cmds", 0);
        stat(b, "auth_errors", 0);
        stat(b, "bytes_read", ctx.counter(MemcachedContext.Counter.BYTES_READ));
        stat(b, "bytes_written", ctx.counter(MemcachedContext.Counter.BYTES_WRITTEN));
        stat(b, "limit_maxbytes", ctx.settings.maxBytes());
        stat(b, "accepting_conns", 1);
        stat(b, "listen_disabled_num", 0);
        stat(b, "threads", ctx.settings.threads());
        stat(b, "conn_yields", ctx.counter(MemcachedContext.Counter.CONN_YIELDS));
        counters(b, s, StoreCounter.SLAB_REASSIGN_RESCUES);
        stat(b, "slab_reassign_busy_items", s.value(StoreCounter.SLAB_REASSIGN_BUSY));
        counters(b, s, StoreCounter.SLABS_MOVED);
        stat(b, "malloc_fails", s.value(StoreCounter.DIRECT_MEMORY_FAILURES));
        counters(b, s, StoreCounter.BYTES, StoreCounter.CURR_ITEMS, StoreCounter.TOTAL_ITEMS,
                StoreCounter.EXPIRED_UNFETCHED, StoreCounter.EVICTED_UNFETCHED, StoreCounter.EVICTIONS,
                StoreCounter.RECLAIMED);
        return b.append("END\r\n").toString();
    }

    static String settings(MemcachedContext ctx) {
        MemcachedSettings st = ctx.settings;
        StringBuilder b = new StringBuilder(1024);
        stat(b, "maxbytes", st.maxBytes());
        stat(b, "maxconns", st.maxConns());
        stat(b, "tcpport", st.tcpPort());
        stat(b, "udpport", 0);
        stat(b, "inter", st.listen());
        stat(b, "verbosity", ctx.verbosity);
        stat(b, "oldest", 0);
        stat(b, "evictions", "on");
        stat(b, "domain_socket", "NULL");
        stat(b, "growth_factor", String.format(java.util.Locale.ROOT, "%.2f", ctx.store.config().growthFactor()));
        stat(b, "chunk_size", 48);
        stat(b, "num_threads", st.threads());
        stat(b, "stat_key_prefix", ":");
        stat(b, "detail_enabled", "no");
        stat(b, "reqs_per_event", st.reqsPerEvent());
        stat(b, "cas_enabled", "yes");
        stat(b, "tcp_backlog", 1024);
        stat(b, "binding_protocol", "ascii");
        stat(b, "auth_enabled_sasl", "no");
        stat(b, "auth_enabled_ascii", "no");
        stat(b, "item_size_max", st.itemSizeMax());
        stat(b, "maxconns_fast", "yes");
        stat(b, "slab_reassign", "yes");
        stat(b, "slab_automove", 1);
        stat(b, "flush_enabled", "yes");
        stat(b, "dump_enabled", "no");
        stat(b, "idle_timeout", st.idleTimeout());
        return b.append("END\r\n").toString();
    }

    /**
     * {@code stats slabs}: for each slab class holding pages, memcached's per-class lines (its number from 1 as
     * memcached's; the per-class command counters this store keeps by class), then {@code active_slabs} and
     * {@code total_malloced}.
     */
    static String slabs(MemcachedContext ctx) {
        StoreStats s = ctx.store.stats();
        SlabUsage[] classes = ctx.store.slabUsage();
        StringBuilder b = new StringBuilder(1024);
        int active = 0;
        for (int i = 0; i < classes.length; i++) {
            SlabUsage c = classes[i];
            if (c.pages() == 0) {
                continue;
            }
            active++;
            String p = (i + 1) + ":";
            stat(b, p + "chunk_size", c.chunkBytes());
            stat(b, p + "chunks_per_page", c.chunksPerPage());
            stat(b, p + "total_pages", c.pages());
            stat(b, p + "total_chunks", c.totalChunks());
            stat(b, p + "used_chunks", c.usedChunks());
            stat(b, p + "free_chunks", c.freeChunks());
            stat(b, p + "free_chunks_end", 0);
            stat(b, p + "get_hits", s.value(StoreCounter.GET_HITS, i));
            stat(b, p + "cmd_set", s.value(StoreCounter.CMD_SET, i));
            stat(b, p + "delete_hits", s.value(StoreCounter.DELETE_HITS, i));
            stat(b, p + "incr_hits", s.value(StoreCounter.INCR_HITS, i));
            stat(b, p + "decr_hits", s.value(StoreCounter.DECR_HITS, i));
            stat(b, p + "cas_hits", s.value(StoreCounter.CAS_HITS, i));
            stat(b, p + "cas_badval", s.value(StoreCounter.CAS_BADVAL, i));
            stat(b, p + "touch_hits", s.value(StoreCounter.TOUCH_HITS, i));
        }
        stat(b, "active_slabs", active);
        stat(b, "total_malloced", ctx.store.allocatedBytes());
        return b.append("END\r\n").toString();
    }

    /**
     * {@code stats items}: for each slab class holding items, the lines of memcached's that this store keeps: the
     * items and their bytes ({@code mem_requested}: header, key and value), evictions, failed allocations, reclaims.
     * The segmented-LRU lines (hot, warm, cold, their ages and moves) have no counterpart under CLOCK.
     */
    static String items(MemcachedContext ctx) {
        StoreStats s = ctx.store.stats();
        StringBuilder b = new StringBuilder(1024);
        for (int i = 0; i < s.classes(); i++) {
            long number = s.value(StoreCounter.CURR_ITEMS, i);
            if (number <= 0) {
                continue;
            }
            String p = "items:" + (i + 1) + ":";
            stat(b, p + "number", number);
            stat(b, p + "mem_requested", s.value(StoreCounter.BYTES, i));
            stat(b, p + "evicted", s.value(StoreCounter.EVICTIONS, i));
            stat(b, p + "outofmemory", s.value(StoreCounter.OUTOFMEMORY, i));
            stat(b, p + "reclaimed", s.value(StoreCounter.RECLAIMED, i));
            stat(b, p + "expired_unfetched", s.value(StoreCounter.EXPIRED_UNFETCHED, i));
            stat(b, p + "evicted_unfetched", s.value(StoreCounter.EVICTED_UNFETCHED, i));
        }
        return b.append("END\r\n").toString();
    }

    private static void counters(StringBuilder b, StoreStats s, StoreCounter... counters) {
        for (StoreCounter c : counters) {
            stat(b, c.statName(), s.value(c));
        }
    }

    private static void stat(StringBuilder b, String name, Object value) {
        b.append("STAT ").append(name).append(' ').append(value).append("\r\n");
    }

    private static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean) {
            return Math.max(0, ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime());
        }
        return 0;
    }
}
