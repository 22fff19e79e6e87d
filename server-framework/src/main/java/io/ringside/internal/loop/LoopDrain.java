package io.ringside.internal.loop;

import io.ringside.CloseReason;
import io.ringside.internal.connection.ConnectionEvents;
import io.ringside.internal.connection.TransportConnection;

/**
 * A worker's part of stopping the server, in one place: the request (from the stopping thread), the
 * start (every connection reads what the kernel holds, answers it and closes after its flush), and the
 * end (nothing left, or the deadline: what is left is closed with {@link CloseReason#DRAIN_TIMEOUT}).
 *
 * <p>{@link #request} on any thread; the rest on the worker.
 */
final class LoopDrain {
    /** Set by request(); read by the loop each turn (and by the pre-block re-check). */
    private volatile boolean requested;
    /** Written before {@code requested}, read after it. */
    private volatile long deadlineNanos;
    private boolean started;

    void request(long deadline) {
        deadlineNanos = deadline;
        requested = true;
    }

    /** Whether a request arrived that the loop has not started on yet (work that must not wait in select). */
    boolean pendingStart() {
        return requested && !started;
    }

    boolean started() {
        return started;
    }

    long deadlineNanos() {
        return deadlineNanos;
    }

    /** Worker: starts the drain if it was requested. */
    void startIfRequested(WorkerContext context) {
        if (requested && !started) {
            started = true;
            context.startDraining();
            for (TransportConnection c : context.connections.snapshot()) {
                ConnectionEvents.beginDrain(c);
            }
        }
    }

    /** Worker: true when the drain is over (nothing left, or the deadline passed and the rest was closed). */
    boolean finished(WorkerContext context, Handoff handoff) {
        if (!started) {
            return false;
        }
        long now = System.nanoTime(); // read only while draining: the turn of a running loop does not pay for it
        if (context.connections.size() == 0 && !handoff.hasPending()) {
            return true;
        }
        if (now - deadlineNanos >= 0) {
            handoff.poll();
            closeAll(context, CloseReason.DRAIN_TIMEOUT);
            return true;
        }
        return false;
    }

    static void closeAll(WorkerContext context, CloseReason reason) {
        for (TransportConnection c : context.connections.snapshot()) {
            ConnectionEvents.closeNow(c, reason);
        }
    }
}
