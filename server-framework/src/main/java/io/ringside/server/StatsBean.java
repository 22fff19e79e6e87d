package io.ringside.server;

import io.ringside.CloseReason;
import io.ringside.Metric;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** The JMX view of a server's counters: each call takes a fresh snapshot. Thread-safe. */
final class StatsBean implements RingsideServerMXBean {
    private final Supplier<ServerStats> stats;

    StatsBean(Supplier<ServerStats> stats) {
        this.stats = stats;
    }

    @Override
    public long getOpenConnections() {
        return stats.get().openConnections();
    }

    @Override
    public Map<String, Long> getCounters() {
        ServerStats s = stats.get();
        Map<String, Long> m = new LinkedHashMap<>();
        for (Metric metric : Metric.values()) {
            m.put(metric.name(), s.get(metric));
        }
        return m;
    }

    @Override
    public Map<String, Long> getClosedByReason() {
        ServerStats s = stats.get();
        Map<String, Long> m = new LinkedHashMap<>();
        for (CloseReason r : CloseReason.values()) {
            m.put(r.name(), s.closed(r));
        }
        return m;
    }

    @Override
    public long[] getOpenConnectionsPerWorker() {
        return stats.get().workers().stream().mapToLong(ServerStats::openConnections).toArray();
    }
}
