package io.ringside.internal.accept;

import io.ringside.ProxyProtocol;
import io.ringside.ServerConfig;
import io.ringside.internal.proxy.ProxyTransportFactory;
import io.ringside.internal.tls.TlsTransportFactory;
import io.ringside.internal.transport.TransportFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listening sockets a configuration asks for: the plain listener (reading a PROXY header first when
 * {@code proxy-protocol} is set) and, with {@code tls-port}, the TLS listener with its
 * {@link TlsTransportFactory} (certificates, handshake task threads), laid over a PROXY header reader when
 * {@code tls-proxy-protocol} is set (the header comes first on the wire, the handshake after it).
 *
 * <p>Built and closed by the server's start and stop (under its lifecycle lock); the addresses are read
 * from any thread once built (immutable after {@link #bind}).
 */
public final class Listeners {
    private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);
    private final List<Listener> all = new ArrayList<>();
    private TlsTransportFactory tls;
    private InetSocketAddress plainAddress;
    private InetSocketAddress tlsAddress;

    private Listeners() {
    }

    /**
     * Binds every listener of {@code config}; on a failure closes what was bound already.
     *
     * @throws IOException naming the setting when an address cannot be bound (in use, not permitted)
     */
    public static Listeners bind(ServerConfig config) throws IOException {
        Listeners l = new Listeners();
        try {
            l.all.add(Listener.bind("plain", config.host(), config.port(), config.reusePort(), config.backlog(),
                    ProxyTransportFactory.forConfig(config)));
            l.plainAddress = l.all.get(0).localAddress();
            if (config.tls().enabled()) {
                l.tls = TlsTransportFactory.create(config.tls());
                try {
                    l.all.add(Listener.bind("tls", config.host(), config.tls().port(), config.reusePort(), config.backlog(),
                            tlsTransports(config, l.tls)));
                } catch (IOException e) {
                    throw new IOException("tls-port " + config.tls().port() + ": " + e.getMessage(), e);
                }
                l.tlsAddress = l.all.get(1).localAddress();
            }
        } catch (IOException | RuntimeException e) {
            l.close();
            throw e;
        }
        return l;
    }

    /** The TLS listener's factory: TLS over the socket, or over the PROXY header reader ({@code tls-proxy-protocol}). */
    private static TransportFactory tlsTransports(ServerConfig config, TlsTransportFactory tls) {
        ProxyProtocol expected = config.tls().proxyProtocol();
        if (expected == ProxyProtocol.OFF) {
            return tls;
        }
        LOG.info("expecting a PROXY protocol {} header before the handshake on every TLS connection", expected);
        return new ProxyTransportFactory(expected, config.proxyProtocolTimeout()).then(tls);
    }

    public List<Listener> all() {
        return List.copyOf(all);
    }

    public InetSocketAddress plainAddress() {
        return plainAddress;
    }

    /** The TLS listener's bound address, null without one. */
    public InetSocketAddress tlsAddress() {
        return tlsAddress;
    }

    /** The TLS listener's transports (certificate reload), null without one. */
    public TlsTransportFactory tls() {
        return tls;
    }

    /** Closes the listening sockets (after a failed start; the acceptor closes them after a run) and the TLS threads. */
    public void close() {
        for (Listener l : all) {
            Listener.closeQuietly(l.channel());
        }
        closeTls();
    }

    /** Ends the TLS handshake task threads (once the workers have stopped). */
    public void closeTls() {
        if (tls != null) {
            tls.close();
        }
    }
}
