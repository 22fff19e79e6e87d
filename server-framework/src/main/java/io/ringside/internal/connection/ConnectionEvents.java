package io.ringside.internal.connection;

import io.ringside.CloseReason;
import io.ringside.Metric;
import io.ringside.internal.transport.TransportException;
import java.io.IOException;

/**
 * How a loop drives a connection: open, ready ops in (readable, writable), lines left over, the drain,
 * the timeout sweep, tasks and timers, and the close. The read loop, the flush with its watermarks and
 * the lifecycle moves ({@link ConnectionState}) live here; the handler's view is
 * {@link TransportConnection}.
 *
 * <p>Stateless; every method runs on the connection's loop.
 */
public final class ConnectionEvents {
    /** While draining, reads per wake-up before the other connections get their turn. */
    private static final int MAX_READS_WHILE_DRAINING = 16;
    /**
     * Reads per wake-up while the transport already holds input (decrypted or decryptable TLS records read by
     * one socket call, up to four): the batch then ends in one flush, as one socket read's worth would.
     */
    private static final int MAX_BUFFERED_READS = 4;

    private ConnectionEvents() {
    }

    /** The transport reported ready ops. */
    public static void onReady(TransportConnection c, boolean readable, boolean writable) {
        c.serving = true; // every path below ends in a flush of c: its own writes need no queued flush
        try {
            if (writable) {
                flush(c);
            }
            if (readable) {
                onReadable(c);
            } else if (c.wantsRead() && c.transport.hasBufferedInput()) {
                c.queueLeftOver(); // the transport could not decrypt before its own output went out: now it can
            }
        } finally {
            c.serving = false;
        }
    }

    /**
     * Input is readable: one read (more while draining, or while the transport holds input it already has), then
     * frame and dispatch, then flush.
     */
    static void onReadable(TransportConnection c) {
        assert c.context.inLoop();
        for (int reads = 0; c.wantsRead(); reads++) {
            if (reads == MAX_READS_WHILE_DRAINING) {
                c.queueLeftOver(); // more next turn: one connection must not hold its worker (or the drain deadline)
                break;
            }
            int n;
            try {
                n = c.transport.read(c.input.forRead());
            } catch (TransportException e) {
                c.context.log().debug(c, "transport refused the peer's input: " + e.getMessage(), null);
                closeNow(c, e.reason());
                return;
            } catch (IOException e) {
                c.context.log().debug(c, "read failed", e);
                closeNow(c, CloseReason.IO_ERROR);
                return;
            }
            if (!c.handlerOpened && !ConnectionOpen.prefaceDone(c, n)) {
                return;
            }
            if (n < 0) {
                endInput(c, CloseReason.PEER_CLOSED);
            } else if (n == 0 && c.context.draining()) {
                endInput(c, CloseReason.SERVER_STOP);
            } else if (n > 0) {
                c.context.counters().add(Metric.BYTES_IN, n);
            }
            Dispatcher.process(c);
            RateGuard.bytesIn(c, n); // charged after the lines it brought were handled: a pause holds the next read
            boolean more = c.context.draining() || (reads + 1 < MAX_BUFFERED_READS && c.transport.hasBufferedInput());
            if (!more || n <= 0) {
                break;
            }
        }
        if (c.wantsRead() && c.transport.hasBufferedInput()) {
            c.queueLeftOver(); // the transport holds input the socket will not signal: read it next turn
        }
        afterBatch(c);
    }

    private static void endInput(TransportConnection c, CloseReason why) {
        if (c.state == ConnectionState.OPEN) {
            c.moveTo(ConnectionState.INPUT_ENDED);
            c.reason = why;
        }
    }

    /** Its turn in the left-over queue: lines from the buffer first; a draining connection reads on. */
    public static void onLeftOver(TransportConnection c) {
        c.holds &= ~ReadHolds.LEFT_OVER;
        if (c.state == ConnectionState.CLOSED) {
            return;
        }
        c.serving = true;
        try {
            Dispatcher.process(c);
            if (c.wantsRead() && (c.context.draining() || c.transport.hasBufferedInput())) {
                onReadable(c);
            } else {
                afterBatch(c);
            }
        } finally {
            c.serving = false;
        }
    }

