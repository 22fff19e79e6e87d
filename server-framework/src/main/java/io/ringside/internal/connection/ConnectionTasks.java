package io.ringside.internal.connection;

/**
 * The pending work of a connection: timers and tasks queued on its loop, tasks posted from other
 * threads, offloaded calls. Each counts while pending, so a half-closed connection closes only once its
 * work is done; each flushes what it wrote.
 *
 * <p>Stateless; every method runs on the connection's loop.
 */
public final class ConnectionTasks {
    private ConnectionTasks() {
    }

    /** The loop queued a timer or a same-loop task of this connection. */
    public static void workQueued(TransportConnection c) {
        c.pendingWork++;
    }

    /** That timer or task ran, or was dropped. */
    public static void workDone(TransportConnection c) {
        c.pendingWork--;
        ConnectionEvents.maybeFinishHalfClose(c);
        ConnectionEvents.flush(c);
    }

    /** A task posted from another thread ran (or was dropped because the connection closed). */
    public static void remoteTaskDone(TransportConnection c) {
        c.countRemoteTask(-1);
        ConnectionEvents.maybeFinishHalfClose(c);
        ConnectionEvents.flush(c);
    }

    /** Runs a task or timer of this connection's on its loop, unless closed, then flushes what it wrote. */
    public static void runTask(TransportConnection c, Runnable task) {
        if (c.state == ConnectionState.CLOSED) {
            return;
        }
        Dispatcher.run(c, task);
        ConnectionEvents.flush(c);
    }

    /** Its turn in the loop's flush queue: it was written to from outside its own events (a relay's other side). */
    public static void flushQueued(TransportConnection c) {
        c.flushQueued = false;
        ConnectionEvents.flush(c);
    }

    /** An offloaded call's outcome arrived: deliver what is due in order, then resume reading if held. */
    static void offloadFinished(TransportConnection c) {
        c.offloads.deliverReady();
        if (c.offloads.inFlight() < c.context.limits().maxOffloads) {
            ConnectionEvents.release(c, ReadHolds.OFFLOADS);
        }
        ConnectionEvents.maybeFinishHalfClose(c);
        ConnectionEvents.flush(c);
    }
}
