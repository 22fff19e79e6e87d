package io.ringside.internal.loop;

import io.ringside.internal.connection.ConnectionTasks;
import io.ringside.internal.connection.TransportConnection;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Work handed to a loop, and the wake-up protocol that makes sure a loop blocked in {@code select}
 * sees it.
 *
 * <p>The protocol, after memcached's notify pipe and Netty's {@code wakenUp}: before blocking, the loop
 * sets {@code wakeupNeeded}, issues a full fence and re-checks every source of work (this inbox, its
 * hand-off ring, a drain request); a producer publishes its work, issues a full fence and, if the flag is
 * set, clears it and wakes the selector. Either the loop's re-check sees the work or the producer sees
 * the flag: a wake-up cannot be lost. Wake-ups are coalesced: one per sleep, however many producers.
 *
 * <p>Threading: {@link #post} and {@link #wakeUp} on any thread; the rest on the loop only. Tasks posted
 * on the loop itself go to a plain local queue (no allocation, no fence) and count as their connection's
 * pending work until they run.
 */
public final class Inbox {
    private static final Logger LOG = LoggerFactory.getLogger(Inbox.class);
    /** Tasks from other threads run per turn at most, so a flood of posts cannot hold the loop. */
    private static final int MAX_REMOTE_PER_TURN = 4096;
    /** Stands for "no connection" in the local queue of (owner, task) pairs. */
    private static final Object NO_OWNER = new Object();

    private final ConcurrentLinkedQueue<Posted> remote = new ConcurrentLinkedQueue<>();
    /** Loop only: (owner or NO_OWNER, task) pairs posted by the loop itself. */
    private final ArrayDeque<Object> local = new ArrayDeque<>();
    /** True while the loop may block: set before its re-check for work, cleared by the waker. */
    private final AtomicBoolean wakeupNeeded = new AtomicBoolean();
    private final Runnable waker;

    /** {@code waker} interrupts the loop's blocking wait ({@code selector::wakeup}). */
    public Inbox(Runnable waker) {
        this.waker = waker;
    }

    /**
     * Any thread but the loop's: queues a task (of {@code owner}, or none) and wakes the loop. A
     * connection's task counts as its pending work until it runs, so a half-closed connection waits for it.
     */
    public void post(TransportConnection owner, Runnable task) {
        if (owner != null) {
            owner.countRemoteTask(1);
        }
        remote.add(new Posted(owner, task));
        wakeUp();
    }

    /** Loop only: queues a task to run after the current call; a connection's counts as its pending work. */
    public void postLocal(TransportConnection owner, Runnable task) {
        local.addLast(owner == null ? NO_OWNER : owner);
        local.addLast(task);
        if (owner != null) {
            ConnectionTasks.workQueued(owner);
        }
    }

    /**
     * Any thread: wakes the loop if it is blocked (or about to block). The fence orders the caller's
     * publication (a queue add, a ring publish: only a release store) before the read of the flag; it
     * pairs with the fence in {@link #prepareToBlock}.
     */
    public void wakeUp() {
        VarHandle.fullFence();
        if (wakeupNeeded.get() && wakeupNeeded.getAndSet(false)) {
            waker.run();
        }
    }

    /**
     * Loop only, before blocking: sets the flag and fences, so that the caller's re-check of every source
     * of work, which must follow, cannot be ordered before the flag store. Pairs with {@link #wakeUp}.
     */
    public void prepareToBlock() {
        wakeupNeeded.set(true);
        VarHandle.fullFence();
    }

    /** Loop only, after the blocking wait returned. */
    public void awake() {
        wakeupNeeded.set(false);
    }

    /** Whether tasks wait (a hint on other threads; exact on the loop for its local tasks). */
    public boolean hasWork() {
        return !local.isEmpty() || !remote.isEmpty();
    }

    /**
     * Loop only: runs the tasks present now. Tasks they post run next turn, so a task that re-posts
     * itself cannot starve the loop.
     */
    public void runPending() {
        for (int n = local.size() / 2; n > 0; n--) {
            Object owner = local.pollFirst();
            Runnable task = (Runnable) local.pollFirst();
            if (owner == NO_OWNER) {
                runUnowned(task);
            } else {
                TransportConnection c = (TransportConnection) owner;
                ConnectionTasks.runTask(c, task);
                ConnectionTasks.workDone(c);
            }
        }
        Posted p;
        for (int n = 0; n < MAX_REMOTE_PER_TURN && (p = remote.poll()) != null; n++) {
            if (p.owner == null) {
                runUnowned(p.task);
            } else {
                ConnectionTasks.runTask(p.owner, p.task);
                ConnectionTasks.remoteTaskDone(p.owner);
            }
        }
    }

    private static void runUnowned(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.warn("loop task failed", e);
        }
    }

    /** A task posted from another thread. */
    private static final class Posted {
        final TransportConnection owner;
        final Runnable task;

        Posted(TransportConnection owner, Runnable task) {
            this.owner = owner;
            this.task = task;
        }
    }
}
