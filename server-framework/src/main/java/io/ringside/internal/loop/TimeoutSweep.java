package io.ringside.internal.loop;

import io.ringside.internal.connection.ConnectionEvents;

/**
 * A worker's periodic check of the idle, line and preface timeouts: once per {@value #INTERVAL_MILLIS} ms (their
 * precision), over every connection.
 *
 * <p>Confined to its worker.
 */
final class TimeoutSweep {
    static final long INTERVAL_MILLIS = 250;
    private static final long INTERVAL_NANOS = INTERVAL_MILLIS * 1_000_000L;

    /** Starts at "now" (nanoTime may be negative: a start at 0 would be wrong). */
    private long nextNanos;

    TimeoutSweep(long nowNanos) {
        this.nextNanos = nowNanos + INTERVAL_NANOS;
    }

    /**
     * Whether a sweep will be needed: while connections are open (each may have an idle, line or preface
     * timeout; a check of a connection without one costs a few comparisons).
     */
    boolean active(ConnectionTable connections) {
        return connections.size() > 0;
    }

    /** When the next sweep is due (meaningful while {@link #active}). */
    long nextNanos() {
        return nextNanos;
    }

    /** Sweeps if due at {@code now}. */
    void run(ConnectionTable connections, long now) {
        if (now - nextNanos < 0) {
            return;
        }
        nextNanos = now + INTERVAL_NANOS;
        for (int i = connections.size() - 1; i >= 0; i--) {
            if (i < connections.size()) {
                ConnectionEvents.checkTimeouts(connections.get(i), now);
            }
        }
    }
}
