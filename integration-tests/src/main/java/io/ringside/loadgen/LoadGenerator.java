package io.ringside.loadgen;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.HdrHistogram.Histogram;

/**
 * The load generator for Ringside's line protocol: many non-blocking connections driven by a few
 * selector threads, every reply verified byte for byte, latencies in HdrHistogram.
 *
 * <p>Use it from the command line ({@link #main}, options in {@link LoadCommand}) or in-process:
 * {@code LoadReport r = LoadGenerator.run(LoadOptions.builder(port).conns(10).seconds(2).build());}
 *
 * <p>Threading: {@link #run} starts {@code threads} worker threads ({@link Worker}) and uses the
 * calling thread to print progress and enforce the overrun guard; it returns once the workers have
 * ended. Concurrent calls are independent.
 */
public final class LoadGenerator {
    /** How long to wait for the workers after the run was stopped. */
    private static final long JOIN_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long TICK_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** How often the caller's stop request is looked at. */
    private static final long POLL_MILLIS = 50;
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS);

    private LoadGenerator() {
    }

    /**
     * Command-line entry point; exits 0 (ok), 1 (errors, losses, no request) or 2 (bad options).
     * A first argument {@code memcached} selects the memcached mode ({@link MemcachedLoadCommand}).
     */
    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("memcached")) {
            System.exit(MemcachedLoadCommand.commandLine(System.out)
                    .execute(java.util.Arrays.copyOfRange(args, 1, args.length)));
        }
        System.exit(LoadCommand.commandLine(System.out).execute(args));
    }

    /** Runs once, printing progress to stdout unless {@link LoadOptions#quiet()}. */
    public static LoadReport run(LoadOptions options) {
        return run(options, System.out);
    }

    /** Runs once, printing progress to {@code progressOut} unless {@link LoadOptions#quiet()}. */
    public static LoadReport run(LoadOptions options, PrintStream progressOut) {
        return run(options, progressOut, options.guardSeconds());
    }

    /**
     * As {@link #run(LoadOptions, PrintStream)}, and ends the run early (as {@link EndReason#STOPPED}, a
     * normal end) once {@code stopRequested} turns true; it is polled every {@value #POLL_MILLIS} ms on the
     * calling thread. In reconnect mode the run then still waits for the answers (up to {@code grace}).
     */
    public static LoadReport run(LoadOptions options, PrintStream progressOut, BooleanSupplier stopRequested) {
        return run(options, progressOut, options.guardSeconds(), stopRequested);
    }

    /** As {@link #run(LoadOptions, PrintStream)} with the overrun guard at {@code guardSeconds} (tests). */
    static LoadReport run(LoadOptions options, PrintStream progressOut, double guardSeconds) {
        return run(options, progressOut, guardSeconds, () -> false);
    }

    private static LoadReport run(LoadOptions options, PrintStream progressOut, double guardSeconds,
                                  BooleanSupplier stopRequested) {
        long start = System.nanoTime();
        RunControl control = new RunControl(options, start);
        List<WorkerStats> stats = new ArrayList<>();
        List<Worker> workers = new ArrayList<>();
        try {
            for (int i = 0; i < options.threads(); i++) {
                WorkerStats s = new WorkerStats();
                stats.add(s);
                workers.add(new Worker(i, options, control, s));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector", e);
        }
        CountDownLatch done = new CountDownLatch(workers.size());
        for (int i = 0; i < workers.size(); i++) {
            Worker w = workers.get(i);
            Thread t = new Thread(() -> {
                try {
                    w.run();
                } finally {
                    done.countDown();
                }
            }, "ringside-loadgen-" + i);
            t.setDaemon(true);
            t.start();
        }
        CpuUse cpu = new CpuUse(options.serverPid());
        supervise(guardSeconds, control, stats, done, new Progress(progressOut, !options.quiet(), start), stopRequested,
                new CpuWindow(control, cpu));
        awaitWorkers(done);
        return report(options, control, stats, cpu);
    }

    /** Prints progress every second until the workers end, or stops the run at the guard time. */
    private static void supervise(double guardSeconds, RunControl control, List<WorkerStats> stats,
                                  CountDownLatch done, Progress progress, BooleanSupplier stopRequested, CpuWindow cpu) {
        long guardAt = control.startNanos() + RunControl.seconds(guardSeconds);
        long nextTick = control.startNanos() + TICK_NANOS;
        try {
            while (true) {
                long now = System.nanoTime();
                long wait = Math.min(Math.min(Math.min(nextTick, guardAt), cpu.nextSample()) - now, POLL_NANOS);
                if (done.await(Math.max(0, wait), TimeUnit.NANOSECONDS)) {
                    cpu.sample(Long.MAX_VALUE); // the run ended: the window ends now, if it had begun
                    return;
                }
                now = System.nanoTime();
                cpu.sample(now);
                if (stopRequested.getAsBoolean()) {
                    control.end(EndReason.STOPPED);
                }
                if (now >= guardAt) {
                    System.err.println("ringside-loadgen: overrun guard: the run did not end within "
                            + guardSeconds + " s; stopping, unanswered lines count as lost");
                    control.stop(EndReason.OVERRUN);
                    cpu.sample(Long.MAX_VALUE);
                    return;
                }
                if (now >= nextTick) {
                    progress.tick(now, control, stats);
                    nextTick += TICK_NANOS;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            control.stop(EndReason.FAILURE);
            cpu.sample(Long.MAX_VALUE);
        }
    }

    /**
     * Samples the CPU times at the start and at the end of the measured window (or when the run ends first), on
     * the supervising thread, which wakes for both.
     *
     * <p>Threading: confined to the supervising thread.
     */
    private static final class CpuWindow {
        private final RunControl control;
        private final CpuUse cpu;
        private boolean started;
        private boolean ended;

        CpuWindow(RunControl control, CpuUse cpu) {
            this.control = control;
            this.cpu = cpu;
        }

        /** When the next sample is due (far away while the load has not started: the poll interval applies). */
        long nextSample() {
            if (ended || !control.loadStarted()) {
                return Long.MAX_VALUE;
            }
            return started ? control.measureEnd() : control.measureStart();
        }

        /** Takes the samples due at {@code now} (Long.MAX_VALUE: the run is over). */
        void sample(long now) {
            if (!started && control.loadStarted() && now >= control.measureStart() && now != Long.MAX_VALUE) {
                started = true;
                cpu.start();
            }
            if (started && !ended && now >= control.measureEnd()) {
                ended = true;
                cpu.end();
            }
        }
    }

    private static void awaitWorkers(CountDownLatch done) {
        try {
            if (!done.await(JOIN_NANOS, TimeUnit.NANOSECONDS)) {
                System.err.println("ringside-loadgen: a worker did not stop in time; its counts may be incomplete");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static LoadReport report(LoadOptions options, RunControl control, List<WorkerStats> stats, CpuUse cpu) {
        Histogram all = WorkerStats.newHistogram();
        long requests = 0;
        long connects = 0;
        long measuredConnects = 0;
        long mismatches = 0;
        long connectionErrors = 0;
        long connectFailures = 0;
        long lostWithConnection = 0;
        long unanswered = 0;
        long sent = 0;
        long received = 0;
        long skipped = 0;
        long held = 0;
        long linesSent = 0;
        long answered = 0;
        long resent = 0;
        long reconnects = 0;
        long resets = 0;
        long repeated = 0;
        for (WorkerStats s : stats) {
            linesSent += s.sentLines();
            answered += s.replies();
            resent += s.resentLines();
            reconnects += s.reconnects();
            resets += s.resets();
            repeated += s.repeats();
            all.add(s.drainLatencies());
            requests += s.requests();
            connects += s.connects();
            measuredConnects += s.measuredConnects();
            mismatches += s.mismatches();
            connectionErrors += s.connectionErrors();
            connectFailures += s.connectFailures();
            lostWithConnection += s.lostLines();
            unanswered += s.unansweredLines();
            sent += s.bytesSent();
            received += s.bytesReceived();
            skipped += s.skippedTicks();
            held += s.heldAtEnd();
        }
        EndReason reason = control.endReason() == null ? EndReason.FAILURE : control.endReason();
        // reconnect mode waited for every answer: what is still unanswered is lost
        boolean cutOff = reason.byBound() && !options.reconnect();
        long lost = lostWithConnection + (cutOff ? 0 : unanswered);
        long inFlight = cutOff ? unanswered : 0;
        return new LoadReport(options, reason, control.measuredSeconds(), requests, connects, measuredConnects,
                mismatches, connectionErrors, connectFailures, lost, inFlight, micros(all, 50), micros(all, 90),
                micros(all, 99), micros(all, 99.9), all.getTotalCount() == 0 ? 0 : all.getMaxValue() / 1000.0,
                sent, received, skipped, held, linesSent, answered, resent, reconnects, resets, repeated,
                TlsTally.of(stats), cpu);
    }

    private static double micros(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1000.0;
    }
}
