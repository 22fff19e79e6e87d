package io.ringside.internal.proxy;

import io.ringside.ProxyProtocol;
import io.ringside.ServerConfig;
import io.ringside.internal.transport.SocketTransport;
import io.ringside.internal.transport.Transport;
import io.ringside.internal.transport.TransportFactory;
import io.ringside.internal.transport.TransportLayer;
import java.time.Duration;

/**
 * The listener's side of the PROXY protocol ({@code proxy-protocol}, {@code proxy-protocol-timeout}): every
 * accepted socket gets a {@link ProxyHeaderTransport}, and a connection whose header is not complete within
 * the timeout is closed ({@code PREFACE_TIMEOUT}). For a TLS listener behind a proxy, the header comes first on
 * the wire and TLS after it: {@code new ProxyTransportFactory(...).then(tlsLayer)}.
 *
 * <p>Thread-safe (immutable).
 */
public final class ProxyTransportFactory implements TransportFactory, TransportLayer {
    /**
     * The largest version 2 length field accepted: addresses and TLVs. HAProxy's own TLVs (SSL details, a
     * unique id of at most 128 bytes, an authority of at most 255) stay far below it; a larger one is refused
     * as malformed, so a header never holds more than 16 + 4,096 bytes of a connection.
     */
    public static final int MAX_V2_LENGTH = 4096;

    private final ProxyProtocol expected;
    private final long timeoutNanos;
    private final int maxV2Length;

    /** Headers that {@code expected} (v1, v2 or any) accepts, within {@code timeout}. */
    public ProxyTransportFactory(ProxyProtocol expected, Duration timeout) {
        this(expected, timeout, MAX_V2_LENGTH);
    }

    ProxyTransportFactory(ProxyProtocol expected, Duration timeout, int maxV2Length) {
        if (expected == ProxyProtocol.OFF) {
            throw new IllegalArgumentException("proxy-protocol off needs no PROXY header transport");
        }
        this.expected = expected;
        this.timeoutNanos = timeout.toNanos();
        this.maxV2Length = maxV2Length;
    }

    /** The plain listener's factory for {@code config}: {@link TransportFactory#PLAIN} when proxy-protocol is off. */
    public static TransportFactory forConfig(ServerConfig config) {
        return config.proxyProtocol() == ProxyProtocol.OFF ? TransportFactory.PLAIN
                : new ProxyTransportFactory(config.proxyProtocol(), config.proxyProtocolTimeout());
    }

    @Override
    public Transport open(SocketTransport socket) {
        return over(socket);
    }

    @Override
    public Transport over(Transport inner) {
        return new ProxyHeaderTransport(inner, expected, maxV2Length);
    }

    @Override
    public long prefaceTimeoutNanos() {
        return timeoutNanos;
    }

    /** The socket's peer is the proxy: the per-address count waits for the header's client. */
    @Override
    public boolean readsClientAddress() {
        return true;
    }

    @Override
    public String toString() {
        return "PROXY protocol " + expected;
    }
}
