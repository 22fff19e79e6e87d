package io.ringside.internal.stats;

import io.ringside.CloseReason;
import io.ringside.Metric;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The counters of one thread (a worker or the acceptor).
 *
 * <p>Single writer: only the owning thread calls the {@code add} methods (plain read, ordered write:
 * no read-modify-write fence on the hot path); any thread may {@link #snapshot}.
 */
public final class Counters {
    private static final int METRICS = Metric.values().length;

    /** Metrics first, then one slot per close reason; lazySet pairs with the volatile get in snapshot. */
    private final AtomicLongArray values = new AtomicLongArray(METRICS + CloseReason.values().length);

    public void add(Metric metric, long delta) {
        int i = metric.ordinal();
        values.lazySet(i, values.get(i) + delta);
    }

    public void increment(Metric metric) {
        add(metric, 1);
    }

    public void closed(CloseReason reason) {
        int i = METRICS + reason.ordinal();
        values.lazySet(i, values.get(i) + 1);
        increment(Metric.CLOSED);
    }

    /** Adds this thread's values into {@code metrics} and {@code closedByReason}. */
    public void addTo(long[] metrics, long[] closedByReason) {
        for (int i = 0; i < metrics.length; i++) {
            metrics[i] += values.get(i);
        }
        for (int i = 0; i < closedByReason.length; i++) {
            closedByReason[i] += values.get(METRICS + i);
        }
    }
}
