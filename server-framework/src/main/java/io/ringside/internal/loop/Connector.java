package io.ringside.internal.loop;

import io.ringside.LineHandler;
import io.ringside.Metric;
import io.ringside.internal.connection.ConnectionOpen;
import io.ringside.internal.connection.TransportConnection;
import io.ringside.internal.transport.SocketTransport;
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
 * <p>The hook for TLS or a PROXY header on the outbound side: wrap the {@link SocketTransport} here, as a
 * listener's transport factory wraps an accepted one (the wrapper forwards {@code finishConnect}).
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
    TransportConnection connect(InetSocketAddress address, long timeoutNanos, LineHandler handler) {
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
        TransportConnection c = new TransportConnection(connectionIds.incrementAndGet(), context, socket, handler, null, true);
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
}
