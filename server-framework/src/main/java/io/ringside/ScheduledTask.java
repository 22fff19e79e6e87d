package io.ringside;

/** A timer set with {@link Connection#schedule}. Thread-safe. */
public interface ScheduledTask {
    /** Cancels the timer if it has not run yet; returns whether it was still pending. */
    boolean cancel();
}
