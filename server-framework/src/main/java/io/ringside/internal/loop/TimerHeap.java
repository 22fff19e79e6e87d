package io.ringside.internal.loop;

import io.ringside.internal.connection.ConnectionTasks;
import io.ringside.internal.connection.TransportConnection;
import java.util.PriorityQueue;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker's timers, ordered by deadline. A timer of a connection counts as that connection's pending
 * work (a half-closed connection waits for it) until it runs or is dropped. Cancelled timers, and the
 * timers of closed connections, are purged once more than {@value #PURGE_THRESHOLD} are queued (at most
 * once per purge interval) instead of waiting for their deadline.
 *
 * <p>Confined to its worker, except {@link LoopTimer#cancel}.
 */
public final class TimerHeap {
    private static final Logger LOG = LoggerFactory.getLogger(TimerHeap.class);
    /** Queued timers above which dead ones are purged. */
    static final int PURGE_THRESHOLD = 1024;
    private static final long PURGE_INTERVAL_NANOS = 250_000_000L;

    private final PriorityQueue<LoopTimer> heap = new PriorityQueue<>();
    private final BooleanSupplier inLoop;
    private final LongSupplier clock;
    /** Hands a task to the loop from another thread (the inbox), for timers cancelled there. */
    private final Consumer<Runnable> toLoop;
    private long nextPurgeNanos;

    /** {@code clock} is {@code System::nanoTime} but in tests of its wrap-around. */
    public TimerHeap(BooleanSupplier inLoop, LongSupplier clock, Consumer<Runnable> toLoop) {
        this.inLoop = inLoop;
        this.clock = clock;
        this.toLoop = toLoop;
        this.nextPurgeNanos = clock.getAsLong();
    }

    /** A heap whose remote cancels release their count when the timer is dropped (tests of the heap alone). */
    public TimerHeap(BooleanSupplier inLoop, LongSupplier clock) {
        this(inLoop, clock, task -> { });
    }

    boolean inLoop() {
        return inLoop.getAsBoolean();
    }

    /** A timer due after {@code delayNanos}; not queued yet (see {@link #add}). Any thread. */
    LoopTimer newTimer(long delayNanos, TransportConnection owner, Runnable task) {
        return new LoopTimer(this, clock.getAsLong() + delayNanos, owner, task);
    }

    /** Worker only: queues a timer (one cancelled before it got here is dropped). */
    void add(LoopTimer t) {
        if (t.state() != LoopTimer.PENDING) {
            return;
        }
        heap.add(t);
        if (t.owner != null) {
            ConnectionTasks.workQueued(t.owner);
        }
    }

    /** Worker only: the timer was cancelled on this thread; its owner's count is released now. */
    void cancelledOnLoop(LoopTimer t) {
        if (t.owner != null) {
            ConnectionTasks.workDone(t.owner);
        }
    }

    /**
     * Any thread but the loop's: the timer was cancelled there. Its owner's count is released on the loop
     * at once (through the inbox, which wakes it), not at the timer's deadline: a half-closed connection
     * waiting for it can close.
     */
    void cancelledRemotely(LoopTimer t) {
        if (t.owner != null) {
            toLoop.accept(() -> release(t));
        }
    }

    /** Worker only: releases a remotely cancelled timer's count, once (here or when it leaves the heap). */
    private static void release(LoopTimer t) {
        if (t.state() == LoopTimer.CANCELLED_REMOTELY && t.markReleased()) {
            ConnectionTasks.workDone(t.owner);
        }
    }

    /** The earliest deadline, or {@link Long#MAX_VALUE} when none is queued. */
    public long nextDeadline() {
        LoopTimer next = heap.peek();
        return next == null ? Long.MAX_VALUE : next.deadlineNanos;
    }

    /** Whether a timer is due at {@code now}. */
    public boolean hasDue(long now) {
        LoopTimer next = heap.peek();
        return next != null && next.deadlineNanos - now <= 0;
    }

    public int size() {
        return heap.size();
    }

    /** Worker only: runs every timer due now, in deadline order; purges dead ones when many are queued. */
    public void runDue() {
        long now = clock.getAsLong();
        if (heap.size() > PURGE_THRESHOLD && now - nextPurgeNanos >= 0) {
            heap.removeIf(t -> {
                boolean dead = t.isDead();
                if (dead) {
                    dropped(t);
                }
                return dead;
            });
            nextPurgeNanos = now + PURGE_INTERVAL_NANOS;
        }
        LoopTimer t;
        while ((t = heap.peek()) != null && t.deadlineNanos - now <= 0) {
            heap.poll();
            if (t.isDead() || !t.claim()) {
                dropped(t);
                continue;
            }
            if (t.owner == null) {
                runUnowned(t.task);
            } else {
                ConnectionTasks.runTask(t.owner, t.task);
                ConnectionTasks.workDone(t.owner);
            }
        }
    }

    /** A timer leaves the heap without running: release its owner's count unless a cancel did. */
    private static void dropped(LoopTimer t) {
        if (t.owner == null) {
            return;
        }
        if (t.state() == LoopTimer.CANCELLED_REMOTELY) {
            release(t);
        } else if (t.state() == LoopTimer.PENDING) {
            ConnectionTasks.workDone(t.owner); // an owner that closed: its timer never ran
        }
    }

    private static void runUnowned(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.warn("timer failed", e);
        }
    }
}
