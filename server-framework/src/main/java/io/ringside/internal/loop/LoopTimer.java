package io.ringside.internal.loop;

import io.ringside.ScheduledTask;
import io.ringside.internal.connection.ConnectionState;
import io.ringside.internal.connection.TransportConnection;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A task due at a {@code System.nanoTime()} deadline on one worker's {@link TimerHeap}.
 *
 * <p>Created on any thread; queued, ordered and run only on its worker. {@link #cancel} is thread-safe:
 * the timer's state moves once, by compare-and-set, from pending to ran or to cancelled, so exactly one
 * of "it ran" and "cancel returned true" happens.
 */
final class LoopTimer implements ScheduledTask, Comparable<LoopTimer> {
    static final int PENDING = 0;
    static final int RAN = 1;
    /** Cancelled on the worker: the owner's pending-work count was released at once. */
    static final int CANCELLED = 2;
    /** Cancelled on another thread: the worker releases the count (posted at once, or when it drops the timer). */
    static final int CANCELLED_REMOTELY = 3;
    /** Cancelled on another thread and the count released by the worker. */
    static final int RELEASED = 4;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(LoopTimer.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final long deadlineNanos;
    final Runnable task;
    /** The connection the timer belongs to, or null: its timers are dropped once it is closed. */
    final TransportConnection owner;
    private final TimerHeap heap;
    /** Moved by CAS only (cancel on any thread, run on the worker); read with volatile semantics. */
    @SuppressWarnings("unused")
    private volatile int state;

    LoopTimer(TimerHeap heap, long deadlineNanos, TransportConnection owner, Runnable task) {
        this.heap = heap;
        this.deadlineNanos = deadlineNanos;
        this.owner = owner;
        this.task = task;
    }

    @Override
    public boolean cancel() {
        boolean inLoop = heap.inLoop();
        if (!STATE.compareAndSet(this, PENDING, inLoop ? CANCELLED : CANCELLED_REMOTELY)) {
            return false;
        }
        if (inLoop) {
            heap.cancelledOnLoop(this);
        } else {
            heap.cancelledRemotely(this);
        }
        return true;
    }

    /** Worker only: claims the timer for running; false when it was cancelled first. */
    boolean claim() {
        return STATE.compareAndSet(this, PENDING, RAN);
    }

    /** Worker only: a remotely cancelled timer's count is released now; false if it already was. */
    boolean markReleased() {
        return STATE.compareAndSet(this, CANCELLED_REMOTELY, RELEASED);
    }

    int state() {
        return state;
    }

    /** Worker only: cancelled, or its connection closed; it will never run. */
    boolean isDead() {
        return state != PENDING || (owner != null && owner.state() == ConnectionState.CLOSED);
    }

    @Override
    public int compareTo(LoopTimer o) {
        return Long.compare(deadlineNanos - o.deadlineNanos, 0);
    }
}
