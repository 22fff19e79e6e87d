package io.ringside.internal.connection;

import io.ringside.ServerConfig;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The process-wide output budget ({@code max-buffered-output-bytes}): the bytes queued for output on every
 * connection of every worker, counted together. Each worker adds its connections' changes once per flush (not
 * per write), so the count may run ahead of the budget by at most one write batch per connection before the
 * connections holding more than their share ({@link #share}) stop reading ({@link OutputBudgetGuard}).
 *
 * <p>Thread-safe, without a lock: two atomics updated by the workers, read by them and by the stats.
 */
public final class OutputBudget {
    /** A budget that is off: nothing is counted. */
    public static final OutputBudget OFF = new OutputBudget(0, 0);

    private final long limit;
    /** Below this the paused connections read again (three quarters of the budget: no flapping at the line). */
    private final long resumeBelow;
    final long graceNanos;
    /** Bytes queued on every connection, as last reported by each connection's flush; every worker adds to it. */
    private final AtomicLong buffered = new AtomicLong();
    /** Connections with output counted in {@code buffered}; the share is the budget divided among them. */
    private final AtomicInteger holders = new AtomicInteger();
    /** Times the count went from within the budget to past it: each worker scans its connections once per crossing. */
    private final AtomicLong crossings = new AtomicLong();

    OutputBudget(long limit, long graceNanos) {
        this.limit = limit;
        this.resumeBelow = limit - limit / 4;
        this.graceNanos = graceNanos;
    }

    /** The budget of {@code config}: -1 resolves to half the JVM's max direct memory, 0 is off. */
    public static OutputBudget forConfig(ServerConfig config) {
        long limit = config.maxBufferedOutputBytes();
        if (limit < 0) {
            limit = maxDirectMemory() / 2;
        }
        return limit == 0 ? OFF : new OutputBudget(limit, config.outputBudgetGrace().toNanos());
    }

    /**
     * The JVM's limit on direct buffers: {@code -XX:MaxDirectMemorySize} when given, else the heap's maximum (the
     * JVM's own default for it), as Netty's PlatformDependent reads it, without a JDK-internal class.
     */
    static long maxDirectMemory() {
        List<String> args = ManagementFactory.getRuntimeMXBean().getInputArguments();
        for (int i = args.size() - 1; i >= 0; i--) {
            String a = args.get(i).toLowerCase(Locale.ROOT);
            if (a.startsWith("-xx:maxdirectmemorysize=")) {
                long size = parseJvmSize(a.substring("-xx:maxdirectmemorysize=".length()));
                if (size > 0) {
                    return size;
                }
            }
        }
        return Runtime.getRuntime().maxMemory();
    }

    /** A JVM size option's value ({@code 512m}, {@code 2g}, bytes); 0 when unreadable. */
    static long parseJvmSize(String v) {
        long unit = 1;
        char last = v.isEmpty() ? '0' : v.charAt(v.length() - 1);
        switch (last) {
            case 'k': unit = 1L << 10; break;
            case 'm': unit = 1L << 20; break;
            case 'g': unit = 1L << 30; break;
            case 't': unit = 1L << 40; break;
            default: break;
        }
        try {
            return Math.multiplyExact(Long.parseLong(unit == 1 ? v : v.substring(0, v.length() - 1)), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            return 0;
        }
    }

    public boolean enabled() {
        return limit > 0;
    }

    /** The budget in bytes (0: off). */
    public long limit() {
        return limit;
    }

    /** Any thread: the queued output of every connection, as their last flushes reported it. */
    public long buffered() {
        return buffered.get();
    }

    /** A connection's change in queued output ({@code holders}: +1 it started holding some, -1 it holds none now). */
    void add(long delta, int holderDelta) {
        if (holderDelta != 0) {
            holders.addAndGet(holderDelta);
        }
        long now = buffered.addAndGet(delta);
        if (delta > 0 && now > limit && now - delta <= limit) {
            crossings.incrementAndGet();
        }
    }

    boolean over() {
        return buffered.get() > limit;
    }

    boolean canResume() {
        return buffered.get() < resumeBelow;
    }

    /** The budget divided among the connections holding output: who holds more is among those holding the most. */
    long share() {
        return limit / Math.max(1, holders.get());
    }

    /** How many times the count crossed the budget (a worker that saw fewer scans its connections). */
    public long crossings() {
        return crossings.get();
    }
}
