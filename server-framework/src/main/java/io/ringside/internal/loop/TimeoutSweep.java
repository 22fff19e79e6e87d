package io.ringside.internal.loop;

import io.ringside.internal.connection.ConnectionEvents;

/**
 * A worker's periodic check of the idle and line timeouts: once per {@value #INTERVAL_MILLIS} ms (their
 * precision), over every connection.
 *
 * <p>Confined to its worker.
 */
final class TimeoutSweep {
    static final long INTERVAL_MILLIS = 250;
    private static final long INTERVAL_NANOS = INTERVAL_MILLIS * 1_000_000L;

    private final boolean enabled;
    /** Starts at "now" (nanoTime may be negative: a start at 0 would be wrong). */
    private long nextNanos;

    TimeoutSweep(boolean enabled, long nowNanos) {
        this.enabled = enabled;
        this.nextNanos = nowNanos + INTERVAL_NANOS;
    }

    /** Whether a sweep will be needed (timeouts on, connections open). */
    boolean active(ConnectionTable connections) {
        return enabled && connections.size() > 0;
    }

    /** When the next sweep is due (meaningful while {@link #active}). */
    long nextNanos() {
        return nextNanos;
    }

    /** Sweeps if due at {@code now}. */
    void run(ConnectionTable connections, long now) {
        if (!enabled || now - nextNanos < 0) {
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
