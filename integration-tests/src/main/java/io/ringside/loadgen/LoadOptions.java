package io.ringside.loadgen;

import java.net.InetAddress;
import java.util.Objects;

/**
 * Everything one run needs to know, validated on construction.
 *
 * <p>Bounds: the run measures for {@code seconds} (0 = no time bound) and/or until {@code requests}
 * verified replies (0 = no request bound), whichever comes first; at least one must be set. Before
 * that come the connect phase (steady mode: at most {@code connectTimeout} seconds) and
 * {@code warmup} seconds whose replies are checked but not counted. Whatever happens the run ends by
 * itself at rampSeconds + connectTimeout + warmup + (seconds, or {@value #REQUESTS_ONLY_CAP_SECONDS} s
 * for a request bound alone) + {@code grace} seconds: the overrun guard.
 *
 * <p>Shapes of load: steady (the default: {@code depth} lines kept in flight on every connection, a
 * new line as soon as a reply is verified), churn (connect, one line, close), paced
 * ({@code intervalMillis} above 0: every connection sends one line per interval, at its own phase, as
 * long as fewer than {@code depth} lines are in flight; see {@link Pacer}) and idle (connections
 * opened and held, nothing sent; the run is ok when every one is still up at the end). With {@code tls}, churn
 * is a handshake benchmark: each cycle is a full TLS handshake, one verified line and a close, and the report
 * gives handshakes per second.
 *
 * <p>{@code reconnect} (steady mode only): a connection the server closes or resets is opened again and
 * sends the lines it had not had answered once more, with their sequence numbers; at the end no new
 * line is sent and the run waits up to {@code grace} seconds for every answer. A line never answered is
 * lost, a line answered twice is a repeat (an error); see {@link LoadReport}.
 *
 * <p>Threading: immutable.
 *
 * @param host           target address, always in 127.0.0.0/8
 * @param port           target port
 * @param conns          connections (steady mode) or concurrent connect/line/close loops (churn)
 * @param depth          lines in flight per connection (1 in churn mode)
 * @param size           bytes per line, '\n' included
 * @param seconds        measured duration in seconds, 0 for none
 * @param requests       verified replies to stop after, 0 for none
 * @param warmup         seconds before measuring (replies still checked)
 * @param mode           expected reply
 * @param churn          connect, one line, reply, close, repeat
 * @param srcIps         bind sockets round-robin to srcIps source addresses from 127.0.0.srcIpFirst
 *                       (srcIps 1 with srcIpFirst 1 = no bind); binding needs
 *                       {@code --add-opens java.base/sun.nio.ch=ALL-UNNAMED} (see {@link PortlessBind})
 * @param threads        worker threads, each with its own selector and a share of the connections
 * @param quiet          no per-second progress lines
 * @param connectTimeout seconds allowed for one connect attempt and for the steady connect phase
 * @param grace          seconds added to the planned duration before the overrun guard fires
 * @param intervalMillis paced mode: milliseconds between two lines of one connection (0 = not paced)
 * @param idle           idle mode: open the connections, hold them, send nothing
 * @param rampSeconds    spread the opening of the connections evenly over this many seconds (0 = at once)
 * @param srcIpFirst     last octet of the first source address (1 = 127.0.0.1)
 * @param reconnect      re-open connections the server closes and resend their unanswered lines
 * @param tls            speak TLS to the target (any server certificate is accepted: the replies are what is checked);
 *                       never with session resumption: each connection makes a full handshake (see {@link ClientTls})
 * @param tlsProtocol    with {@code tls}: the one protocol the client offers ({@value #TLS13} or {@value #TLS12}),
 *                       or null for both (the server chooses)
 * @param serverPid      the server's process, whose CPU time in the measured window is reported ({@link CpuUse}); -1: none
 */
