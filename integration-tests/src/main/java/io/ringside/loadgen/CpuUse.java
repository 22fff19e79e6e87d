package io.ringside.loadgen;

import java.time.Duration;
import java.util.Locale;

/**
 * CPU time spent during the measured window by the server under test (when its process id was given) and
 * by the load generator itself, read from the operating system ({@link ProcessHandle.Info#totalCpuDuration}:
 * user + system time of every thread). It tells a saturated server from a load generator that could not
 * keep up, and gives the server's cost per request independently of the request rate.
 *
 * <p>Threading: {@link #start} and {@link #end} are called by one thread (the run's sampler); immutable after.
 */
public final class CpuUse {
    /** No server process given (or it could not be read). */
    static final long NONE = -1;

    private final long serverPid;
    private long serverStart = NONE;
    private long selfStart = NONE;
    private long serverNanos = NONE;
    private long selfNanos = NONE;

    CpuUse(long serverPid) {
        this.serverPid = serverPid;
    }

    private static long cpuNanos(long pid) {
        if (pid <= 0) {
            return NONE;
        }
        return ProcessHandle.of(pid).flatMap(p -> p.info().totalCpuDuration()).map(Duration::toNanos).orElse(NONE);
    }

    void start() {
        serverStart = cpuNanos(serverPid);
        selfStart = cpuNanos(ProcessHandle.current().pid());
    }

    void end() {
        long server = cpuNanos(serverPid);
        long self = cpuNanos(ProcessHandle.current().pid());
        serverNanos = serverStart == NONE || server == NONE ? NONE : server - serverStart;
        selfNanos = selfStart == NONE || self == NONE ? NONE : self - selfStart;
    }

    /** Server CPU seconds in the window, or -1 when unknown. */
    public double serverSeconds() {
        return serverNanos == NONE ? -1 : serverNanos / 1e9;
    }

    /** The load generator's CPU seconds in the window, or -1 when unknown. */
    public double selfSeconds() {
        return selfNanos == NONE ? -1 : selfNanos / 1e9;
    }

    /** Server CPU microseconds per request, or -1 when unknown. */
    public double serverMicrosPerRequest(long requests) {
        return serverNanos == NONE || requests == 0 ? -1 : serverNanos / 1e3 / requests;
    }

    /** The summary line: "server 0.98 CPU (12.3 us/request), load generator 0.71 CPU". */
    String describe(double seconds, long requests) {
        if (seconds <= 0) {
            return "not measured";
        }
        String self = selfNanos == NONE ? "load generator unknown" : String.format(Locale.ROOT, "load generator %.2f CPU", selfSeconds() / seconds);
        if (serverNanos == NONE) {
            return "server unknown (give --server-pid), " + self;
        }
        return String.format(Locale.ROOT, "server %.2f CPU (%.2f us/request), %s", serverSeconds() / seconds,
                serverMicrosPerRequest(requests), self);
    }
}
