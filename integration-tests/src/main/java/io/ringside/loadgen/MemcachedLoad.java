package io.ringside.loadgen;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * The load generator's memcached mode: {@code conns} connections ({@link MemcachedConnection}, one
 * thread each) run a get/set mix against a memcached-compatible server with every returned value
 * checked; the result is a {@link MemcachedReport}. Phases: connect and prefill (every connection
 * sets its own keys), then all start together, warm up, and measure for the time or request bound.
 *
 * <p>Use: {@code MemcachedLoad.run(MemcachedLoadOptions.builder(port).seconds(2).build(), System.out)},
 * or {@code java -jar ringside-loadgen.jar memcached --port P ...} ({@link MemcachedLoadCommand}).
 *
 * <p>Threading: {@link #run} uses the calling thread to start the connections, release them, print
 * progress and enforce the guard; the connections call {@link #prefilled}, {@link #awaitStart},
 * {@link #addRequests} and {@link #timeUp} from their own threads (thread-safe).
 */
public final class MemcachedLoad {
    private static final long JOIN_MILLIS = 5_000;

    private final MemcachedLoadOptions options;
    private final CpuUse cpu;
    private final CountDownLatch prefilled;
    private final CountDownLatch go = new CountDownLatch(1);
    private final AtomicLong measured = new AtomicLong();
    /** Set once by the coordinator before {@code go} opens; read by the connections after it (latch: happens-before). */
    private long[] window;
    /** Started by the coordinator once the window is set; joined before the report. */
    private Thread sampler;
    /** Set by any thread to end the run; read by every connection before each batch. */
    private volatile String stopReason;

    private MemcachedLoad(MemcachedLoadOptions options, long serverPid) {
        this.options = options;
        this.cpu = new CpuUse(serverPid);
        this.prefilled = new CountDownLatch(options.conns());
    }

    /** Runs once; progress lines to {@code progressOut} unless quiet. */
    public static MemcachedReport run(MemcachedLoadOptions options, PrintStream progressOut) {
        return run(options, progressOut, CpuUse.NONE);
    }

    /** Runs once and also measures the CPU time of the server process {@code serverPid} in the window (-1: none). */
    public static MemcachedReport run(MemcachedLoadOptions options, PrintStream progressOut, long serverPid) {
        return new MemcachedLoad(options, serverPid).execute(progressOut);
    }

    private MemcachedReport execute(PrintStream progressOut) {
        long start = System.nanoTime();
        long guardAt = start + (long) (options.guardSeconds() * 1e9);
        String prefix = "lg" + Long.toString(start & 0xFFFFFFL, 36) + Integer.toString((int) (Math.random() * 1e6), 36) + ":";
        MemcachedValues values = new MemcachedValues(prefix, options.valueSize());
        List<MemcachedConnection> conns = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < options.conns(); i++) {
            MemcachedConnection c = new MemcachedConnection(i, options, this, values, start * 31 + i);
            Thread t = new Thread(c, "ringside-loadgen-mc-" + i);
            t.setDaemon(true);
            conns.add(c);
            threads.add(t);
            t.start();
        }
        try {
            if (!prefilled.await(Math.max(0, guardAt - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                stop("overrun guard during the prefill");
            }
            long loadStart = System.nanoTime();
            long measureStart = loadStart + (long) (options.warmup() * 1e9);
            long measureEnd = options.seconds() > 0 ? measureStart + (long) (options.seconds() * 1e9) : guardAt;
            window = new long[] {measureStart, Math.min(measureEnd, guardAt)};
            go.countDown();
            sampler = new Thread(this::sampleCpu, "ringside-loadgen-cpu");
            sampler.setDaemon(true);
            sampler.start();
            supervise(threads, conns, guardAt, progressOut, loadStart);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop("interrupted");
        } finally {
            go.countDown();
        }
        for (Thread t : threads) {
            try {
                t.join(JOIN_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (sampler != null) {
            sampler.interrupt();
            try {
                sampler.join(JOIN_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        double seconds = window == null ? 0 : Math.max(0, (Math.min(System.nanoTime(), window[1]) - window[0]) / 1e9);
        return report(conns, threads, seconds);
    }

    /** The sampler thread: CPU times at the start and at the end of the measured window (or at an early stop). */
    private void sampleCpu() {
        try {
            sleepUntil(window[0]);
            cpu.start();
            sleepUntil(window[1]);
        } catch (InterruptedException e) {
            // the run ended early: the window ends now
        }
        cpu.end();
    }

    private void sleepUntil(long deadline) throws InterruptedException {
        for (long left; (left = deadline - System.nanoTime()) > 0 && !stopped(); ) {
            TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(10)));
        }
    }

    private void supervise(List<Thread> threads, List<MemcachedConnection> conns, long guardAt, PrintStream out,
                           long loadStart) throws InterruptedException {
        long nextTick = loadStart + TimeUnit.SECONDS.toNanos(1);
        for (Thread t : threads) {
            while (t.isAlive()) {
                long now = System.nanoTime();
                if (now >= guardAt) {
                    stop("overrun guard after " + options.guardSeconds() + " s");
                    return;
                }
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(Math.min(guardAt, nextTick) - now)));
                if (!options.quiet() && System.nanoTime() >= nextTick) {
                    long total = 0;
                    for (MemcachedConnection c : conns) {
                        total += c.published();
                    }
                    out.printf(Locale.ROOT, "  %3.0f s  %,d requests verified%n", (System.nanoTime() - loadStart) / 1e9, total);
                    nextTick += TimeUnit.SECONDS.toNanos(1);
                }
            }
        }
    }

    private MemcachedReport report(List<MemcachedConnection> conns, List<Thread> threads, double seconds) {
        Histogram all = new Histogram(1, WorkerStats.HIGHEST_NANOS, 3);
        long requests = 0, gets = 0, sets = 0, keys = 0, hits = 0;
        List<String> errors = new ArrayList<>();
        for (int i = 0; i < conns.size(); i++) {
            MemcachedConnection c = conns.get(i);
            if (threads.get(i).isAlive()) {
                errors.add("conn " + i + ": did not stop in time");
                continue;
            }
            all.add(c.latencies);
            requests += c.requests;
            gets += c.gets;
            sets += c.sets;
            keys += c.keysRequested;
            hits += c.hits;
            if (c.error != null) {
                errors.add(c.error);
            }
        }
        String reason = stopReason == null ? "no bound reached" : stopReason;
        return new MemcachedReport(options, reason, seconds, requests, gets, sets, keys, hits, errors, cpu,
                micros(all, 50), micros(all, 99), micros(all, 99.9), all.getTotalCount() == 0 ? 0 : all.getMaxValue() / 1000.0);
    }

    private static double micros(Histogram h, double p) {
        return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(p) / 1000.0;
    }

    private void stop(String reason) {
        if (stopReason == null) {
            stopReason = reason;
        }
    }

    boolean stopped() {
        return stopReason != null;
    }

    /** A connection finished its prefill (or failed). */
    void prefilled() {
        prefilled.countDown();
    }

    /** Blocks until all connections are prefilled; the measured window [start, end), or null if the run ended. */
    long[] awaitStart() throws InterruptedException {
        go.await();
        return stopped() ? null : window;
    }

    void addRequests(int n) {
        if (measured.addAndGet(n) >= options.requests() && options.requests() > 0) {
            stop(MemcachedReport.REQUEST_BOUND);
        }
    }

    void timeUp() {
        stop(MemcachedReport.TIME_BOUND);
    }
}
