package io.ringside.internal.connection;

import io.ringside.CloseReason;
import java.io.IOException;

/**
 * The half-close of a connection's output ({@link io.ringside.Connection#shutdownOutput()}): the FIN goes out once
 * everything queued before it was written; a connection whose input had ended already then closes, as nothing
 * more can be read or written.
 *
 * <p>Stateless; runs on the connection's loop.
 */
final class OutputShutdown {
    private OutputShutdown() {
    }

    /** Called by the flush once the output is empty: sends the FIN. False when the connection closed. */
    static boolean now(TransportConnection c) {
        try {
            c.transport.shutdownOutput();
        } catch (IOException e) {
            c.context.log().debug(c, "shutdown of the output failed", e);
            ConnectionEvents.closeNow(c, CloseReason.IO_ERROR);
            return false;
        }
        c.outputShutDown = true;
        if (c.state == ConnectionState.HALF_CLOSED) {
            ConnectionEvents.closeNow(c, c.reason); // PEER_CLOSED (or SERVER_STOP): both directions ended cleanly
            return false;
        }
        return true;
    }
}
