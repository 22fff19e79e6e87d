package io.ringside.internal.accept;

import io.ringside.WorkerChoice;
import io.ringside.internal.loop.LoopMeters;
import io.ringside.internal.loop.WorkerLoop;

/**
 * Which worker the acceptor offers a new connection first ({@code worker-choice}): the next in turn, the one with
 * the fewest connections, or the one whose recent loop turns were shortest. The figures are each worker's own
 * ({@link LoopMeters}), read without a lock and possibly a turn old; among workers that compare equal the
 * rotation decides, so equal workers still share connections round-robin. Turns are compared in whole
 * milliseconds: a few microseconds' difference is noise, not load.
 *
 * <p>Acceptor only.
 */
final class WorkerPicker {
    private static final long LAG_UNIT_NANOS = 1_000_000;

    private final WorkerChoice choice;
    private final WorkerLoop[] workers;
    private int next;

    WorkerPicker(WorkerChoice choice, WorkerLoop[] workers) {
        this.choice = choice;
        this.workers = workers;
    }

    /** The worker to offer the next connection to first (the caller tries the others in order if its ring is full). */
    int pick() {
        int start = next;
        next = start + 1 == workers.length ? 0 : start + 1;
        if (choice == WorkerChoice.ROUND_ROBIN || workers.length == 1) {
            return start;
        }
        long now = System.nanoTime();
        int best = start;
        long bestScore = score(workers[start].meters(), now);
        for (int k = 1; k < workers.length; k++) {
            int w = (start + k) % workers.length;
            long s = score(workers[w].meters(), now);
            if (s < bestScore) {
                best = w;
                bestScore = s;
            }
        }
        return best;
    }

    private long score(LoopMeters m, long now) {
        return choice == WorkerChoice.LEAST_CONNECTIONS ? m.connections() : m.recentTurnNanos(now) / LAG_UNIT_NANOS;
    }
}