    /** End of a batch: after the end of input and its last line, tell the handler; then flush. */
    private static void afterBatch(TransportConnection c) {
        if (c.state == ConnectionState.INPUT_ENDED && (c.holds & ReadHolds.LEFT_OVER) == 0
                && !ReadHolds.deliveryHeld(c.holds) && !c.input.hasUnscanned()) {
            if ((c.input.holdsPartialLine() || c.input.inBlock()) && !c.raw) {
                c.context.counters().increment(Metric.PARTIAL_LINES_DROPPED);
                c.context.log().debug(c, "end of stream inside a line or block: its bytes are dropped", null);
            }
            discardInput(c);
            c.moveTo(ConnectionState.HALF_CLOSED);
            Dispatcher.run(c, () -> c.handler.onInputEnd(c));
            maybeFinishHalfClose(c);
        }
        flush(c);
    }

    /** The server is stopping: read what the kernel holds, answer it, then close after the flush. */
    public static void beginDrain(TransportConnection c) {
        if (c.state == ConnectionState.CLOSED) {
            return;
        }
        if (c.connecting) {
            closeNow(c, CloseReason.SERVER_STOP); // an outbound connect still pending: its handler hears the stop
            return;
        }
        if (c.state == ConnectionState.OPEN) {
            onReadable(c);
        } else {
            afterBatch(c);
        }
    }

    /** The loop's periodic sweep: closes the connection past its idle or line timeout. */
    public static void checkTimeouts(TransportConnection c, long now) {
        if (c.state == ConnectionState.CLOSED) {
            return;
        }
        CloseReason expired = c.timeouts.expired(now, c.context.limits(), c.handlerOpened);
        if (expired == CloseReason.PREFACE_TIMEOUT) {
            c.context.log().debug(c, c.outbound ? "connect (and its TLS handshake) not done in time, closing"
                    : "transport preface not finished in time, closing", null);
            closeNow(c, c.outbound ? CloseReason.CONNECT_TIMEOUT : expired);
        } else if (expired == CloseReason.LINE_TIMEOUT) {
            c.context.log().warnRateLimited(c, "line not finished within {} ms, closing", c.context.limits().lineTimeoutNanos / 1_000_000);
            closeNow(c, expired);
        } else if (expired != null) {
            c.context.log().debug(c, "idle timeout, closing", null);
            closeNow(c, expired);
        }
    }

    /** Stops handling input and closes once output is flushed and offloaded calls answered. */
    static void closeAfterFlush(TransportConnection c, CloseReason why) {
        if (c.state != ConnectionState.CLOSING && c.state != ConnectionState.CLOSED) {
            c.moveTo(ConnectionState.CLOSING);
            c.reason = why;
        }
    }

    /** Closes now, discarding queued output; tells the handler once. */
    public static void closeNow(TransportConnection c, CloseReason why) {
        if (c.state == ConnectionState.CLOSED) {
            return;
        }
        c.moveTo(ConnectionState.CLOSED);
        c.reason = why;
        c.input.release();
        long lost = c.output.discard();
        OutputBudgetGuard.closed(c);
        RateGuard.closed(c);
        c.context.closed(c, why, lost); // counted before the peer can see the close
        c.transport.close(why);
        if (!c.handlerOpened && !c.outbound) {
            return; // closed during the transport's preface: the handler never heard of it (one opened by a connect did)
        }
        try {
            c.handler.onClose(c, why);
        } catch (RuntimeException | Error e) {
            c.context.counters().increment(Metric.HANDLER_ERRORS);
            c.context.log().warnRateLimited(c, "onClose failed: {}", e, null, e);
        }
    }

