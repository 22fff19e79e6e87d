package io.ringside.internal.connection;

import io.ringside.CloseReason;
import io.ringside.LineHandler;
import io.ringside.Metric;
import io.ringside.RequestException;
import io.ringside.internal.framing.InputBuffer;
import io.ringside.internal.framing.InputSpan;

/**
 * Frames a connection's buffered input into lines and blocks and hands them to its handler, under the
 * line budget, with the error policy: a {@link RequestException} is one rejected request (the connection
 * goes on), any other exception closes only that connection, a line over the maximum closes it after
 * the handler's reply.
 *
 * <p>Stateless; runs on the connection's worker.
 */
final class Dispatcher {
    private Dispatcher() {
    }

    /** Delivers what the buffer holds until it runs dry, the budget is spent or delivery is held. */
    static void process(TransportConnection c) {
        ConnectionContext ctx = c.context;
        InputBuffer input = c.input;
        InputSpan span = ctx.span();
        int budget = ctx.limits().linesPerWakeup;
        int lines = 0;
        boolean rawBytes = false;
        while (c.state.handlesInput() && !ReadHolds.deliveryHeld(c.holds)) {
            if (input.inBlock()) {
                InputBuffer.Chunk chunk = input.nextBlockChunk(span);
                if (chunk == InputBuffer.Chunk.NONE) {
                    break;
                }
                rawBytes |= c.raw;
                deliverBlock(c, span, chunk);
                continue;
            }
            if (!input.hasBytes()) {
                break;
            }
            if (budget == 0) {
                ctx.counters().increment(Metric.BUDGET_YIELDS);
                c.queueLeftOver();
                break;
            }
            int length = input.nextLine(span);
            if (length == InputBuffer.NO_LINE) {
                offerPartialLine(c, input, span);
                break;
            } else if (length == InputBuffer.TOO_LONG) {
                lineTooLong(c);
                break;
            }
            budget--;
            lines++;
            deliverLine(c, span);
        }
        c.timeouts.afterLines(c, lines);
        if (rawBytes) {
            c.timeouts.rawActivity(ctx.turnNanos());
        }
        if (c.state != ConnectionState.CLOSED) {
            input.compact();
        }
        RateGuard.linesIn(c, lines);
    }

    private static void deliverLine(TransportConnection c, InputSpan span) {
        try {
            c.handler.onLine(c, span);
        } catch (RequestException e) {
            requestFailed(c, e);
        } catch (RuntimeException | Error e) {
            handlerFailed(c, e);
        } finally {
            span.clear();
        }
    }

    private static void offerPartialLine(TransportConnection c, InputBuffer input, InputSpan span) {
        input.partialLine(span);
        try {
            c.handler.onPartialLine(c, span);
        } catch (RequestException e) {
            requestFailed(c, e);
        } catch (RuntimeException | Error e) {
            handlerFailed(c, e);
        } finally {
            span.clear();
        }
    }

    private static void deliverBlock(TransportConnection c, InputSpan span, InputBuffer.Chunk chunk) {
        LineHandler h = c.handler;
        try {
            if (chunk == InputBuffer.Chunk.BAD_END) {
                h.onBlockEndMismatch(c);
            } else {
                h.onBlock(c, span, chunk == InputBuffer.Chunk.LAST);
            }
        } catch (RequestException e) {
            requestFailed(c, e);
        } catch (RuntimeException | Error e) {
            handlerFailed(c, e);
        } finally {
            span.clear();
        }
    }

    /** Runs one call into the handler (a task, a timer, an offload's outcome) under the error policy. */
    static void run(TransportConnection c, Runnable call) {
        try {
            call.run();
        } catch (RequestException e) {
            requestFailed(c, e);
        } catch (RuntimeException | Error e) {
            handlerFailed(c, e);
        }
    }

    static void requestFailed(TransportConnection c, RequestException e) {
        c.context.counters().increment(Metric.REQUEST_ERRORS);
        try {
            c.handler.onRequestError(c, e);
        } catch (RuntimeException | Error again) {
            handlerFailed(c, again);
        }
    }

    private static void lineTooLong(TransportConnection c) {
        int max = c.context.framer().maxLineBytes();
        c.context.log().warnRateLimited(c, "line too long (max {} bytes), closing", max);
        try {
            c.handler.onLineTooLong(c, max);
        } catch (RuntimeException | Error e) {
            handlerFailed(c, e);
            return;
        }
        ConnectionEvents.discardInput(c);
        ConnectionEvents.closeAfterFlush(c, CloseReason.LINE_TOO_LONG);
    }

    static void handlerFailed(TransportConnection c, Throwable e) {
        c.context.counters().increment(Metric.HANDLER_ERRORS);
        c.context.log().warnRateLimited(c, "handler failed, closing: {}", e, null, e);
        if (e instanceof VirtualMachineError) {
            throw (VirtualMachineError) e;
        }
        try {
            c.handler.onError(c, e);
        } catch (RuntimeException | Error again) {
            c.context.log().debug(c, "onError failed too", again);
        }
        ConnectionEvents.discardInput(c);
        ConnectionEvents.closeAfterFlush(c, CloseReason.HANDLER_ERROR);
    }
}
