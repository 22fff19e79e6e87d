package io.ringside.internal.connection;

import io.ringside.OffloadCallback;
import java.util.ArrayDeque;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;

/**
 * A connection's offloaded calls in the order they were made: each runs on the offload executor, its
 * outcome comes back to the worker through the loop's inbox, and outcomes are handed to their callbacks
 * strictly in call order (a fast call waits for a slow one made before it), so replies keep request
 * order.
 *
 * <p>Confined to the connection's worker, except {@link Call#run}, which runs on an offload thread and
 * touches only its own call; the inbox hand-over orders its writes before the worker's reads.
 */
final class OffloadQueue {
    private final TransportConnection owner;
    private final ArrayDeque<Call<?>> calls = new ArrayDeque<>();

    OffloadQueue(TransportConnection owner) {
        this.owner = owner;
    }

    int inFlight() {
        return calls.size();
    }

    /** Starts a call; at the per-connection limit, reading pauses until an outcome comes back. */
    <T> void submit(Callable<T> work, OffloadCallback<T> then) {
        Call<T> call = new Call<>(work, then);
        calls.addLast(call);
        try {
            owner.context.offloadExecutor().execute(call);
        } catch (RejectedExecutionException e) {
            call.failure = e; // the server is stopping: the callback hears it, in order
            call.done = true;
            deliverReady();
        }
        if (calls.size() >= owner.context.limits().maxOffloads) {
            ConnectionEvents.hold(owner, ReadHolds.OFFLOADS);
        }
    }

    /** On the worker: hands every leading finished call to its callback. */
    void deliverReady() {
        Call<?> head;
        while ((head = calls.peekFirst()) != null && head.done) {
            calls.pollFirst();
            if (owner.state != ConnectionState.CLOSED) {
                Dispatcher.run(owner, head.deliver);
            }
        }
    }

    /** One offloaded call: the work off the loop, then the hand-over of its outcome on the loop. */
    private final class Call<T> implements Runnable {
        private final Callable<T> work;
        private final OffloadCallback<T> then;
        private final Runnable backOnLoop = this::finishedOnLoop;
        private final Runnable deliver = this::deliver;
        /** Written by the offload thread before it posts backOnLoop; the inbox queue orders the reads after. */
        private T result;
        private Throwable failure;
        /** Worker only: the outcome arrived. */
        private boolean done;

        Call(Callable<T> work, OffloadCallback<T> then) {
            this.work = work;
            this.then = then;
        }

        /** On an offload thread: the blocking work. */
        @Override
        public void run() {
            try {
                result = work.call();
            } catch (Throwable t) {
                failure = t;
            }
            owner.context.execute(owner, backOnLoop);
        }

        private void deliver() {
            then.complete(owner, result, failure);
        }

        private void finishedOnLoop() {
            done = true;
            ConnectionTasks.offloadFinished(owner);
        }
    }
}
