package io.ringside.internal;

import io.ringside.ScheduledTask;

/**
 * A task due at a {@code System.nanoTime()} deadline on one worker's timer heap.
 *
 * <p>Created on any thread; queued, ordered and run only on its worker. {@link #cancel} is thread-safe.
 */
final class LoopTimer implements ScheduledTask, Comparable<LoopTimer> {
    final long deadlineNanos;
    final Runnable task;
    /** Written by any thread in cancel(); read by the worker before running the task. */
    private volatile boolean cancelled;

    LoopTimer(long deadlineNanos, Runnable task) {
        this.deadlineNanos = deadlineNanos;
        this.task = task;
    }

    @Override
    public boolean cancel() {
        boolean was = !cancelled;
        cancelled = true;
        return was;
    }

    boolean isCancelled() {
        return cancelled;
    }

    @Override
    public int compareTo(LoopTimer o) {
        return Long.compare(deadlineNanos - o.deadlineNanos, 0);
    }
}
