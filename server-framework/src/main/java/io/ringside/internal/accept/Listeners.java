package io.ringside.internal.accept;

import io.ringside.ServerConfig;
import io.ringside.internal.proxy.ProxyTransportFactory;
import io.ringside.internal.tls.TlsTransportFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The listening sockets a configuration asks for: the plain listener (reading a PROXY header first when
 * {@code proxy-protocol} is set) and, with {@code tls-port}, the TLS listener with its
 * {@link TlsTransportFactory} (certificates, handshake task threads).
 *
 * <p>Built and closed by the server's start and stop (under its lifecycle lock); the addresses are read
 * from any thread once built (immutable after {@link #bind}).
 */
public final class Listeners {
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
                    l.all.add(Listener.bind("tls", config.host(), config.tls().port(), config.reusePort(), config.backlog(), l.tls));
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
