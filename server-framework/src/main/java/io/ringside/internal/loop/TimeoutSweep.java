package io.ringside.internal.loop;

import io.ringside.internal.connection.ConnectionEvents;
import io.ringside.internal.connection.OutputBudget;
import io.ringside.internal.connection.OutputBudgetGuard;
import io.ringside.internal.connection.StateGauge;

/**
 * A worker's periodic check of the idle, line and preface timeouts: once per {@value #INTERVAL_MILLIS} ms (their
 * precision), over every connection. With the output budget on, the same pass reviews each connection against it
 * (pause, resume, close past the grace), and a turn after the process crossed the budget (on any worker) reviews
 * them at once (at most once per {@value #REVIEW_SPACING_NANOS} ns), so every worker pauses its own connections holding
 * the most on its next turn.
 *
 * <p>Confined to its worker.
 */
final class TimeoutSweep {
    static final long INTERVAL_MILLIS = 250;
    private static final long INTERVAL_NANOS = INTERVAL_MILLIS * 1_000_000L;
    /** At most one review per crossing burst of this long: a count that hovers at the budget must not scan every turn. */
    private static final long REVIEW_SPACING_NANOS = 10_000_000L;

    private final OutputBudget budget;
    /** The worker's connections by state: checked against a fresh look at each sweep when assertions are on. */
    private final StateGauge states;
    /** Starts at "now" (nanoTime may be negative: a start at 0 would be wrong). */
    private long nextNanos;
    /** The budget's crossings this worker has answered with a review. */
    private long crossingsSeen;
    private long lastReviewNanos;

    TimeoutSweep(long nowNanos) {
        this(nowNanos, OutputBudget.OFF, new StateGauge());
    }

    TimeoutSweep(long nowNanos, OutputBudget budget, StateGauge states) {
        this.nextNanos = nowNanos + INTERVAL_NANOS;
        this.budget = budget;
        this.states = states;
        this.lastReviewNanos = nowNanos - REVIEW_SPACING_NANOS;
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

    /** Sweeps if due at {@code now}; reviews against the budget if it was crossed since the last review. */
    void run(ConnectionTable connections, long now) {
        boolean review = budget.enabled() && budget.crossings() != crossingsSeen && now - lastReviewNanos >= REVIEW_SPACING_NANOS;
        if (review) {
            crossingsSeen = budget.crossings();
            lastReviewNanos = now;
        }
        boolean due = now - nextNanos >= 0;
        if (!due && !review) {
            return;
        }
        if (due) {
            nextNanos = now + INTERVAL_NANOS;
        }
        boolean budgetOn = budget.enabled();
        for (int i = connections.size() - 1; i >= 0; i--) {
            if (i < connections.size() && due) {
                ConnectionEvents.checkTimeouts(connections.get(i), now);
            }
            if (i < connections.size() && budgetOn) {
                OutputBudgetGuard.review(connections.get(i), now);
            }
        }
        assert !due || states.matches(connections.size(), connections::get) : "connections by state drifted from their states";
    }
}
