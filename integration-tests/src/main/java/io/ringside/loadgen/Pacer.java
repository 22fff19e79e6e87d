package io.ringside.loadgen;

import java.util.SplittableRandom;

/**
 * The send schedule of paced mode ({@code --interval}): each of a worker's {@code n} connections gets
 * one tick per interval, always at the same phase within the interval.
 *
 * <p>Phases: the interval is cut into {@code n} equal slots; the connections are dealt to the slots in
 * a random order and each one's phase is a random point inside its slot. So the sends are spread
 * evenly over the interval (one slot per connection, never a burst of ticks at the same instant)
 * with no pattern tied to connection ids (ids decide the source address and, on the server, the
 * worker).
 *
 * <p>Because every connection has the same interval, the order of the next ticks never changes: the
 * schedule is a ring of slots walked by a cursor, O(1) per tick with no allocation and no priority
 * queue, whatever the number of connections.
 *
 * <p>Falling behind: when the worker is late by a whole interval or more (a stall), the rounds it
 * missed are skipped (each connection loses those ticks, counted by {@link #skipped()}) instead of
 * being fired in a burst; then at most one round of due ticks fires.
 *
 * <p>Threading: not thread-safe; owned by one worker thread.
 */
final class Pacer {
    /** Receives the ticks: connection number {@code index} (0-based within the worker) is due. */
    interface Tick {
        void fire(int index, long nowNanos);
    }

    private final long intervalNanos;
    /** order[k]: the connection of slot k. */
    private final int[] order;
    /** phase[k]: offset of slot k's tick from the start of each round, ascending. */
    private final long[] phase;
    private long roundStart;
    private int cursor;
    private long skipped;

    /**
     * A schedule whose first round starts at {@code startNanos}.
     *
     * @param n             connections (at least 1)
     * @param intervalNanos time between two ticks of one connection (at least 1 ms)
     * @param startNanos    start of the first round ({@link System#nanoTime()} clock)
     * @param random        source of the slot order and of the phases within slots
     */
    Pacer(int n, long intervalNanos, long startNanos, SplittableRandom random) {
        if (n < 1) {
            throw new IllegalArgumentException("no connection to pace");
        }
        if (intervalNanos < 1_000_000) {
            throw new IllegalArgumentException("interval below 1 ms: " + intervalNanos + " ns");
        }
        this.intervalNanos = intervalNanos;
        this.order = new int[n];
        this.phase = new long[n];
        for (int k = 0; k < n; k++) {
            order[k] = k;
        }
        for (int k = n - 1; k > 0; k--) { // Fisher-Yates
            int j = random.nextInt(k + 1);
            int t = order[k];
            order[k] = order[j];
            order[j] = t;
        }
        double slot = (double) intervalNanos / n;
        for (int k = 0; k < n; k++) {
            phase[k] = Math.min(intervalNanos - 1, (long) ((k + random.nextDouble()) * slot));
        }
        this.roundStart = startNanos;
    }

    /** When the next tick is due. */
    long nextDue() {
        return roundStart + phase[cursor];
    }

    /** Ticks dropped because the worker fell a whole interval or more behind. */
    long skipped() {
        return skipped;
    }

    /**
     * Fires every tick due at or before {@code nowNanos}, in schedule order, after dropping whole
     * rounds the worker is late by.
     *
     * @return how many ticks fired
     */
    int fireDue(long nowNanos, Tick tick) {
        long late = nowNanos - nextDue();
        if (late >= intervalNanos) {
            long rounds = late / intervalNanos;
            roundStart += rounds * intervalNanos;
            skipped += rounds * order.length;
        }
        int fired = 0;
        while (nextDue() <= nowNanos) {
            tick.fire(order[cursor], nowNanos);
            fired++;
            if (++cursor == order.length) {
                cursor = 0;
                roundStart += intervalNanos;
            }
        }
        return fired;
    }

    /** The phase of connection {@code index} within the interval (tests). */
    long phaseOf(int index) {
        for (int k = 0; k < order.length; k++) {
            if (order[k] == index) {
                return phase[k];
            }
        }
        throw new IllegalArgumentException("no connection " + index);
    }
}
