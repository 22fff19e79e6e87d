package io.ringside.loadgen;

import java.net.InetAddress;
import java.util.Objects;

/**
 * One run of the memcached mode ({@link MemcachedLoad}), validated on construction.
 *
 * <p>Each connection owns the keys {@code i} with {@code i % conns == its id} (so it alone writes
 * them and knows the exact value each must hold), prefills them unless told not to, then sends
 * batches of {@code depth} pipelined requests: a {@code set} of one of its keys with probability
 * {@code 1 - getRatio}, else a {@code get} of {@code multiGet} distinct keys of its own. Every value
 * is derived from its key and a version ({@link MemcachedValues}), so every reply is checked byte
 * for byte; a miss of a key that was set is an error (size the server's memory for
 * {@code keys * valueSize}). Bounded by {@code seconds} and/or {@code requests} (requests = get and
 * set commands), whichever comes first; the run ends by itself at prefill + warmup + seconds (or
 * {@value #REQUESTS_ONLY_CAP_SECONDS} s) + {@code grace}.
 *
 * <p>Threading: immutable.
 *
 * @param host      target, 127.0.0.0/8 only
 * @param port      target port
 * @param conns     connections, one thread each
 * @param depth     requests pipelined per batch on a connection
 * @param getRatio  share of requests that are gets, 0..1 (0.9 = get-heavy 90/10)
 * @param keys      key space (all connections together)
 * @param valueSize bytes per value
 * @param multiGet  keys per get (1 = single-key get)
 * @param seconds   measured seconds, 0 for none
 * @param requests  requests (gets + sets) to stop after, 0 for none
 * @param warmup    seconds of load before measuring (replies still checked)
 * @param prefill   set every key once before the load starts
 * @param quiet     no progress lines
 * @param timeout   seconds a connect or a batch's reply may take before it counts as an error
 * @param grace     seconds added to the planned duration before the run is cut off
 */
public record MemcachedLoadOptions(InetAddress host, int port, int conns, int depth, double getRatio, int keys,
                                   int valueSize, int multiGet, double seconds, long requests, double warmup,
                                   boolean prefill, boolean quiet, double timeout, double grace) {
    public static final double REQUESTS_ONLY_CAP_SECONDS = 60;
    /** memcached's default item size limit is 1 MiB, key and header included. */
    public static final int MAX_VALUE_SIZE = 1024 * 1024 - 512;
    public static final int MAX_CONNS = 1024;
    public static final int MAX_DEPTH = 1024;
    public static final int MAX_MULTI_GET = 100;

    public MemcachedLoadOptions {
        Objects.requireNonNull(host, "host");
        Loopback.requireLoopback(host);
        check(port >= 1 && port <= 65535, "--port must be 1..65535: " + port);
        check(conns >= 1 && conns <= MAX_CONNS, "--conns must be 1.." + MAX_CONNS + ": " + conns);
        check(depth >= 1 && depth <= MAX_DEPTH, "--depth must be 1.." + MAX_DEPTH + ": " + depth);
        check(getRatio >= 0 && getRatio <= 1, "--get-ratio must be 0..1: " + getRatio);
        check(multiGet >= 1 && multiGet <= MAX_MULTI_GET, "--multi-get must be 1.." + MAX_MULTI_GET + ": " + multiGet);
        check(keys >= conns * multiGet, "--keys must be at least conns * multi-get (" + conns * multiGet
                + ": each connection gets distinct keys of its own): " + keys);
        check(valueSize >= 1 && valueSize <= MAX_VALUE_SIZE, "--value-size must be 1.." + MAX_VALUE_SIZE + ": " + valueSize);
        check(seconds >= 0 && Double.isFinite(seconds), "--seconds must be >= 0: " + seconds);
        check(requests >= 0, "--requests must be >= 0: " + requests);
        check(seconds > 0 || requests > 0, "give --seconds and/or --requests (a run needs a bound)");
        check(warmup >= 0 && Double.isFinite(warmup), "--warmup must be >= 0: " + warmup);
        check(timeout > 0 && Double.isFinite(timeout), "--timeout must be > 0: " + timeout);
        check(grace >= 0 && Double.isFinite(grace), "--grace must be >= 0: " + grace);
    }

    /** Defaults against 127.0.0.1:{@code port}: 4 conns, depth 1, 90% gets, 10,000 keys, 32 bytes, single get, 10 s. */
    public static Builder builder(int port) {
        return new Builder(port);
    }

    /** Seconds after the start at which the run is cut off whatever happens. */
    public double guardSeconds() {
        double prefillAllowance = prefill ? timeout + keys / 10_000.0 : 0;
        return prefillAllowance + timeout + warmup + (seconds > 0 ? seconds : REQUESTS_ONLY_CAP_SECONDS) + grace;
    }

    public String target() {
        return host.getHostAddress() + ":" + port;
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Builds {@link MemcachedLoadOptions}. Threading: not thread-safe. */
    public static final class Builder {
        private InetAddress host = Loopback.parse("127.0.0.1");
        private final int port;
        private int conns = 4;
        private int depth = 1;
        private double getRatio = 0.9;
        private int keys = 10_000;
        private int valueSize = 32;
        private int multiGet = 1;
        private double seconds = 10;
        private long requests;
        private double warmup;
        private boolean prefill = true;
        private boolean quiet;
        private double timeout = 10;
        private double grace = 10;

        private Builder(int port) {
            this.port = port;
        }

        public Builder host(InetAddress value) { host = value; return this; }
        public Builder conns(int value) { conns = value; return this; }
        public Builder depth(int value) { depth = value; return this; }
        public Builder getRatio(double value) { getRatio = value; return this; }
        public Builder keys(int value) { keys = value; return this; }
        public Builder valueSize(int value) { valueSize = value; return this; }
        public Builder multiGet(int value) { multiGet = value; return this; }
        public Builder seconds(double value) { seconds = value; return this; }
        public Builder requests(long value) { requests = value; return this; }
        public Builder warmup(double value) { warmup = value; return this; }
        public Builder prefill(boolean value) { prefill = value; return this; }
        public Builder quiet(boolean value) { quiet = value; return this; }
        public Builder timeout(double value) { timeout = value; return this; }
        public Builder grace(double value) { grace = value; return this; }

        public MemcachedLoadOptions build() {
            return new MemcachedLoadOptions(host, port, conns, depth, getRatio, keys, valueSize, multiGet, seconds,
                    requests, warmup, prefill, quiet, timeout, grace);
        }
    }
}