public record LoadOptions(InetAddress host, int port, int conns, int depth, int size, double seconds,
                          long requests, double warmup, ReplyMode mode, boolean churn, int srcIps,
                          int threads, boolean quiet, double connectTimeout, double grace,
                          long intervalMillis, boolean idle, double rampSeconds, int srcIpFirst,
                          boolean reconnect, boolean tls, String tlsProtocol, long serverPid) {

    /** The TLS protocol names {@code --tls-protocol} takes. */
    public static final String TLS13 = "TLSv1.3";
    public static final String TLS12 = "TLSv1.2";

    /** The planned duration used by the overrun guard when only a request bound is given. */
    public static final double REQUESTS_ONLY_CAP_SECONDS = 60;

    /** Longest --interval: one day. */
    public static final long MAX_INTERVAL_MILLIS = 86_400_000L;

    /** Largest line accepted (the daemon's own limit is much lower; this only guards memory). */
    public static final int MAX_SIZE = 1 << 20;

    public LoadOptions {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(mode, "mode");
        Loopback.requireLoopback(host);
        check(port >= 1 && port <= 65535, "--port must be 1..65535: " + port);
        check(conns >= 1, "--conns must be at least 1: " + conns);
        check(depth >= 1 && depth <= 65536, "--depth must be 1..65536: " + depth);
        check(!churn || depth == 1, "--depth does not apply to --churn (one line per connection)");
        check(size >= LineCodec.MIN_SIZE && size <= MAX_SIZE,
                "--size must be " + LineCodec.MIN_SIZE + ".." + MAX_SIZE + ": " + size);
        check(seconds >= 0 && Double.isFinite(seconds), "--seconds must be >= 0: " + seconds);
        check(requests >= 0, "--requests must be >= 0: " + requests);
        check(seconds > 0 || requests > 0, "give --seconds and/or --requests (a run needs a bound)");
        check(warmup >= 0 && Double.isFinite(warmup), "--warmup must be >= 0: " + warmup);
        check(srcIps >= 1 && srcIps <= Loopback.MAX_SOURCE_ADDRESSES,
                "--src-ips must be 1.." + Loopback.MAX_SOURCE_ADDRESSES + ": " + srcIps);
        check(srcIpFirst >= 1 && srcIpFirst + srcIps - 1 <= Loopback.MAX_SOURCE_ADDRESSES,
                "--src-ip-first + --src-ips - 1 must be 1.." + Loopback.MAX_SOURCE_ADDRESSES + ": "
                        + srcIpFirst + " + " + srcIps + " - 1");
        check(!(srcIps > 1 || srcIpFirst != 1) || PortlessBind.available(), PortlessBind.unavailableReason());
        check(threads >= 1 && threads <= conns, "--threads must be 1..conns (" + conns + "): " + threads);
        check(connectTimeout > 0 && Double.isFinite(connectTimeout), "--connect-timeout must be > 0");
        check(grace >= 0 && Double.isFinite(grace), "--grace must be >= 0: " + grace);
        check(intervalMillis >= 0 && intervalMillis <= MAX_INTERVAL_MILLIS,
                "--interval must be 1.." + MAX_INTERVAL_MILLIS + " ms: " + intervalMillis);
        check(intervalMillis == 0 || !churn, "--interval does not apply to --churn");
        check(!idle || (!churn && intervalMillis == 0), "--idle excludes --churn and --interval");
        check(!idle || (requests == 0 && seconds > 0), "--idle needs --seconds (how long to hold) and no --requests");
        check(rampSeconds >= 0 && Double.isFinite(rampSeconds), "--ramp-seconds must be >= 0: " + rampSeconds);
        check(rampSeconds == 0 || !churn, "--ramp-seconds does not apply to --churn");
        check(!reconnect || (!churn && !idle && intervalMillis == 0), "--reconnect is for the steady mode only "
                + "(not --churn, --idle or --interval)");
        check(tlsProtocol == null || tls, "--tls-protocol needs --tls");
        check(tlsProtocol == null || tlsProtocol.equals(TLS13) || tlsProtocol.equals(TLS12),
                "--tls-protocol must be " + TLS13 + " or " + TLS12 + ": " + tlsProtocol);
        check(serverPid == -1 || serverPid > 0, "--server-pid must be a process id: " + serverPid);
    }

    /** Defaults for a run against 127.0.0.1:{@code port}; adjust with the builder's setters. */
    public static Builder builder(int port) {
        return new Builder(port);
    }

    /** Lines each connection keeps in flight: depth, or 1 in churn mode. */
    public int linesPerConnection() {
        return churn ? 1 : depth;
    }

    /** Seconds after the start at which the overrun guard ends the run. */
    public double guardSeconds() {
        double planned = seconds > 0 ? seconds : REQUESTS_ONLY_CAP_SECONDS;
        // reconnect: the wind-down waits up to grace for the answers, and the guard's own grace comes after it
        return rampSeconds + connectTimeout + warmup + planned + grace * (reconnect ? 2 : 1);
    }

    /** Whether each connection sends one line per {@code intervalMillis}. */
    public boolean paced() {
        return intervalMillis > 0;
    }

    /** Whether sockets are bound to a source address before connecting. */
    public boolean bindsSource() {
        return srcIps > 1 || srcIpFirst != 1;
    }

    /** "host:port" of the target. */
    public String target() {
        return host.getHostAddress() + ":" + port;
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /**
     * Builds {@link LoadOptions} from the defaults of the command line: 127.0.0.1, 50 connections,
     * depth 1, 32-byte lines, 10 s, no warmup, echo, one thread, connect timeout 10 s, grace 10 s,
     * steady (not paced, not idle), no ramp, no source binding.
     *
     * <p>Threading: not thread-safe; use from one thread.
     */
    public static final class Builder {
        private InetAddress host = Loopback.parse("127.0.0.1");
        private final int port;
        private int conns = 50;
        private int depth = 1;
        private int size = 32;
        private double seconds = 10;
        private long requests;
        private double warmup;
        private ReplyMode mode = ReplyMode.ECHO;
        private boolean churn;
        private int srcIps = 1;
        private int threads = 1;
        private boolean quiet;
        private double connectTimeout = 10;
        private double grace = 10;
        private long intervalMillis;
        private boolean idle;
        private double rampSeconds;
        private int srcIpFirst = 1;
        private boolean reconnect;
        private boolean tls;
        private String tlsProtocol;
        private long serverPid = -1;

        private Builder(int port) {
            this.port = port;
        }

        public Builder host(InetAddress value) { host = value; return this; }
        public Builder conns(int value) { conns = value; return this; }
        public Builder depth(int value) { depth = value; return this; }
        public Builder size(int value) { size = value; return this; }
        /** Measured seconds; 0 for no time bound (then give {@link #requests}). */
        public Builder seconds(double value) { seconds = value; return this; }
        public Builder requests(long value) { requests = value; return this; }
        public Builder warmup(double value) { warmup = value; return this; }
        public Builder mode(ReplyMode value) { mode = value; return this; }
        public Builder churn(boolean value) { churn = value; return this; }
        public Builder srcIps(int value) { srcIps = value; return this; }
        public Builder threads(int value) { threads = value; return this; }
        public Builder quiet(boolean value) { quiet = value; return this; }
        public Builder connectTimeout(double value) { connectTimeout = value; return this; }
        public Builder grace(double value) { grace = value; return this; }
        /** Paced mode: one line per connection every {@code value} ms (0: not paced). */
        public Builder intervalMillis(long value) { intervalMillis = value; return this; }
        public Builder idle(boolean value) { idle = value; return this; }
        public Builder rampSeconds(double value) { rampSeconds = value; return this; }
        public Builder srcIpFirst(int value) { srcIpFirst = value; return this; }
        public Builder reconnect(boolean value) { reconnect = value; return this; }
        public Builder tls(boolean value) { tls = value; return this; }
        /** The one TLS protocol offered ({@link #TLS13}, {@link #TLS12}); null: both. */
        public Builder tlsProtocol(String value) { tlsProtocol = value; return this; }
        /** The server process whose CPU time is measured (-1: none). */
        public Builder serverPid(long value) { serverPid = value; return this; }

        public LoadOptions build() {
            return new LoadOptions(host, port, conns, depth, size, seconds, requests, warmup, mode, churn,
                    srcIps, threads, quiet, connectTimeout, grace, intervalMillis, idle, rampSeconds, srcIpFirst,
                    reconnect, tls, tlsProtocol, serverPid);
        }
    }
}
