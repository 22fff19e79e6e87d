package io.ringside.loadgen;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * The once-a-second progress line: elapsed time since the start, replies per second over the last
 * second, total errors so far and the p99 latency of the measured window so far.
 *
 * <p>Threading: used only by the coordinating thread of a run. It drains the workers' latency
 * recorders ({@link WorkerStats#drainLatencies()}), which only that thread may do.
 */
final class Progress {
    private final PrintStream out;
    private final boolean enabled;
    private final Histogram merged = WorkerStats.newHistogram();
    private long lastReplies;
    private long lastNanos;

    Progress(PrintStream out, boolean enabled, long startNanos) {
        this.out = out;
        this.enabled = enabled;
        this.lastNanos = startNanos;
    }

    /** Drains the latencies recorded so far and, unless disabled, prints one line. */
    void tick(long now, RunControl control, List<WorkerStats> stats) {
        merged.reset();
        long replies = 0;
        long errors = 0;
        for (WorkerStats s : stats) {
            merged.add(s.drainLatencies());
            replies += s.publishedReplies();
            errors += s.publishedErrors();
        }
        double interval = Math.max(1e-9, (now - lastNanos) / 1e9);
        double rate = (replies - lastReplies) / interval;
        lastReplies = replies;
        lastNanos = now;
        if (!enabled) {
            return;
        }
        double elapsed = (now - control.startNanos()) / 1e9;
        String phase = phase(now, control);
        double p99 = merged.getTotalCount() == 0 ? 0 : merged.getValueAtPercentile(99.0) / 1000.0;
        out.println(String.format(Locale.ROOT, "[%6.1f s] %,12.0f req/s  errors %,d  p99 %,.1f us%s",
                elapsed, rate, errors, p99, phase));
        out.flush();
    }

    private static String phase(long now, RunControl control) {
        if (!control.loadStarted()) {
            return "  (connecting)";
        }
        return now < control.measureStart() ? "  (warmup)" : "";
    }
}
