package io.ringside;

import com.google.common.base.Preconditions;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * How an outbound connection ({@link Connection#connect(InetSocketAddress, java.time.Duration, ConnectOptions, LineHandler)})
 * speaks to its peer beyond TCP: TLS ({@link ClientTls}), and a PROXY protocol header (HAProxy's
 * {@code doc/proxy-protocol.txt}) naming the client a relay connects for. Both are done by the framework, not the
 * handler:
 * <ul>
 * <li>The PROXY header ({@link ProxyProtocol#V1} or {@link ProxyProtocol#V2}) is the connection's first bytes,
 *     before the TLS handshake when both are set, and before anything the handler writes.</li>
 * <li>The TLS handshake is the connection's preface: the handler's {@link LineHandler#onOpen} comes after it, what
 *     it wrote before goes out encrypted after it, and a failed handshake or verification ends in
 *     {@link LineHandler#onClose} with {@link CloseReason#TLS_HANDSHAKE_FAILED} (no onOpen). The connect timeout
 *     covers the TCP connect and the handshake ({@link CloseReason#CONNECT_TIMEOUT}).</li>
 * </ul>
 * A connection is cheap to describe: build options per connect (a relay names each client in its header) over a
 * {@link ClientTls} built once.
 *
 * <p>Thread-safe (immutable).
 */
public final class ConnectOptions {
    /** Plain TCP: no TLS, no PROXY header. */
    public static final ConnectOptions PLAIN = builder().build();

    private final ClientTls tls;
    private final ProxyProtocol proxyHeader;
    private final InetSocketAddress proxySource;
    private final InetSocketAddress proxyDestination;

    private ConnectOptions(Builder b) {
        this.tls = b.tls;
        this.proxyHeader = b.proxyHeader;
        this.proxySource = b.proxySource;
        this.proxyDestination = b.proxyDestination;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these options, to change some of them. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.tls = tls;
        b.proxyHeader = proxyHeader;
        b.proxySource = proxySource;
        b.proxyDestination = proxyDestination;
        return b;
    }

    /** TLS over the connection; empty: plain. */
    public Optional<ClientTls> tls() {
        return Optional.ofNullable(tls);
    }

    /** The PROXY header sent first: {@link ProxyProtocol#OFF} (none), {@link ProxyProtocol#V1} or {@link ProxyProtocol#V2}. */
    public ProxyProtocol proxyHeader() {
        return proxyHeader;
    }

    /** The client the PROXY header names (its source address); null: unknown (see {@link Builder#proxyHeader}). */
    public InetSocketAddress proxySource() {
        return proxySource;
    }

    /** The address the client connected to, as the PROXY header says; null: unknown. */
    public InetSocketAddress proxyDestination() {
        return proxyDestination;
    }

    @Override
    public String toString() {
        return "ConnectOptions[" + (tls == null ? "plain" : tls) + (proxyHeader == ProxyProtocol.OFF ? ""
                : ", PROXY " + proxyHeader + " " + proxySource + " -> " + proxyDestination) + "]";
    }

    /** Builds {@link ConnectOptions}. Not thread-safe; use it on one thread. */
    public static final class Builder {
        private ClientTls tls;
        private ProxyProtocol proxyHeader = ProxyProtocol.OFF;
        private InetSocketAddress proxySource;
        private InetSocketAddress proxyDestination;

        private Builder() {
        }

        /** TLS with {@code tls}'s trust, server name and protocols; null: plain. */
        public Builder tls(ClientTls tls) {
            this.tls = tls;
            return this;
        }

        /**
         * A PROXY protocol header of {@code version} ({@link ProxyProtocol#V1} or {@link ProxyProtocol#V2};
         * {@link ProxyProtocol#OFF}: none) as the first bytes: {@code source} is the client, {@code destination}
         * the address it connected to. Both must be resolved; an IPv4 and an IPv6 address together are sent as
         * IPv6 (the IPv4 one mapped, {@code ::ffff:a.b.c.d}). Either null: the header says the addresses are
         * unknown ({@code PROXY UNKNOWN} in v1, the {@code UNSPEC} family in v2), and the receiver uses the
         * socket's own.
         *
         * @throws IllegalArgumentException for {@link ProxyProtocol#ANY} or an unresolved address
         */
        public Builder proxyHeader(ProxyProtocol version, InetSocketAddress source, InetSocketAddress destination) {
            Preconditions.checkArgument(version != ProxyProtocol.ANY, "a PROXY header to send is v1 or v2, not any");
            Preconditions.checkArgument(source == null || !source.isUnresolved(), "unresolved PROXY source %s", source);
            Preconditions.checkArgument(destination == null || !destination.isUnresolved(), "unresolved PROXY destination %s", destination);
            this.proxyHeader = Preconditions.checkNotNull(version, "version");
            this.proxySource = source;
            this.proxyDestination = destination;
            return this;
        }

        public ConnectOptions build() {
            return new ConnectOptions(this);
        }
    }
}
