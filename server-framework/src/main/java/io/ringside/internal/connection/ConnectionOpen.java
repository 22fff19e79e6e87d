package io.ringside.internal.connection;

import io.ringside.CloseReason;

/**
 * How a registered connection becomes open: first the transport's preface, if it has one (a PROXY
 * header, a TLS handshake; bounded by the preface timeout), then the handler's onOpen. A connection that
 * closes before that never reaches its handler: no onOpen, no onClose.
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
        c.transport.bind(task -> c.context.execute(c, () -> {
            task.run();
            ConnectionEvents.onReady(c, true, true); // what the transport's task unblocked: read and flush
        }));
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

    private static void openHandler(TransportConnection c) {
        c.handlerOpened = true;
        c.timeouts.handlerOpened(c.context.turnNanos());
        Dispatcher.run(c, () -> c.handler.onOpen(c));
    }

    /**
     * Before the handler is opened: after a read of the preface, whether to go on to the handler. A peer
     * that leaves, or a stop, during the preface closes the connection; the handler never hears of it.
     */
    static boolean prefaceDone(TransportConnection c, int n) {
        if (n < 0) {
            ConnectionEvents.closeNow(c, CloseReason.PEER_CLOSED);
            return false;
        }
        if (!c.transport.established()) {
            if (c.context.draining()) {
                ConnectionEvents.closeNow(c, CloseReason.SERVER_STOP);
            } else {
                c.transport.interest(true, c.output.pending() > 0);
            }
            return false;
        }
        openHandler(c);
        return c.state != ConnectionState.CLOSED;
    }
}
