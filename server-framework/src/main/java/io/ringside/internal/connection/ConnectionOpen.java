package io.ringside.internal.connection;

import io.ringside.CloseReason;
import io.ringside.Metric;
import io.ringside.internal.transport.TransportException;
import java.net.InetSocketAddress;

/**
 * How a registered connection becomes open: first the transport's preface, if it has one (a PROXY
 * header, a TLS handshake; bounded by the preface timeout), then the handler's onOpen. An accepted connection
 * that closes before that never reaches its handler: no onOpen, no onClose.
 *
 * <p>An outbound connection (a connect) first waits for its socket to connect, then for its transport's preface
 * (a client's TLS handshake), both bounded by its connect timeout (the same clock as a preface's); its handler
 * created it, so it always hears onClose: with {@link CloseReason#CONNECT_FAILED}, {@link CloseReason#CONNECT_TIMEOUT}
 * or {@link CloseReason#TLS_HANDSHAKE_FAILED} (and no onOpen) when the connect or the handshake fails.
 *
 * <p>Stateless; every method runs on the connection's loop.
 */
public final class ConnectionOpen {
    private ConnectionOpen() {
    }

    /** A newly registered connection without a transport preface. See {@link #open(TransportConnection, long)}. */
    public static void open(TransportConnection c) {
        open(c, 0);
    }

    /**
     * A newly registered connection: calls the handler's onOpen and flushes what it wrote (a greeting);
     * drains at once if stopping. While the transport reads its preface, the handler waits for it (at most
     * {@code prefaceTimeoutNanos}, 0: no limit).
     */
    public static void open(TransportConnection c, long prefaceTimeoutNanos) {
        bind(c);
        if (!c.transport.established()) {
            c.timeouts.prefaceTimeout(prefaceTimeoutNanos);
            if (c.context.draining()) {
                ConnectionEvents.closeNow(c, CloseReason.SERVER_STOP);
            } else {
                c.transport.interest(true, false);
            }
            return;
        }
        openHandler(c);
        ConnectionEvents.flush(c);
        if (c.context.draining()) {
            ConnectionEvents.beginDrain(c);
        }
    }

    /**
     * An outbound connection, registered for OP_CONNECT: closed with {@link CloseReason#CONNECT_TIMEOUT} if not
     * connected within {@code timeoutNanos}. A connect that failed ({@code failure}) or completed at once (not
     * {@code pending}), or a
     * stop, is settled by a task after the current handler call: the handler never hears of it inside connect().
     */
    public static void connecting(TransportConnection c, long timeoutNanos, boolean pending, Exception failure) {
        bind(c);
        c.connecting = true;
        StateGauge.update(c);
        c.timeouts.prefaceTimeout(timeoutNanos);
        if (failure != null || c.context.draining() || !pending) {
            c.context.execute(c, () -> settle(c, failure));
        }
    }

    /**
     * Lends the transport the connection's loop: a task it ran elsewhere (a TLS handshake's) ends there, then a read
     * and a flush. An accepted connection's transport also gets the worker's counters (the listener's TLS handshakes);
     * an outbound one's handshakes are not counted there (a failed one is counted as its close reason).
     */
    private static void bind(TransportConnection c) {
        java.util.concurrent.Executor onLoop = task -> c.context.execute(c, () -> {
            task.run();
            ConnectionEvents.onReady(c, true, true); // what the transport's task unblocked: read and flush
        });
        if (c.outbound) {
            c.transport.bind(onLoop);
        } else {
            c.transport.bind(onLoop, c.context.counters());
        }
    }

    private static void settle(TransportConnection c, Exception failure) {
        if (failure != null) {
            connectFailed(c, failure);
        } else if (c.context.draining()) {
            ConnectionEvents.closeNow(c, CloseReason.SERVER_STOP);
        } else {
            onConnectable(c); // connected at once: the transports above the socket start their prefaces (TLS) too
        }
    }

