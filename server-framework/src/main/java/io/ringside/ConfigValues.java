package io.ringside;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The values behind {@link ServerConfig}, by {@link Setting} ordinal, and the typed accessors of the
 * listener-level groups: the admin listener, TLS, the PROXY protocol, protection at scale. (The core
 * accessors are in {@link ServerConfig} itself; this split only keeps each class readable.)
 *
 * <p>Thread-safe (immutable).
 */
abstract class ConfigValues {
    final Object[] values;

    ConfigValues(Object[] values) {
        this.values = values;
    }

    Object value(Setting s) { return values[s.ordinal()]; }
    int intValue(Setting s) { return (Integer) values[s.ordinal()]; }
    long longValue(Setting s) { return (Long) values[s.ordinal()]; }

    // The admin listener (off at port -1; 0 picks a free port) and the delay between not-ready and the drain.
    public String adminHost() { return (String) values[Setting.ADMIN_HOST.ordinal()]; }
    public int adminPort() { return intValue(Setting.ADMIN_PORT); }
    public Duration drainDelay() { return Duration.ofMillis(longValue(Setting.DRAIN_DELAY)); }

    /** The TLS listener's settings ({@code tls-*}), typed; the {@code tls*()} accessors read them one by one. */
    public TlsConfig tls() { return new TlsConfig((ServerConfig) this); }
    /** -1: no TLS listener. */
    public int tlsPort() { return tls().port(); }
    public Optional<Path> tlsCert() { return tls().certificate(); }
    public Optional<Path> tlsKey() { return tls().key(); }
    public char[] tlsKeyPassword() { return tls().keyPassword(); }
    public Optional<Path> tlsClientCa() { return tls().clientCa(); }
    public TlsConfig.ClientAuth tlsClientAuth() { return tls().clientAuth(); }
    public List<String> tlsProtocols() { return tls().protocols(); }
    public Duration tlsHandshakeTimeout() { return tls().handshakeTimeout(); }
    public ProxyProtocol tlsProxyProtocol() { return tls().proxyProtocol(); }

    /** The PROXY header the plain listener expects ({@code OFF}: none), and how long a connection may take to send it. */
    public ProxyProtocol proxyProtocol() { return (ProxyProtocol) values[Setting.PROXY_PROTOCOL.ordinal()]; }
    public Duration proxyProtocolTimeout() { return Duration.ofMillis(longValue(Setting.PROXY_PROTOCOL_TIMEOUT)); }
    /** Protection at scale: the output budget (-1: half the max direct memory, 0: off), the worker choice, rate limits (0: none). */
    public long maxBufferedOutputBytes() { return longValue(Setting.MAX_BUFFERED_OUTPUT_BYTES); }
    public Duration outputBudgetGrace() { return Duration.ofMillis(longValue(Setting.OUTPUT_BUDGET_GRACE)); }
    public int sendBufferBytes() { return (int) longValue(Setting.SEND_BUFFER_BYTES); }
    public WorkerChoice workerChoice() { return (WorkerChoice) values[Setting.WORKER_CHOICE.ordinal()]; }
    public int rateLimitLines() { return intValue(Setting.RATE_LIMIT_LINES); }
    public long rateLimitBytes() { return longValue(Setting.RATE_LIMIT_BYTES); }
    public int rateLimitAddressLines() { return intValue(Setting.RATE_LIMIT_ADDRESS_LINES); }
    public long rateLimitAddressBytes() { return longValue(Setting.RATE_LIMIT_ADDRESS_BYTES); }
    public int rateLimitConnects() { return intValue(Setting.RATE_LIMIT_CONNECTS); }
    public Duration rateLimitGrace() { return Duration.ofMillis(longValue(Setting.RATE_LIMIT_GRACE)); }
}
