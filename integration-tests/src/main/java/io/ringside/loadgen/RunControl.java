package io.ringside.loadgen;

import java.nio.channels.Selector;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The clock and the stop switch shared by the workers and the coordinating thread of one run.
 *
 * <p>Phases: connect (steady, paced and idle modes: until every worker has settled its first connect
 * attempts or the ramp plus the connect timeout passed), then load, which starts with {@code warmup} seconds and then measures until
 * the end time or the request bound. The last worker to settle starts the load phase and wakes the
 * others; a steady run with no connection at all ends there as {@link EndReason#NO_CONNECTIONS}.
 * The first {@link #stop} wins and wakes every worker. When the load phase starts (not in churn mode)
 * one line {@code ringside-loadgen: READY connected=N of M} goes to stderr, for scripts that sample
 * the server while the connections are up.
 *
 * <p>Reconnect mode ends in two steps: the bound (time, requests, or the caller's stop) only winds the
 * run down ({@link #end}): no new line is sent, and each worker goes on until every line it sent is
 * answered or {@code grace} seconds passed, then ends by itself. In the other modes {@link #end} is
 * {@link #stop}.
 *
 * <p>Threading: thread-safe. Times are {@link System#nanoTime()} values, published through volatile
 * fields ({@code loadStart} last, so a reader that sees it also sees the measure window).
 */
final class RunControl {
    private static final int DIAGNOSTIC_LINES = 5;

    private final LoadOptions options;
    private final long startNanos;
    private final long connectDeadline;
    private final List<Selector> selectors = new CopyOnWriteArrayList<>();
    private final AtomicInteger unsettledWorkers;
    private final AtomicInteger connectedAtStart = new AtomicInteger();
    private final AtomicLong measuredRequests = new AtomicLong();
    private final AtomicReference<EndReason> endReason = new AtomicReference<>();
    /** Reconnect mode: why the run is winding down (the first {@link #end} wins). */
    private final AtomicReference<EndReason> windDownReason = new AtomicReference<>();
    private final AtomicInteger diagnostics = new AtomicInteger();

    private volatile long measureStart;
    private volatile long measureEnd;
    private volatile long stopNanos;
    private volatile boolean loadStarted;

    RunControl(LoadOptions options, long startNanos) {
        this.options = options;
        this.startNanos = startNanos;
        this.connectDeadline = startNanos + seconds(options.rampSeconds() + options.connectTimeout());
        this.unsettledWorkers = new AtomicInteger(options.threads());
    }

    static long seconds(double s) {
        return (long) (s * 1e9);
    }

    void addSelector(Selector selector) {
        selectors.add(selector);
    }

    long startNanos() {
        return startNanos;
    }

    long connectDeadline() {
        return connectDeadline;
    }

    /**
     * A worker finished its connect phase with {@code connected} connections up. The last one starts
     * the load phase (or ends a steady run that has no connection at all).
     */
    void workerSettled(int connected) {
        connectedAtStart.addAndGet(connected);
        if (unsettledWorkers.decrementAndGet() != 0) {
            return;
        }
        if (!options.churn() && connectedAtStart.get() == 0) {
            stop(EndReason.NO_CONNECTIONS);
            return;
        }
        if (!options.churn()) {
            System.err.println("ringside-loadgen: READY connected=" + connectedAtStart.get() + " of " + options.conns());
            System.err.flush();
        }
        long now = System.nanoTime();
        long start = now + seconds(options.warmup());
        measureStart = start;
        measureEnd = options.seconds() > 0 ? start + seconds(options.seconds()) : Long.MAX_VALUE;
        loadStarted = true;
        wakeAll();
    }

    boolean loadStarted() {
        return loadStarted;
    }

    /** Start of the measured window; valid once {@link #loadStarted()}. */
    long measureStart() {
        return measureStart;
    }

    /** End of the measured window (Long.MAX_VALUE without a time bound); valid once load started. */
    long measureEnd() {
        return measureEnd;
    }

    /** Adds verified measured replies; stops the run when the request bound is reached. */
    void addRequests(long n) {
        long bound = options.requests();
        if (bound > 0 && measuredRequests.addAndGet(n) >= bound) {
            end(EndReason.REQUESTS);
        }
    }

    /**
     * The run reached its bound: in reconnect mode it winds down (see the class comment), otherwise
     * it stops at once.
     */
    void end(EndReason reason) {
        if (!options.reconnect()) {
            stop(reason);
        } else if (windDownReason.compareAndSet(null, reason)) {
            stopNanos = System.nanoTime();
            wakeAll();
        }
    }

    /** Reconnect mode: whether the run is winding down (no new lines; waiting for the answers). */
    boolean windingDown() {
        return windDownReason.get() != null;
    }

    /** Ends the run (the first reason given wins) and wakes every worker. */
    void stop(EndReason reason) {
        if (endReason.compareAndSet(null, reason)) {
            if (stopNanos == 0) {
                stopNanos = System.nanoTime();
            }
            wakeAll();
        }
    }

    boolean stopped() {
        return endReason.get() != null;
    }

    /** Why the run ended (a stop, else the wind-down's reason), or null while it runs. */
    EndReason endReason() {
        EndReason stop = endReason.get();
        return stop != null ? stop : windDownReason.get();
    }

    /** When {@link #stop} or {@link #end} was first called (0 while running). */
    long stopNanos() {
        return stopNanos;
    }

    /** Seconds measured: from the start of the window to the end time or the stop, if earlier. */
    double measuredSeconds() {
        if (!loadStarted) {
            return 0;
        }
        long stop = stopNanos == 0 ? System.nanoTime() : stopNanos;
        long end = Math.min(stop, measureEnd);
        return Math.max(0, end - measureStart) / 1e9;
    }

    /** Prints a diagnostic to stderr, at most a few per run so a broken server cannot flood it. */
    void diagnose(String message) {
        int n = diagnostics.incrementAndGet();
        if (n <= DIAGNOSTIC_LINES) {
            System.err.println("ringside-loadgen: " + message);
        } else if (n == DIAGNOSTIC_LINES + 1) {
            System.err.println("ringside-loadgen: (further problems are only counted)");
        }
    }

    /** Whether a {@link #diagnose} call would still print (to skip building the message). */
    boolean mayDiagnose() {
        return diagnostics.get() <= DIAGNOSTIC_LINES;
    }

    private void wakeAll() {
        for (Selector s : selectors) {
            s.wakeup();
        }
    }
}
