package io.ringside;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/**
 * The immutable configuration of one server. Built in layers, each overriding the one before:
 * defaults, then a properties file, then the environment, then the command line.
 *
 * <pre>{@code
 * ServerConfig config = ServerConfig.builder()
 *         .loadProperties(Path.of("config/ringside.properties"))
 *         .applyEnvironment(System.getenv())
 *         .set(Setting.PORT, "7000")             // text, as in a file
 *         .idleTimeout(Duration.ofMinutes(2)) // or typed, checked the same way
 *         .build();
 * }</pre>
 *
 * <p>Thread-safe (immutable).
 */
public final class ServerConfig extends ConfigValues {

    private ServerConfig(Object[] values) {
        super(values);
    }

    /** A builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The configuration with every default. */
    public static ServerConfig defaults() {
        return builder().build();
    }

    public String host() {
        return (String) values[Setting.HOST.ordinal()];
    }

    public int port() {
        return intValue(Setting.PORT);
    }

    /** Worker loops, with 0 resolved to the number of available processors. */
    public int workers() {
        int n = intValue(Setting.WORKERS);
        return n > 0 ? n : Runtime.getRuntime().availableProcessors();
    }

    public int backlog() { return intValue(Setting.BACKLOG); }

    public boolean reusePort() {
        return (Boolean) values[Setting.REUSE_PORT.ordinal()];
    }

    public EndOfLine endOfLine() {
        return (EndOfLine) values[Setting.END_OF_LINE.ordinal()];
    }

    public int maxLineBytes() {
        return (int) longValue(Setting.MAX_LINE_BYTES);
    }

    public int readBufferBytes() {
        return (int) longValue(Setting.READ_BUFFER_BYTES);
    }

    public int writeBufferBytes() {
        return (int) longValue(Setting.WRITE_BUFFER_BYTES);
    }

    public int poolMaxBuffers() {
        return intValue(Setting.POOL_MAX_BUFFERS);
    }

    public long outputHighWatermark() {
        return longValue(Setting.OUTPUT_HIGH_WATERMARK);
    }

    public long outputLowWatermark() {
        return longValue(Setting.OUTPUT_LOW_WATERMARK);
    }

    public long outputHardCap() {
        return longValue(Setting.OUTPUT_HARD_CAP);
    }

    public int linesPerWakeup() {
        return intValue(Setting.LINES_PER_WAKEUP);
    }

    public int ringSize() { return intValue(Setting.RING_SIZE); }

    public Duration drainTimeout() {
        return Duration.ofMillis(longValue(Setting.DRAIN_TIMEOUT));
    }

    /** Zero when connections may idle forever. */
    public Duration idleTimeout() {
        return Duration.ofMillis(longValue(Setting.IDLE_TIMEOUT));
    }

    /** Zero when a started line may take forever. */
    public Duration lineTimeout() {
        return Duration.ofMillis(longValue(Setting.LINE_TIMEOUT));
    }

    public int maxConnections() {
        return intValue(Setting.MAX_CONNECTIONS);
    }

    /** Zero when there is no per-address limit. */
    public int maxConnectionsPerAddress() {
        return intValue(Setting.MAX_CONNECTIONS_PER_ADDRESS);
    }

    public Duration loopLagWarning() {
        return Duration.ofMillis(longValue(Setting.LOOP_LAG_WARNING));
    }

    /** Blocking calls one connection may have in flight before its reading pauses. */
    public int maxOffloadsPerConnection() {
        return intValue(Setting.MAX_OFFLOADS_PER_CONNECTION);
    }

    /** Blocking calls running at once, server-wide. */
    public int offloadThreads() {
        return intValue(Setting.OFFLOAD_THREADS);
    }

    /** The line sent to a refused connection, {@code {reason}} replaced by {@code reason}. */
    public String refusedReply(String reason) {
        return ((String) values[Setting.REFUSED_REPLY.ordinal()]).replace("{reason}", reason);
    }

