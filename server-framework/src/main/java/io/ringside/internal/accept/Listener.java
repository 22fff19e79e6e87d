package io.ringside.internal.accept;

import io.ringside.internal.transport.TransportFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One listening socket of the server and what its connections get between the socket and the handler
 * (plain, PROXY header, TLS): the acceptor hands every channel it accepts here to a worker together with
 * {@link #transports}.
 *
 * <p>Thread-safe (immutable); the channel itself is the acceptor's.
 */
public final class Listener {
    private static final Logger LOG = LoggerFactory.getLogger(Listener.class);
    /** Linux 5.14+: 1 moves the connections queued on a closing SO_REUSEPORT listener to the port's others. */
    private static final Path MIGRATE_REQ = Path.of("/proc/sys/net/ipv4/tcp_migrate_req");
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
                warnIfQueuedConnectionsAreReset();
            }
            channel.bind(new InetSocketAddress(host, port), backlog);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return new Listener(name, channel, transports);
    }

    /**
     * With SO_REUSEPORT, Linux resets the connections still queued on a listener when it closes (at the end of
     * a drain's accepts) unless net.ipv4.tcp_migrate_req is 1; says so once per listener, at INFO.
     */
    private static void warnIfQueuedConnectionsAreReset() {
        try {
            if (Files.isReadable(MIGRATE_REQ) && Files.readString(MIGRATE_REQ).trim().equals("0")) {
                LOG.info("reuse-port: net.ipv4.tcp_migrate_req is 0, so a connection that reaches this listener in the"
                        + " instant it closes at a drain is reset; 1 moves such connections to the port's other listeners");
            }
        } catch (IOException | SecurityException e) {
            LOG.debug("cannot read {}", MIGRATE_REQ, e);
        }
    }

    /** Closes a listening socket or the acceptor's selector; a failure is only logged (at debug). */
    static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            LOG.debug("closing {} failed", c, e);
        }
    }

    /** The peer of an accepted channel, or null when it is gone already (a reset before the lookup). */
    static InetSocketAddress peerOf(java.nio.channels.SocketChannel ch) {
        try {
            return (InetSocketAddress) ch.getRemoteAddress();
        } catch (IOException e) {
            return null;
        }
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
