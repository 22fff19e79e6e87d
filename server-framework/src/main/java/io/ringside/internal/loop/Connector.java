package io.ringside.internal.loop;

import io.ringside.ConnectOptions;
import io.ringside.LineHandler;
import io.ringside.Metric;
import io.ringside.ProxyProtocol;
import io.ringside.internal.connection.ConnectionOpen;
import io.ringside.internal.connection.TransportConnection;
import io.ringside.internal.proxy.ProxyHeaderEncoder;
import io.ringside.internal.proxy.ProxyHeaderSender;
import io.ringside.internal.tls.TlsClients;
import io.ringside.internal.transport.SocketTransport;
import io.ringside.internal.transport.Transport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Opens a worker's outbound connections: a non-blocking {@link SocketChannel#connect} registered for
 * {@code OP_CONNECT} on the worker's own selector, then the same connection, handler API and settings as an
 * accepted connection ({@link ConnectionOpen#connecting}). Every failure (refused at once, no descriptor left, an
 * unresolved or unsupported address) becomes the connection's close reason, never an exception on the loop.
 * Outbound connections count in the stats ({@link Metric#CONNECTS}, opened, closed) but hold no admission slot:
 * the connection limits are for what clients open.
 *
 * <p>{@link ConnectOptions} lay transports over the {@link SocketTransport}, as a listener's transport factory does
 * over an accepted one: a {@link ProxyHeaderSender} (the PROXY header first on the wire), then a client
 * {@code TlsTransport} ({@link TlsClients}), each forwarding {@code finishConnect} to the one below; the TLS handshake
 * is the connection's preface, so the handler opens after it.
 *
 * <p>Confined to its worker.
 */
final class Connector {
    private final WorkerContext context;
    /** Null for a loop without network (the test harness): every connect fails. */
    private final Selector selector;
    private final AtomicLong connectionIds;
    private final boolean tcpNoDelay;

    Connector(WorkerContext context, Selector selector, AtomicLong connectionIds, boolean tcpNoDelay) {
        this.context = context;
        this.selector = selector;
        this.connectionIds = connectionIds;
        this.tcpNoDelay = tcpNoDelay;
    }

    /** Starts a connect to {@code address}; the connection's handler hears how it went later, on this loop. */
    TransportConnection connect(InetSocketAddress address, long timeoutNanos, ConnectOptions options, LineHandler handler) {
        assert context.inLoop();
        SocketChannel channel = null;
        boolean pending = true;
        Exception failure = null;
        try {
            if (selector == null) {
                throw new IOException("this loop has no network (the handler harness)");
            }
            if (address.isUnresolved()) {
                throw new IOException("unresolved address " + address.getHostString() + ": resolve it before connecting");
            }
            channel = SocketChannel.open();
            channel.configureBlocking(false);
            SocketTransport.setNoDelay(channel, tcpNoDelay);
            pending = !channel.connect(address);
        } catch (IOException | RuntimeException e) {
            failure = e; // refused at once, EMFILE, an unsupported address type, a security manager's veto
        }
        SocketTransport socket = SocketTransport.connecting(channel, address, pending);
        Transport transport = socket;
        if (failure == null) {
            try {
                transport = layers(socket, address, options);
            } catch (RuntimeException e) {
                failure = e; // a host no certificate can name (an SNI the JDK refuses)
            }
        }
        TransportConnection c = new TransportConnection(connectionIds.incrementAndGet(), context, transport, handler, null, true);
        if (failure == null) {
            try {
                socket.register(selector, c);
            } catch (IOException | RuntimeException e) {
                failure = e;
            }
        }
        context.adopt(c);
        context.counters().increment(Metric.CONNECTS);
        ConnectionOpen.connecting(c, timeoutNanos, pending, failure);
        return c;
    }

    /**
     * What goes over the socket, first byte first: the PROXY header, then TLS (a client engine whose delegated
     * tasks run on the offload executor, off this loop).
     */
    private Transport layers(SocketTransport socket, InetSocketAddress address, ConnectOptions options) {
        Transport t = socket;
        if (options.proxyHeader() != ProxyProtocol.OFF) {
            int version = options.proxyHeader() == ProxyProtocol.V1 ? 1 : 2;
            t = new ProxyHeaderSender(t, ProxyHeaderEncoder.encode(version, options.proxySource(), options.proxyDestination()));
        }
        if (options.tls().isPresent()) {
            t = TlsClients.over(t, options.tls().get(), address, context.offloadExecutor());
        }
        return t;
    }
}
