package io.ringside.loadgen;

import java.util.List;
import java.util.Locale;

/**
 * The outcome of one memcached-mode run. {@code ok()}: ended by its bound, at least one request,
 * no error (every value read back was the one written, every set STORED, no miss of a key that was
 * set, no timeout or broken connection).
 *
 * <p>Threading: immutable.
 *
 * @param keysRequested keys asked for by the gets (a multi-get counts each key)
 * @param hits          keys that were set and came back with their value
 * @param errors        the first problem of each connection that had one
 * @param cpu           CPU time of the server and the load generator in the measured window
 */
public record MemcachedReport(MemcachedLoadOptions options, String endReason, double measuredSeconds, long requests,
                              long gets, long sets, long keysRequested, long hits, List<String> errors,
                              CpuUse cpu, double p50Us, double p99Us, double p999Us, double maxUs) {
    static final String TIME_BOUND = "time bound";
    static final String REQUEST_BOUND = "request bound";

    public MemcachedReport {
        errors = List.copyOf(errors);
    }

    public boolean ok() {
        boolean byBound = TIME_BOUND.equals(endReason) || REQUEST_BOUND.equals(endReason);
        return byBound && requests > 0 && errors.isEmpty();
    }

    public double requestsPerSecond() {
        return measuredSeconds > 0 ? requests / measuredSeconds : 0;
    }

    public String summary() {
        MemcachedLoadOptions o = options;
        StringBuilder sb = new StringBuilder(512);
        sb.append(f("ringside-loadgen memcached %s: %d conns, depth %d, %.0f%% gets of %d key(s), %d keys, %d-byte values%n",
                o.target(), o.conns(), o.depth(), o.getRatio() * 100, o.multiGet(), o.keys(), o.valueSize()));
        sb.append(f("  measured      %.3f s (warmup %.1f s), ended by %s%n", measuredSeconds, o.warmup(), endReason));
        sb.append(f("  requests      %,d verified (%,d gets, %,d sets), %,.1f req/s%n", requests, gets, sets, requestsPerSecond()));
        sb.append(f("  keys read     %,d (%,d hits, every value checked)%n", keysRequested, hits));
        sb.append(f("  errors        %,d%n", errors.size()));
        for (String e : errors.subList(0, Math.min(5, errors.size()))) {
            sb.append("    ").append(e).append('\n');
        }
        sb.append(f("  latency (us)  p50 %.1f  p99 %.1f  p99.9 %.1f  max %.1f (per batch of depth requests)%n",
                p50Us, p99Us, p999Us, maxUs));
        sb.append(f("  cpu           %s%n", cpu.describe(measuredSeconds, requests)));
        sb.append(f("  result        %s%n", ok() ? "OK" : "FAILED"));
        return sb.toString();
    }

    /** One JSON object on one line. */
    public String toJson() {
        MemcachedLoadOptions o = options;
        return f("{\"mode\":\"memcached\",\"host\":\"%s\",\"port\":%d,\"conns\":%d,\"depth\":%d,\"get_ratio\":%.3f,"
                        + "\"keys\":%d,\"value_size\":%d,\"multi_get\":%d,\"end_reason\":\"%s\",\"seconds\":%.3f,"
                        + "\"requests\":%d,\"rps\":%.3f,\"gets\":%d,\"sets\":%d,\"keys_requested\":%d,\"hits\":%d,"
                        + "\"errors\":%d,\"p50_us\":%.3f,\"p99_us\":%.3f,\"p999_us\":%.3f,\"max_us\":%.3f,"
                        + "\"server_cpu_s\":%.3f,\"loadgen_cpu_s\":%.3f,\"server_us_per_request\":%.3f,\"ok\":%s}",
                o.host().getHostAddress(), o.port(), o.conns(), o.depth(), o.getRatio(), o.keys(), o.valueSize(),
                o.multiGet(), endReason, measuredSeconds, requests, requestsPerSecond(), gets, sets, keysRequested, hits,
                errors.size(), p50Us, p99Us, p999Us, maxUs, cpu.serverSeconds(), cpu.selfSeconds(),
                cpu.serverMicrosPerRequest(requests), ok());
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
