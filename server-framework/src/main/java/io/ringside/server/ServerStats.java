package io.ringside.server;

import io.ringside.CloseReason;
import io.ringside.Metric;
import java.util.List;

/**
 * A snapshot of the server's counters: totals, and the same per worker.
 *
 * <p>Thread-safe (immutable). Each counter is read once, without a global lock, so counters of one
 * snapshot may be a few events apart from each other while the server is busy.
 */
public final class ServerStats {
    private final long[] metrics;
    private final long[] closedByReason;
    private final List<ServerStats> workers;

    /** Built by the framework; see {@link RingsideServer#stats()}. */
    ServerStats(long[] metrics, long[] closedByReason, List<ServerStats> workers) {
        this.metrics = metrics;
        this.closedByReason = closedByReason;
        this.workers = List.copyOf(workers);
    }

    public long get(Metric metric) {
        return metrics[metric.ordinal()];
    }

    /** Connections closed for {@code reason}. */
    public long closed(CloseReason reason) {
        return closedByReason[reason.ordinal()];
    }

    /** Connections currently open (registered and not yet closed). */
    public long openConnections() {
        return get(Metric.OPENED) - get(Metric.CLOSED);
    }

    /** Per-worker snapshots, by worker index (empty for a per-worker snapshot itself). */
    public List<ServerStats> workers() {
        return workers;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("ServerStats{open=").append(openConnections());
        for (Metric m : Metric.values()) {
            b.append(", ").append(m.name().toLowerCase(java.util.Locale.ROOT)).append('=').append(get(m));
        }
        for (CloseReason r : CloseReason.values()) {
            if (closed(r) != 0) {
                b.append(", closed.").append(r.name().toLowerCase(java.util.Locale.ROOT)).append('=').append(closed(r));
            }
        }
        return b.append('}').toString();
    }
}
