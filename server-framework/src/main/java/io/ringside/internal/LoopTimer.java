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
    /** The connection the timer belongs to, or null: its timers are dropped once it is closed. */
    private final NioConnection owner;
    /** Written by any thread in cancel(); read by the worker before running the task. */
    private volatile boolean cancelled;

    LoopTimer(long deadlineNanos, Runnable task, NioConnection owner) {
        this.deadlineNanos = deadlineNanos;
        this.task = task;
        this.owner = owner;
    }

    @Override
    public boolean cancel() {
        boolean was = !cancelled;
        cancelled = true;
        return was;
    }

    /** Worker only: cancelled, or its connection closed; it will never run. */
    boolean isDead() {
        return cancelled || (owner != null && owner.isClosed());
    }

    @Override
    public int compareTo(LoopTimer o) {
        return Long.compare(deadlineNanos - o.deadlineNanos, 0);
    }
}