    /** The socket of an outbound connection reported OP_CONNECT: it connected, or the connect failed. */
    public static void onConnectable(TransportConnection c) {
        boolean done;
        try {
            done = c.transport.finishConnect();
        } catch (TransportException e) { // connected, but a layer over the socket refused to start (TLS)
            c.context.log().debug(c, "connect to " + c.remoteAddress() + ": " + e.getMessage(), null);
            ConnectionEvents.closeNow(c, e.reason());
            return;
        } catch (java.io.IOException | RuntimeException e) {
            connectFailed(c, e);
            return;
        }
        if (done) {
            connected(c);
        }
    }

    private static void connectFailed(TransportConnection c, Exception e) {
        c.context.log().debug(c, "connect to " + c.remoteAddress() + " failed: " + e, null);
        ConnectionEvents.closeNow(c, CloseReason.CONNECT_FAILED);
    }

    /** Connected: the handler opens and what it was sent meanwhile goes out (after a client preface, if any). */
    private static void connected(TransportConnection c) {
        c.connecting = false;
        StateGauge.update(c);
        if (!c.transport.established()) {
            c.transport.interest(true, c.output.pending() > 0); // a client preface (TLS): read as an accepted one's
            return;
        }
        openHandler(c);
        if (c.state == ConnectionState.CLOSED) {
            return;
        }
        ConnectionEvents.flush(c);
        if (c.context.draining()) {
            ConnectionEvents.beginDrain(c);
        }
    }

    private static void openHandler(TransportConnection c) {
        c.handlerOpened = true;
        StateGauge.update(c);
        c.timeouts.handlerOpened(c.context.turnNanos());
        Dispatcher.run(c, () -> c.handler.onOpen(c));
    }

    /**
     * Before the handler is opened: after a read of the preface, whether to go on to the handler. A peer
     * that leaves, or a stop, during the preface closes the connection; the handler never hears of it (but an
     * outbound connection's handler hears onClose, {@link CloseReason#TLS_HANDSHAKE_FAILED} for a server that left).
     */
    static boolean prefaceDone(TransportConnection c, int n) {
        if (n < 0) { // an outbound connection's server that leaves during its handshake failed it, for its handler
            ConnectionEvents.closeNow(c, c.outbound ? CloseReason.TLS_HANDSHAKE_FAILED : CloseReason.PEER_CLOSED);
            return false;
        }
        if (!c.transport.established()) {
            if (c.context.draining()) {
                ConnectionEvents.closeNow(c, CloseReason.SERVER_STOP);
            } else {
                c.input.compact(); // nothing was read into it: the pooled buffer goes back while the preface waits
                c.transport.interest(true, c.output.pending() > 0);
            }
            return false;
        }
        if (!admitClient(c)) {
            return false;
        }
        openHandler(c);
        return c.state != ConnectionState.CLOSED;
    }

    /**
     * Once the preface named the client (a PROXY header), admission counts the connection per address under
     * the client (or under the proxy, for a header that names none: a health check). A client at its
     * per-address limit is refused as the acceptor refuses: the refused reply, then the close
     * ({@link CloseReason#REFUSED}); the handler never hears of it. False then.
     */
    private static boolean admitClient(TransportConnection c) {
        InetSocketAddress proxy = c.transport.proxyAddress();
        if (proxy == null) {
            return true; // the socket's peer is the client: counted at accept
        }
        InetSocketAddress client = c.transport.remoteAddress();
        if (c.context.log().debugEnabled()) {
            c.context.log().debug(c, "PROXY header: client " + client + " via " + proxy, null);
        }
        InetSocketAddress counted = c.admittedAs();
        if (client == null || client.equals(counted)) {
            return true;
        }
        String refusal = c.context.readmit(counted, client);
        if (refusal == null) {
            c.admittedAs(client);
            return true;
        }
        c.context.counters().increment(Metric.REFUSED);
        c.context.log().warnRateLimited(c, "refused a connection: {}", refusal);
        c.write(refusal).writeEndOfLine();
        ConnectionEvents.closeAfterFlush(c, CloseReason.REFUSED);
        ConnectionEvents.flush(c);
        return false;
    }
}
