package io.ringside.services.proxy;

import io.ringside.ClientTls;
import io.ringside.ConnectOptions;
import io.ringside.Connection;
import io.ringside.ProxyProtocol;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and how the relay connects for each client: the target's address and connect timeout, TLS to it (its
 * certificate verified, {@link ClientTls}) or not, and a PROXY header naming the client or not. The header carries
 * the client as the relay knows it: the address its own listener's PROXY header named when it reads one
 * ({@code proxy-protocol}), else the socket's peer; and the address the client connected to. The framework sends it
 * first, before the TLS handshake.
 *
 * <p>Thread-safe (immutable); {@link #optionsFor} runs on the client's worker.
 */
public record RelayTarget(InetSocketAddress address, Duration connectTimeout, ClientTls tls, ProxyProtocol proxyHeader) {
    public RelayTarget {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(proxyHeader, "proxyHeader");
        if (proxyHeader == ProxyProtocol.ANY) {
            throw new IllegalArgumentException("a PROXY header to send is v1 or v2");
        }
    }

    /** Plain TCP to {@code address}, no header. */
    public static RelayTarget plain(InetSocketAddress address, Duration connectTimeout) {
        return new RelayTarget(address, connectTimeout, null, ProxyProtocol.OFF);
    }

    /** The options of the connect for {@code client} (its addresses go into the PROXY header). */
    ConnectOptions optionsFor(Connection client) {
        if (tls == null && proxyHeader == ProxyProtocol.OFF) {
            return ConnectOptions.PLAIN;
        }
        ConnectOptions.Builder b = ConnectOptions.builder().tls(tls);
        if (proxyHeader != ProxyProtocol.OFF) {
            b.proxyHeader(proxyHeader, client.remoteAddress(), client.localAddress());
        }
        return b.build();
    }

    /** For the start line: {@code 127.0.0.1:6379 (TLS to ..., PROXY v2 header)}. */
    public String describe() {
        return address.getAddress().getHostAddress() + ":" + address.getPort() + (tls == null ? "" : " (" + tls + ")")
                + (proxyHeader == ProxyProtocol.OFF ? "" : " with a PROXY " + proxyHeader + " header");
    }
}
