package io.ringside.internal.accept;

import io.ringside.internal.transport.TransportFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;

/**
 * One listening socket of the server and what its connections get between the socket and the handler
 * (plain, PROXY header, TLS): the acceptor hands every channel it accepts here to a worker together with
 * {@link #transports}.
 *
 * <p>Thread-safe (immutable); the channel itself is the acceptor's.
 */
public final class Listener {
    private final String name;
    private final ServerSocketChannel channel;
    private final TransportFactory transports;

    /**
     * Opens and binds a listening socket on {@code host:port} (0: a free port), with SO_REUSEADDR and, when
     * {@code reusePort}, SO_REUSEPORT; closes it again if binding fails.
     *
     * @throws IOException when the address cannot be bound (in use, not permitted)
     */
    public static Listener bind(String name, String host, int port, boolean reusePort, int backlog,
                                TransportFactory transports) throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open();
        try {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            if (reusePort) {
                channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            channel.bind(new InetSocketAddress(host, port), backlog);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return new Listener(name, channel, transports);
    }

    /** The bound address (the actual port when 0 was asked for). */
    public InetSocketAddress localAddress() throws IOException {
        return (InetSocketAddress) channel.getLocalAddress();
    }

    public Listener(String name, ServerSocketChannel channel, TransportFactory transports) {
        this.name = name;
        this.channel = channel;
        this.transports = transports;
    }

    /** How the logs name it: "plain", "tls". */
    public String name() {
        return name;
    }

    public ServerSocketChannel channel() {
        return channel;
    }

    public TransportFactory transports() {
        return transports;
    }
}
