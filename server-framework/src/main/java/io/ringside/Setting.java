package io.ringside;

import java.time.Duration;
import java.util.Locale;

/**
 * Every server setting: its name, default, bounds and meaning. One name, three spellings: the
 * properties file key ({@code max-line-bytes}), the environment variable
 * ({@code RINGSIDE_MAX_LINE_BYTES}) and the command-line option ({@code --max-line-bytes}).
 *
 * <p>Sizes accept {@code k}/{@code m} suffixes (KiB, MiB); durations accept {@code ms}, {@code s},
 * {@code m} (a bare number is milliseconds). Thread-safe (immutable).
 */
public enum Setting {
    HOST(Kind.TEXT, "127.0.0.1", 0, 0, "Address to listen on; 0.0.0.0 listens on every interface."),
    PORT(Kind.INT, "40713", 0, 65_535, "TCP port to listen on (0 picks a free port)."),
    WORKERS(Kind.INT, "0", 0, 1024, "Worker loops (selector threads); 0 means one per available core."),
    BACKLOG(Kind.INT, "1024", 1, 65_535, "Listen backlog: connections the kernel queues before accept."),
    REUSE_PORT(Kind.BOOL, "false", 0, 0, "Set SO_REUSEPORT so several processes can share the port."),
    END_OF_LINE(Kind.EOL, "LF", 0, 0, "Line terminator: LF, CRLF (CR optional), CRLF_STRICT or NUL."),
    MAX_LINE_BYTES(Kind.SIZE, "8k", 1, 64L << 20, "Longest accepted line, terminator excluded; longer gets an error reply and a close."),
    READ_BUFFER_BYTES(Kind.SIZE, "16k", 256, 16L << 20, "Size of the pooled per-worker read buffers (one per busy connection)."),
    WRITE_BUFFER_BYTES(Kind.SIZE, "16k", 256, 16L << 20, "Size of the pooled output buffers chained per connection."),
    POOL_MAX_BUFFERS(Kind.INT, "1024", 0, 1 << 20, "Free buffers each worker keeps for reuse; more are released to the GC."),
    OUTPUT_HIGH_WATERMARK(Kind.SIZE, "256k", 1, 1L << 30, "Pending output at which the connection stops reading."),
    OUTPUT_LOW_WATERMARK(Kind.SIZE, "64k", 0, 1L << 30, "Pending output below which a paused connection reads again."),
    OUTPUT_HARD_CAP(Kind.SIZE, "4m", 1, 1L << 31, "Pending output at which the connection is closed (OUTPUT_OVERFLOW)."),
    LINES_PER_WAKEUP(Kind.INT, "64", 1, 1 << 20, "Lines one connection may process per loop turn, so one client cannot starve its worker."),
    RING_SIZE(Kind.INT, "1024", 2, 1 << 20, "Slots of each worker's hand-off ring (a power of two)."),
    DRAIN_TIMEOUT(Kind.MILLIS, "10s", 0, 3_600_000, "On stop: how long to finish received lines and flush replies."),
    IDLE_TIMEOUT(Kind.MILLIS, "5m", 0, 86_400_000, "Close a connection that completes no line for this long (0: never)."),
    LINE_TIMEOUT(Kind.MILLIS, "30s", 0, 86_400_000, "Close a connection whose started line is not finished within this (slowloris; 0: never)."),
    MAX_CONNECTIONS(Kind.INT, "16000", 1, 10_000_000, "Open connections at most; more are refused with an error line."),
    MAX_CONNECTIONS_PER_ADDRESS(Kind.INT, "0", 0, 10_000_000, "Open connections per client IP at most (0: no per-address limit)."),
    REFUSED_REPLY(Kind.TEXT, "ERROR {reason}", 0, 0, "Line sent to a connection refused at a limit before it is closed; {reason} is replaced by why."),
    LOOP_LAG_WARNING(Kind.MILLIS, "500ms", 1, 3_600_000, "Warn when one worker loop turn (a blocking handler) takes longer than this."),
    MAX_OFFLOADS_PER_CONNECTION(Kind.INT, "16", 1, 1_000_000, "Blocking calls (Connection.offload) one connection may have in flight; reading pauses at this many."),
    OFFLOAD_THREADS(Kind.INT, "64", 1, 100_000, "Blocking calls (Connection.offload) running at once, server-wide: platform threads on JDK 17-20, virtual threads on JDK 21+."),
    TCP_NO_DELAY(Kind.BOOL, "true", 0, 0, "Set TCP_NODELAY on accepted connections."),
    ADMIN_HOST(Kind.TEXT, "127.0.0.1", 0, 0, "Address of the admin HTTP listener (/metrics, /health/live, /health/ready)."),
    ADMIN_PORT(Kind.INT, "-1", -1, 65_535, "Port of the admin HTTP listener: -1 turns it off, 0 picks a free port."),
    DRAIN_DELAY(Kind.MILLIS, "0", 0, 3_600_000, "On stop: how long /health/ready reports 503 while the listener still accepts,"
            + " before the drain starts (time for a balancer to notice; 0: none)."),
    PROXY_PROTOCOL(Kind.PROXY, "off", 0, 0, "PROXY protocol header expected first on each plain connection: off, v1, v2 or any (never guessed; a connection without a valid one is closed)."),
    PROXY_PROTOCOL_TIMEOUT(Kind.MILLIS, "5s", 1, 3_600_000, "Close a connection whose PROXY header is not complete within this."),
    // Protection at scale: the process-wide output budget, the worker choice, the rate limits.
    MAX_BUFFERED_OUTPUT_BYTES(Kind.SIZE, "-1", -1, 1L << 40, "Queued output of all connections together at most: past it the connections holding the most"
            + " stop reading, and are closed after output-budget-grace (OUTPUT_BUDGET); -1: half the JVM's max direct memory, 0: off."),
    OUTPUT_BUDGET_GRACE(Kind.MILLIS, "5s", 0, 3_600_000, "How long a connection may stay paused by max-buffered-output-bytes before it is closed."),
    SEND_BUFFER_BYTES(Kind.SIZE, "0", 0, 64L << 20, "SO_SNDBUF of accepted connections: the kernel's send buffer, which"
            + " max-buffered-output-bytes does not see (0: the kernel's autotuned default, up to 4 MiB per slow reader on Linux)."),
    WORKER_CHOICE(Kind.CHOICE, "round-robin", 0, 0, "Worker a new connection goes to: round-robin, least-connections or least-lag (its recent loop turns)."),
    RATE_LIMIT_LINES(Kind.INT, "0", 0, 100_000_000, "Lines per second one connection may send (bursts of one second's worth); over it, reading pauses (0: no limit)."),
    RATE_LIMIT_BYTES(Kind.SIZE, "0", 0, 1L << 40, "Input bytes per second one connection may send; over it, reading pauses (0: no limit)."),
    RATE_LIMIT_ADDRESS_LINES(Kind.INT, "0", 0, 100_000_000, "Lines per second all connections of one client IP may send together (0: no limit)."),
    RATE_LIMIT_ADDRESS_BYTES(Kind.SIZE, "0", 0, 1L << 40, "Input bytes per second all connections of one client IP may send together (0: no limit)."),
    RATE_LIMIT_CONNECTS(Kind.INT, "0", 0, 10_000_000, "New connections per second from one client IP; more are refused with the refused-reply line (0: no limit)."),
    RATE_LIMIT_GRACE(Kind.MILLIS, "10s", 1, 3_600_000, "A connection still over a rate limit after this long (paused again each time it resumes) is closed (RATE_LIMIT)."),
    TLS_PORT(Kind.INT, "-1", -1, 65_535, "Also listen with TLS on this port, same host (-1: no TLS listener; 0 picks a free port)."),
    TLS_CERT(Kind.OPTIONAL, "", 0, 0, "TLS certificate chain: a PEM file (leaf first, as certbot's fullchain.pem), or a PKCS#12 file (.p12/.pfx) with the key."),
    TLS_KEY(Kind.OPTIONAL, "", 0, 0, "TLS private key, a PEM file (BEGIN PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY); empty with a PKCS#12 tls-cert."),
    TLS_KEY_PASSWORD(Kind.OPTIONAL, "", 0, 0, "Password of a PKCS#12 tls-cert (empty: none)."),
    TLS_CLIENT_CA(Kind.OPTIONAL, "", 0, 0, "PEM file of the CA certificates that client certificates must chain to (for tls-client-auth)."),
    TLS_CLIENT_AUTH(Kind.AUTH, "none", 0, 0, "Client certificates: none, optional (asked for, checked if sent) or required."),
    TLS_PROTOCOLS(Kind.TEXT, "TLSv1.3,TLSv1.2", 0, 0, "TLS protocol versions offered, comma-separated."),
    TLS_HANDSHAKE_TIMEOUT(Kind.MILLIS, "10s", 1, 3_600_000, "Close a TLS connection whose handshake is not done within this (PREFACE_TIMEOUT)."),
    TLS_PROXY_PROTOCOL(Kind.PROXY, "off", 0, 0, "PROXY protocol header expected first on each TLS connection, before the handshake: off, v1, v2 or any"
            + " (HAProxy's send-proxy to an ssl server; header and handshake together within proxy-protocol-timeout + tls-handshake-timeout).");