    public boolean tcpNoDelay() { return (Boolean) values[Setting.TCP_NO_DELAY.ordinal()]; }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("ServerConfig{");
        for (Setting s : Setting.values()) {
            b.append(s.key()).append('=').append(values[s.ordinal()]).append(s.ordinal() + 1 < values.length ? ", " : "}");
        }
        return b.toString();
    }

    /**
     * Collects settings layer by layer; {@link #build()} checks them together. Each typed setter
     * ({@code .port(7000)}) checks its value exactly as {@link #set} checks text: a bad value throws
     * {@link IllegalArgumentException} naming the setting. Not thread-safe.
     */
    public static final class Builder {
        private final Object[] values;

        private Builder() {
            values = new Object[Setting.values().length];
            for (Setting s : Setting.values()) {
                values[s.ordinal()] = s.parse(s.defaultValue());
            }
        }

        /**
         * Sets one setting from text.
         *
         * @throws IllegalArgumentException naming the setting when the value is invalid
         */
        public Builder set(Setting setting, String value) {
            values[setting.ordinal()] = setting.parse(value);
            return this;
        }

        // One typed setter per Setting, in the enum's order; see each Setting for bounds and meaning.
        /** {@link Setting#HOST}: text, trimmed, not empty. */
        public Builder host(String host) { return set(Setting.HOST, host); }
        public Builder port(int port) { return put(Setting.PORT, port); }
        /** {@link Setting#WORKERS}; 0 means one per available core. */
        public Builder workers(int workers) { return put(Setting.WORKERS, workers); }
        public Builder backlog(int backlog) { return put(Setting.BACKLOG, backlog); }
        public Builder reusePort(boolean reusePort) { return put(Setting.REUSE_PORT, reusePort); }
        public Builder endOfLine(EndOfLine endOfLine) { return put(Setting.END_OF_LINE, endOfLine); }
        /** {@link Setting#MAX_LINE_BYTES}, in bytes. */
        public Builder maxLineBytes(int bytes) { return put(Setting.MAX_LINE_BYTES, bytes); }
        /** {@link Setting#READ_BUFFER_BYTES}, in bytes. */
        public Builder readBufferBytes(int bytes) { return put(Setting.READ_BUFFER_BYTES, bytes); }
        /** {@link Setting#WRITE_BUFFER_BYTES}, in bytes. */
        public Builder writeBufferBytes(int bytes) { return put(Setting.WRITE_BUFFER_BYTES, bytes); }
        public Builder poolMaxBuffers(int buffers) { return put(Setting.POOL_MAX_BUFFERS, buffers); }
        /** {@link Setting#OUTPUT_HIGH_WATERMARK}, in bytes. */
        public Builder outputHighWatermark(long bytes) { return put(Setting.OUTPUT_HIGH_WATERMARK, bytes); }
        /** {@link Setting#OUTPUT_LOW_WATERMARK}, in bytes. */
        public Builder outputLowWatermark(long bytes) { return put(Setting.OUTPUT_LOW_WATERMARK, bytes); }
        /** {@link Setting#OUTPUT_HARD_CAP}, in bytes. */
        public Builder outputHardCap(long bytes) { return put(Setting.OUTPUT_HARD_CAP, bytes); }
        public Builder linesPerWakeup(int lines) { return put(Setting.LINES_PER_WAKEUP, lines); }
        /** {@link Setting#RING_SIZE}; {@link #build()} checks it is a power of two. */
        public Builder ringSize(int slots) { return put(Setting.RING_SIZE, slots); }
        /** {@link Setting#DRAIN_TIMEOUT}, whole milliseconds. */
        public Builder drainTimeout(Duration timeout) { return put(Setting.DRAIN_TIMEOUT, timeout); }
        /** {@link Setting#IDLE_TIMEOUT}, whole milliseconds; zero: never. */
        public Builder idleTimeout(Duration timeout) { return put(Setting.IDLE_TIMEOUT, timeout); }
        /** {@link Setting#LINE_TIMEOUT}, whole milliseconds; zero: never. */
        public Builder lineTimeout(Duration timeout) { return put(Setting.LINE_TIMEOUT, timeout); }
        public Builder maxConnections(int connections) { return put(Setting.MAX_CONNECTIONS, connections); }
        /** {@link Setting#MAX_CONNECTIONS_PER_ADDRESS}; 0: no per-address limit. */
        public Builder maxConnectionsPerAddress(int connections) { return put(Setting.MAX_CONNECTIONS_PER_ADDRESS, connections); }
        /** {@link Setting#LOOP_LAG_WARNING}, whole milliseconds. */
        public Builder loopLagWarning(Duration lag) { return put(Setting.LOOP_LAG_WARNING, lag); }
        public Builder maxOffloadsPerConnection(int offloads) { return put(Setting.MAX_OFFLOADS_PER_CONNECTION, offloads); }
        public Builder offloadThreads(int threads) { return put(Setting.OFFLOAD_THREADS, threads); }
        public Builder tcpNoDelay(boolean tcpNoDelay) { return put(Setting.TCP_NO_DELAY, tcpNoDelay); }
        public Builder adminHost(String host) { return set(Setting.ADMIN_HOST, host); }
        public Builder adminPort(int port) { return put(Setting.ADMIN_PORT, port); }
        /** {@link Setting#DRAIN_DELAY}, whole milliseconds. */
        public Builder drainDelay(Duration delay) { return put(Setting.DRAIN_DELAY, delay); }
        public Builder proxyProtocol(ProxyProtocol expected) { return set(Setting.PROXY_PROTOCOL, String.valueOf(expected)); }
        public Builder proxyProtocolTimeout(Duration timeout) { return put(Setting.PROXY_PROTOCOL_TIMEOUT, timeout); }
        /** {@link Setting#MAX_BUFFERED_OUTPUT_BYTES}, in bytes; -1: half the max direct memory; 0: off. */
        public Builder maxBufferedOutputBytes(long bytes) { return put(Setting.MAX_BUFFERED_OUTPUT_BYTES, bytes); }
        public Builder outputBudgetGrace(Duration grace) { return put(Setting.OUTPUT_BUDGET_GRACE, grace); }
        public Builder sendBufferBytes(int bytes) { return put(Setting.SEND_BUFFER_BYTES, bytes); }
        public Builder workerChoice(WorkerChoice choice) { return set(Setting.WORKER_CHOICE, String.valueOf(choice)); }
        public Builder rateLimitLines(int perSecond) { return put(Setting.RATE_LIMIT_LINES, perSecond); }
        public Builder rateLimitBytes(long perSecond) { return put(Setting.RATE_LIMIT_BYTES, perSecond); }
        public Builder rateLimitAddressLines(int perSecond) { return put(Setting.RATE_LIMIT_ADDRESS_LINES, perSecond); }
        public Builder rateLimitAddressBytes(long perSecond) { return put(Setting.RATE_LIMIT_ADDRESS_BYTES, perSecond); }
        public Builder rateLimitConnects(int perSecond) { return put(Setting.RATE_LIMIT_CONNECTS, perSecond); }
        public Builder rateLimitGrace(Duration grace) { return put(Setting.RATE_LIMIT_GRACE, grace); }
        /** {@link Setting#REFUSED_REPLY}: text; {@code {reason}} stands for why the connection was refused. */
        public Builder refusedReply(String reply) { return set(Setting.REFUSED_REPLY, reply); }
        /** {@link Setting#TLS_PORT}; -1: no TLS listener. */
        public Builder tlsPort(int port) { return put(Setting.TLS_PORT, port); }
        /** {@link Setting#TLS_CERT}: a file name; empty: none. */
        public Builder tlsCert(String file) { return set(Setting.TLS_CERT, file); }
        public Builder tlsKey(String file) { return set(Setting.TLS_KEY, file); }
        public Builder tlsKeyPassword(String password) { return set(Setting.TLS_KEY_PASSWORD, password); }
        public Builder tlsClientCa(String file) { return set(Setting.TLS_CLIENT_CA, file); }
        public Builder tlsClientAuth(TlsConfig.ClientAuth auth) { return set(Setting.TLS_CLIENT_AUTH, auth.name()); }
        /** {@link Setting#TLS_PROTOCOLS}: comma-separated, as {@code TLSv1.3,TLSv1.2}. */
        public Builder tlsProtocols(String protocols) { return set(Setting.TLS_PROTOCOLS, protocols); }
        /** {@link Setting#TLS_HANDSHAKE_TIMEOUT}, whole milliseconds. */
        public Builder tlsHandshakeTimeout(Duration timeout) { return put(Setting.TLS_HANDSHAKE_TIMEOUT, timeout); }
        public Builder tlsProxyProtocol(ProxyProtocol expected) { return set(Setting.TLS_PROXY_PROTOCOL, String.valueOf(expected)); }

        private Builder put(Setting setting, long value) { return store(setting, setting.checked(value)); }
        private Builder put(Setting setting, Duration value) { return store(setting, setting.checked(value)); }
        private Builder put(Setting setting, boolean value) { return store(setting, setting.checked(value)); }
        private Builder put(Setting setting, EndOfLine value) { return store(setting, setting.checked(value)); }

        private Builder store(Setting setting, Object checked) {
            values[setting.ordinal()] = checked;
            return this;
        }

        /** Applies every known key of {@code properties}; an unknown key is an error (a typo must not pass silently). */
        public Builder applyProperties(Properties properties) { ConfigSources.applyProperties(this, properties); return this; }
        /** Reads a properties file (UTF-8) and applies it. */
        public Builder loadProperties(Path file) throws IOException { ConfigSources.loadProperties(this, file); return this; }
        /** Applies every {@code RINGSIDE_*} variable that names a setting; others are ignored. */
        public Builder applyEnvironment(Map<String, String> environment) { ConfigSources.applyEnvironment(this, environment); return this; }

        /**
         * Checks the settings against each other and freezes them.
         *
         * @throws IllegalArgumentException with a one-line message when they do not fit together
         */
        public ServerConfig build() {
            ServerConfig c = new ServerConfig(values.clone());
            check(c.outputLowWatermark() < c.outputHighWatermark(), "output-low-watermark must be below output-high-watermark");
            check(c.outputHighWatermark() <= c.outputHardCap(), "output-high-watermark must not exceed output-hard-cap");
            check(Integer.bitCount(c.ringSize()) == 1, "ring-size must be a power of two");
            TlsConfig.check(c.tls());
            return c;
        }

        private static void check(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
