package io.ringside.internal.connection;

import io.ringside.CloseReason;
import io.ringside.Metric;

/**
 * A connection's idle and line timeouts: when its last line completed and since when a partial line
 * waits. Two longs in the connection, checked by the loop's periodic sweep.
 *
 * <p>Confined to the connection's worker.
 */
final class Timeouts {
    /** Loop time of the last complete line (or of the open): the idle timeout's start. */
    private long lastLineNanos;
    /** Loop time when the pending partial line started, 0 when none: the line timeout's start. */
    private long partialSinceNanos;

    /** How long the transport's preface may take (0: no limit); the clock starts at the open. */
    private long prefaceTimeoutNanos;

    Timeouts(long nowNanos) {
        this.lastLineNanos = nowNanos;
    }

    void prefaceTimeout(long nanos) {
        prefaceTimeoutNanos = nanos;
    }

    /** The handler was opened (the preface ended): the idle timeout starts now. */
    void handlerOpened(long nowNanos) {
        lastLineNanos = nowNanos;
    }

    /** Raw mode: bytes went in or out, which restarts the idle timeout as a line does. */
    void rawActivity(long nowNanos) {
        lastLineNanos = nowNanos;
    }

    /** After a batch: counts its lines and restarts the timeouts as they say. */
    void afterLines(TransportConnection c, int lines) {
        long now = c.context.turnNanos();
        if (lines > 0) {
            c.context.counters().add(Metric.LINES_IN, lines);
            lastLineNanos = now;
            partialSinceNanos = 0;
        }
        if (!c.input.holdsPartialLine()) {
            partialSinceNanos = 0;
        } else if (partialSinceNanos == 0) {
            partialSinceNanos = now == 0 ? 1 : now; // 0 means "none"
        }
    }

    /** The loop's sweep: the reason to close {@code c} now, or null. */
    CloseReason expired(long now, Limits limits, boolean handlerOpened) {
        if (!handlerOpened) {
            return prefaceTimeoutNanos > 0 && now - lastLineNanos > prefaceTimeoutNanos ? CloseReason.PREFACE_TIMEOUT : null;
        }
        if (limits.lineTimeoutNanos > 0 && partialSinceNanos != 0 && now - partialSinceNanos > limits.lineTimeoutNanos) {
            return CloseReason.LINE_TIMEOUT;
        }
        if (limits.idleTimeoutNanos > 0 && now - lastLineNanos > limits.idleTimeoutNanos) {
            return CloseReason.IDLE_TIMEOUT;
        }
        return null;
    }
}