    /** Writes what the peer takes; applies the watermarks; completes a close-after-flush. */
    public static void flush(TransportConnection c) {
        if (c.state == ConnectionState.CLOSED || !writeTransportOwn(c) || (c.output.pending() > 0 && !writeOut(c))) {
            return;
        }
        boolean held = (c.holds & ReadHolds.BACKPRESSURE) != 0;
        if ((held || c.rawAboveHighWatermark) && c.output.pending() <= c.context.limits().lowWatermark) {
            c.rawAboveHighWatermark = false;
            if (held) {
                c.holds &= ~ReadHolds.BACKPRESSURE;
                StateGauge.update(c);
                if (c.input.hasUnscanned() || c.context.draining()) {
                    c.queueLeftOver(); // a draining connection must go on to read to the end
                }
            }
            Dispatcher.run(c, () -> c.handler.onWritable(c));
            if (c.state == ConnectionState.CLOSED || (c.output.pending() > 0 && !writeOut(c))) {
                return;
            }
        }
        if (c.state == ConnectionState.CLOSING && c.output.pending() == 0 && c.offloadsInFlight() == 0
                && !c.transport.hasBufferedOutput()) {
            closeNow(c, c.reason);
            return;
        }
        if (c.outputShutdownAsked && !c.outputShutDown && c.output.pending() == 0 && !c.connecting && !OutputShutdown.now(c)) {
            return;
        }
        OutputBudgetGuard.afterFlush(c);
        c.transport.interest(c.wantsRead(), c.output.pending() > 0);
    }

    /** Drops what was received and a pending block (the connection handles no more input). */
    static void discardInput(TransportConnection c) {
        c.input.release();
        c.input.dropBlock();
    }

    /** Holds reading for {@code reason} (a {@link ReadHolds} bit). */
    static void hold(TransportConnection c, int reason) {
        c.holds |= reason;
        StateGauge.update(c);
        c.transport.interest(c.wantsRead(), c.output.pending() > 0);
    }

    /** Ends a hold; buffered lines are served next turn (and a draining connection reads on). */
    static void release(TransportConnection c, int reason) {
        if ((c.holds & reason) != 0) {
            c.holds &= ~reason;
            StateGauge.update(c);
            if (c.input.hasUnscanned() || c.context.draining() || c.state == ConnectionState.INPUT_ENDED
                    || c.transport.hasBufferedInput()) {
                c.queueLeftOver();
            }
            c.transport.interest(c.wantsRead(), c.output.pending() > 0);
        }
    }

    /** One write to the transport; false when it failed and the connection closed. */
    private static boolean writeOut(TransportConnection c) {
        try {
            long written = c.output.writeTo(c.transport);
            c.context.counters().add(Metric.BYTES_OUT, written);
            if (c.raw && written > 0) {
                c.timeouts.rawActivity(c.context.turnNanos());
            }
            return true;
        } catch (IOException e) {
            c.context.log().debug(c, "write failed", e);
            closeNow(c, CloseReason.IO_ERROR);
            return false;
        }
    }

    /** The transport's own output first (TLS records of its own); false when it failed and the connection closed. */
    private static boolean writeTransportOwn(TransportConnection c) {
        try {
            c.transport.writeBuffered();
            return c.state != ConnectionState.CLOSED;
        } catch (TransportException e) {
            c.context.log().debug(c, "transport refused the peer's input: " + e.getMessage(), null);
            closeNow(c, e.reason());
            return false;
        } catch (IOException e) {
            c.context.log().debug(c, "write failed", e);
            closeNow(c, CloseReason.IO_ERROR);
            return false;
        }
    }

    /** After input ended and everything received was handled: half-closed until pending work is done. */
    static void maybeFinishHalfClose(TransportConnection c) {
        if (c.state == ConnectionState.HALF_CLOSED && c.pendingWork == 0 && c.remoteTasks == 0 && c.offloadsInFlight() == 0
                && (!c.raw || c.outputShutDown)) { // raw: open for output until the handler shuts it down
            closeAfterFlush(c, c.reason);
        }
    }
}
