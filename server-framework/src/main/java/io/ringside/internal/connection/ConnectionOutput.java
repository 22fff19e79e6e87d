package io.ringside.internal.connection;

import io.ringside.ByteSpan;
import io.ringside.CloseReason;
import io.ringside.Connection;
import io.ringside.internal.buffer.OutputQueue;
import io.ringside.internal.framing.InputSpan;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The write half of the {@link Connection} view: every {@code write} appends to the connection's
 * {@link OutputQueue} and applies the watermarks ({@link #afterAppend}); the flush comes
 * at the end of the batch. Writes after the close are ignored. It also keeps the connection's marks for the
 * output budget and the input rate limits ({@link OutputBudgetGuard}, {@link RateGuard}).
 *
 * <p>Confined to the connection's loop (asserted on every write).
 */
abstract class ConnectionOutput implements Connection {
    final ConnectionContext context;
    final OutputQueue output;
    /** The queued output this connection last reported to the {@link OutputBudget}, and since when it is paused by it. */
    long budgetCounted;
    long budgetPausedSince;
    /** Its input rate limits' state ({@link RateGuard}); null until its first input, and while no rate limit is set. */
    InputRate rate;

    ConnectionOutput(ConnectionContext context, OutputQueue output) {
        this.context = context;
        this.output = output;
    }

    /** Whether writes are ignored: the connection is closed, or its output shut down. */
    abstract boolean closed();

    /** The connection itself, as the loop drives it. */
    abstract TransportConnection self();

    /** The check before every write: on the loop (asserted); false once closed or shut down. */
    private boolean writable() {
        assert context.inLoop() : "write outside the connection's worker";
        return !closed();
    }

    @Override
    public Connection write(byte[] src, int off, int len) {
        Objects.checkFromIndexSize(off, len, src.length);
        if (writable()) {
            output.append(src, off, len);
            afterAppend(self());
        }
        return this;
    }

    @Override
    public Connection write(ByteBuffer src) {
        if (writable()) {
            output.append(src, src.position(), src.remaining());
            afterAppend(self());
        }
        src.position(src.limit());
        return this;
    }

    @Override
    public Connection write(ByteBuffer src, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, src.limit());
        if (writable()) {
            output.append(src, offset, length);
            afterAppend(self());
        }
        return this;
    }

    @Override
    public Connection write(ByteSpan span, int from, int to) {
        Objects.checkFromToIndex(from, to, span.length());
        if (!writable()) {
            return this;
        }
        if (span instanceof InputSpan) {
            InputSpan s = (InputSpan) span;
            output.append(s.buffer(), s.offset() + from, to - from);
        } else {
            output.append(span, from, to);
        }
        afterAppend(self());
        return this;
    }

    @Override
    public Connection write(CharSequence text) {
        if (!writable()) {
            return this;
        }
        output.appendText(text);
        afterAppend(self());
        return this;
    }

    @Override
    public Connection writeAscii(long value) {
        if (writable()) {
            output.appendDecimal(value);
            afterAppend(self());
        }
        return this;
    }

    @Override
    public Connection writeUnsignedAscii(long value) {
        if (writable()) {
            output.appendUnsignedDecimal(value);
            afterAppend(self());
        }
        return this;
    }

    @Override
    public Connection writeEndOfLine() {
        byte[] t = context.limits().replyTerminator;
        return write(t, 0, t.length);
    }

    /** After a write: past the high watermark reading stops; past the hard cap the connection closes. */
    private static void afterAppend(TransportConnection c) {
        long pending = c.output.pending();
        Limits limits = c.context.limits();
        if (pending >= limits.highWatermark) {
            if (pending > limits.hardCap) {
                c.context.log().warnRateLimited(c, "pending output {} bytes passed the hard cap, closing", pending);
                ConnectionEvents.closeNow(c, CloseReason.OUTPUT_OVERFLOW);
                return;
            }
            if (c.raw) {
                c.rawAboveHighWatermark = true; // raw: the handler pauses the other side; this one reads on
            } else {
                c.holds |= ReadHolds.BACKPRESSURE;
                StateGauge.update(c);
            }
        }
        if (!c.serving && !c.flushQueued) {
            c.flushQueued = true; // written to from outside its own events: flushed before the loop waits
            c.context.queueFlush(c);
        }
    }
}