    /** The value types a setting can have. */
    private enum Kind { TEXT, OPTIONAL, INT, SIZE, MILLIS, BOOL, EOL, PROXY, CHOICE, AUTH }

    /** The values of the AUTH setting (tls-client-auth). */
    private static final java.util.List<String> CLIENT_AUTH = java.util.List.of("none", "optional", "required");

    private final Kind kind;
    private final String defaultValue;
    private final long min;
    private final long max;
    private final String description;

    Setting(Kind kind, String defaultValue, long min, long max, String description) {
        this.kind = kind;
        this.defaultValue = defaultValue;
        this.min = min;
        this.max = max;
        this.description = description;
    }

    /** Key in a properties file and, with {@code --}, the command-line option: {@code max-line-bytes}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Environment variable: {@code RINGSIDE_MAX_LINE_BYTES}. */
    public String environmentVariable() {
        return "RINGSIDE_" + name();
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    /** The setting whose {@link #key()} is {@code key} (trimmed, any case). */
    static Setting byKey(String key) {
        String k = key.trim().toLowerCase(Locale.ROOT);
        for (Setting s : values()) {
            if (s.key().equals(k)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown setting '" + key + "'");
    }

    /**
     * Parses and checks a value of this setting.
     *
     * @throws IllegalArgumentException with a one-line message naming the setting
     */
    Object parse(String raw) {
        if (raw == null) {
            throw invalid("null", "missing");
        }
        String text = raw.trim();
        try {
            switch (kind) {
                case TEXT:
                    if (text.isEmpty()) {
                        throw new IllegalArgumentException("empty");
                    }
                    return text;
                case OPTIONAL:
                    return text; // empty: not set
                case AUTH:
                    if (!CLIENT_AUTH.contains(text.toLowerCase(Locale.ROOT))) {
                        throw new IllegalArgumentException("expected one of " + String.join(", ", CLIENT_AUTH));
                    }
                    return text.toLowerCase(Locale.ROOT);
                case BOOL:
                    if (!text.equalsIgnoreCase("true") && !text.equalsIgnoreCase("false")) {
                        throw new IllegalArgumentException("expected true or false");
                    }
                    return Boolean.parseBoolean(text);
                case EOL:
                    return EndOfLine.valueOf(text.toUpperCase(Locale.ROOT));
                case PROXY:
                    return ProxyProtocol.parse(text);
                case CHOICE:
                    return WorkerChoice.parse(text);
                case INT:
                    return (int) checkRange(Long.parseLong(text));
                case SIZE:
                    return checkRange(parseSize(text));
                case MILLIS:
                    return checkRange(parseMillis(text));
                default:
                    throw new AssertionError(kind);
            }
        } catch (IllegalArgumentException e) {
            throw invalid(raw, message(e));
        }
    }

    /**
     * Checks a number for an INT or SIZE setting as {@link #parse} checks text, and boxes it as parse
     * does (Integer or Long).
     *
     * @throws IllegalArgumentException with a one-line message naming the setting
     */
    Object checked(long value) {
        if (kind == Kind.INT) {
            return (int) inRange(value, String.valueOf(value));
        }
        requireKind(Kind.SIZE);
        return inRange(value, String.valueOf(value));
    }

    /**
     * Checks a duration for a MILLIS setting: whole milliseconds, within the bounds; boxed as parse does.
     *
     * @throws IllegalArgumentException with a one-line message naming the setting
     */
    Object checked(Duration value) {
        requireKind(Kind.MILLIS);
        if (value == null) {
            throw invalid("null", "missing");
        }
        long millis;
        try {
            millis = value.toMillis();
        } catch (ArithmeticException e) {
            throw invalid(value.toString(), rangeMessage());
        }
        if (!Duration.ofMillis(millis).equals(value)) {
            throw invalid(value.toString(), "not a whole number of milliseconds");
        }
        return inRange(millis, value.toString());
    }

    /** Checks a value for a BOOL setting (any boolean fits). */
    Object checked(boolean value) {
        requireKind(Kind.BOOL);
        return value;
    }

    /**
     * Checks a value for an EOL setting.
     *
     * @throws IllegalArgumentException naming the setting when {@code value} is null
     */
    Object checked(EndOfLine value) {
        requireKind(Kind.EOL);
        if (value == null) {
            throw invalid("null", "missing");
        }
        return value;
    }

    /** A builder method for one kind called with a setting of another: a bug in the builder. */
    private void requireKind(Kind expected) {
        if (kind != expected) {
            throw new IllegalStateException(key() + " is a " + kind + " setting, not " + expected);
        }
    }

    private IllegalArgumentException invalid(String raw, String message) {
        return new IllegalArgumentException("invalid " + key() + " '" + raw + "': " + message);
    }

    private long inRange(long value, String shown) {
        if (value < min || value > max) {
            throw invalid(shown, rangeMessage());
        }
        return value;
    }

    private String rangeMessage() {
        return "must be between " + min + " and " + max;
    }

    private static String message(IllegalArgumentException e) {
        return e instanceof NumberFormatException ? "not a number" : e.getMessage();
    }

    private long checkRange(long value) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(rangeMessage());
        }
        return value;
    }

    private static long parseSize(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        long unit = 1;
        if (t.endsWith("k")) {
            unit = 1024;
        } else if (t.endsWith("m")) {
            unit = 1024 * 1024;
        }
        String digits = unit == 1 ? t : t.substring(0, t.length() - 1);
        return Math.multiplyExact(Long.parseLong(digits), unit);
    }

    private static long parseMillis(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        if (t.endsWith("ms")) {
            return Long.parseLong(t.substring(0, t.length() - 2));
        } else if (t.endsWith("s")) {
            return Math.multiplyExact(Long.parseLong(t.substring(0, t.length() - 1)), 1000L);
        } else if (t.endsWith("m")) {
            return Math.multiplyExact(Long.parseLong(t.substring(0, t.length() - 1)), 60_000L);
        }
        return Long.parseLong(t);
    }
}
