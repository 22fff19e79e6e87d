package io.ringside.internal.connection;

import io.ringside.CloseReason;
import io.ringside.Metric;

/**
 * A connection's side of the {@link OutputBudget}: after each flush it reports how its queued output changed. While
 * the process is past the budget, a connection holding more than its share (the budget divided among the
 * connections holding output), or whose flush left it holding more than before, stops reading
 * ({@link ReadHolds#OUTPUT_BUDGET}): so past the budget each connection adds at most one write batch. One still paused after {@code output-budget-grace} is closed
 * ({@link CloseReason#OUTPUT_BUDGET}, its queued output dropped). A paused connection reads again once it has
 * flushed everything (a reader that caught up) or the process is back under three quarters of the budget.
 * Pausing stops growth at once; closing is what gives memory back, so the slowest readers go first and the
 * others keep being served.
 *
 * <p>Stateless; every method runs on the connection's loop.
 */
public final class OutputBudgetGuard {
    private OutputBudgetGuard() {
    }

    /** End of a flush: reports the change in c's queued output, then reviews c. */
    static void afterFlush(TransportConnection c) {
        OutputBudget b = c.context.protection().budget();
        if (!b.enabled()) {
            return;
        }
        long pending = c.output.pending();
        long counted = c.budgetCounted;
        if (pending != counted) {
            b.add(pending - counted, counted == 0 ? 1 : pending == 0 ? -1 : 0);
            c.budgetCounted = pending;
        }
        // closing waits for the loop's scan, not in the middle of a flush; one that grew while over is paused at once
        review(c, b, c.context.turnNanos(), false, pending > counted);
    }

    /** As c closes (its output was dropped): takes its bytes out of the count. */
    static void closed(TransportConnection c) {
        if (c.budgetCounted != 0) {
            c.context.protection().budget().add(-c.budgetCounted, -1);
            c.budgetCounted = 0;
        }
    }

    /** The loop's scan (after a crossing, and with the timeout sweep): pause, resume or close {@code c}. */
    public static void review(TransportConnection c, long now) {
        OutputBudget b = c.context.protection().budget();
        if (b.enabled() && c.state != ConnectionState.CLOSED) {
            review(c, b, now, true, false);
        }
    }

    private static void review(TransportConnection c, OutputBudget b, long now, boolean mayClose, boolean grew) {
        assert c.context.inLoop();
        if ((c.holds & ReadHolds.OUTPUT_BUDGET) == 0) {
            if ((grew || c.budgetCounted > b.share()) && b.over()) {
                c.budgetPausedSince = now;
                c.context.counters().increment(Metric.OUTPUT_BUDGET_PAUSES);
                c.context.log().debug(c, "the process is past max-buffered-output-bytes: reading paused", null);
                ConnectionEvents.hold(c, ReadHolds.OUTPUT_BUDGET);
            }
        } else if (c.budgetCounted == 0 || b.canResume()) {
            ConnectionEvents.release(c, ReadHolds.OUTPUT_BUDGET);
        } else if (mayClose && now - c.budgetPausedSince > b.graceNanos) {
            c.context.log().warnRateLimited(c, "paused by max-buffered-output-bytes for longer than output-budget-grace"
                    + " with {} bytes queued, closing", c.budgetCounted);
            ConnectionEvents.closeNow(c, CloseReason.OUTPUT_BUDGET);
        }
    }
}
