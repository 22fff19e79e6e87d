package io.ringside.internal.connection;

import io.ringside.ByteSpan;
import io.ringside.CloseReason;
import io.ringside.Connection;
import io.ringside.EndOfLine;
import io.ringside.LineHandler;
import io.ringside.Metric;
import io.ringside.OffloadCallback;
import io.ringside.ScheduledTask;
import io.ringside.internal.buffer.OutputQueue;
import io.ringside.internal.framing.InputBuffer;
import io.ringside.internal.framing.InputSpan;
import io.ringside.internal.transport.Transport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One connection: its transport, input buffer, output queue, handler and lifecycle
 * ({@link ConnectionState}), behind the {@link Connection} view its handler sees. The loop drives it
 * through {@link ConnectionEvents}; it knows its loop only as a {@link ConnectionContext}.
 *
 * <p>Confined to its loop from registration to close; every method but {@link #id()},
 * {@link #remoteAddress()}, {@link #localAddress()}, {@link #execute} and {@link #schedule} asserts that.
 */
public final class TransportConnection implements Connection {
    private static final AtomicIntegerFieldUpdater<TransportConnection> REMOTE_TASKS =
            AtomicIntegerFieldUpdater.newUpdater(TransportConnection.class, "remoteTasks");
    private final long id;
    final ConnectionContext context;
    final Transport transport;
    final LineHandler handler;
    final OutputQueue output;
    final InputBuffer input;
    final Timeouts timeouts;
    /** Lifecycle; moved only through {@link #moveTo}. */
    ConnectionState state = ConnectionState.OPEN;
    /** {@link ReadHolds} bits: why reading is off apart from the state. */
    int holds;
    /** Why input ended or the connection is closing; once closed, why it closed. */
    CloseReason reason;
    /** Timers and same-loop tasks of this connection not yet run: they may still write after input ends. */
    int pendingWork;
    /** Tasks posted for this connection from other threads and not yet run; incremented there, decremented here. */
    volatile int remoteTasks;
    OffloadQueue offloads;
    private Object attachment;
    /** The remote address admission counted this connection under (or null). */
    private final InetSocketAddress admittedAs;
    /** Index in the loop's connection table (swap-remove), -1 outside it. */
    public int slot = -1;

    public TransportConnection(long id, ConnectionContext context, Transport transport, LineHandler handler,
                               InetSocketAddress admittedAs) {
        this.id = id;
        this.context = context;
        this.transport = transport;
        this.handler = handler;
        this.admittedAs = admittedAs;
        this.output = new OutputQueue(context.writePool());
        this.input = new InputBuffer(context.readPool(), context.framer());
        this.timeouts = new Timeouts(context.turnNanos());
    }

    public ConnectionState state() {
        return state;
    }

    /** Why the connection closed, or null while it is open. */
    public CloseReason closeReason() {
        return state == ConnectionState.CLOSED ? reason : null;
    }

    /** The address admission counted this connection under (null when it does not track addresses). */
    public InetSocketAddress admittedAs() {
        return admittedAs;
    }

    /** Any thread: +1 when a task for this connection is posted from another thread, -1 (worker) once it ran. */
    public void countRemoteTask(int delta) {
        REMOTE_TASKS.addAndGet(this, delta);
    }

    /** Offloaded calls whose outcome has not been delivered yet. */
    public int offloadsInFlight() {
        return offloads == null ? 0 : offloads.inFlight();
    }

    void moveTo(ConnectionState next) {
        assert state.canMoveTo(next) : this + ": " + state + " -> " + next;
        state = next;
    }

    boolean wantsRead() {
        return state == ConnectionState.OPEN && holds == 0;
    }

    void queueLeftOver() {
        if ((holds & ReadHolds.LEFT_OVER) == 0) {
            holds |= ReadHolds.LEFT_OVER;
            context.queueLeftOver(this);
        }
    }

    /** The check before every write: on the loop (asserted); false once closed (writes are ignored). */
    private boolean writable() {
        assert context.inLoop() : "write outside the connection's worker";
        return state != ConnectionState.CLOSED;
    }

    // ---- Connection ----------------------------------------------------------------------------

    @Override
    public long id() {
        return id;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return admittedAs != null ? admittedAs : transport.remoteAddress();
    }

    @Override
    public InetSocketAddress localAddress() {
        return transport.localAddress();
    }

    @Override
    public Connection write(byte[] src, int off, int len) {
        Objects.checkFromIndexSize(off, len, src.length);
        if (writable()) {
            output.append(src, off, len);
            ConnectionEvents.afterAppend(this);
        }
        return this;
    }

    @Override
    public Connection write(ByteBuffer src) {
        if (writable()) {
            output.append(src, src.position(), src.remaining());
            ConnectionEvents.afterAppend(this);
        }
        src.position(src.limit());
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
        ConnectionEvents.afterAppend(this);
        return this;
    }

    @Override
    public Connection write(CharSequence text) {
        if (!writable()) {
            return this;
        }
        output.appendText(text);
        ConnectionEvents.afterAppend(this);
        return this;
    }

    @Override
    public Connection writeAscii(long value) {
        if (writable()) {
            output.appendDecimal(value);
            ConnectionEvents.afterAppend(this);
        }
        return this;
    }

    @Override
    public Connection writeUnsignedAscii(long value) {
        if (writable()) {
            output.appendUnsignedDecimal(value);
            ConnectionEvents.afterAppend(this);
        }
        return this;
    }

    @Override
    public Connection writeEndOfLine() {
        byte[] t = context.limits().replyTerminator;
        return write(t, 0, t.length);
    }

    @Override
    public long pendingOutputBytes() {
        assert context.inLoop();
        return output.pending();
    }

    @Override
    public boolean isWritable() {
        assert context.inLoop();
        return output.pending() < context.limits().highWatermark;
    }

    @Override
    public void readBlock(long length) {
        readBlock(length, null);
    }

    @Override
    public void readBlock(long length, EndOfLine terminator) {
        assert context.inLoop();
        if (length < 0) {
            throw new IllegalArgumentException("negative block length " + length);
        }
        input.expectBlock(length, context.limits().terminatorOf(terminator));
    }

    @Override
    public void pauseReading() {
        assert context.inLoop();
        ConnectionEvents.hold(this, ReadHolds.PAUSED);
    }

    @Override
    public void resumeReading() {
        assert context.inLoop();
        ConnectionEvents.release(this, ReadHolds.PAUSED);
    }

    @Override
    public void close() {
        assert context.inLoop();
        ConnectionEvents.closeNow(this, CloseReason.LOCAL_CLOSE);
    }

    @Override
    public void closeAfterFlush() {
        assert context.inLoop();
        ConnectionEvents.closeAfterFlush(this, CloseReason.LOCAL_CLOSE);
        ConnectionEvents.flush(this);
    }

    @Override
    public boolean isOpen() {
        assert context.inLoop();
        return state != ConnectionState.CLOSING && state != ConnectionState.CLOSED;
    }

    @Override
    public void execute(Runnable task) {
        context.execute(this, Objects.requireNonNull(task, "task"));
    }

    @Override
    public ScheduledTask schedule(Duration delay, Runnable task) {
        return context.schedule(this, delay.toNanos(), Objects.requireNonNull(task, "task"));
    }

    @Override
    public <T> void offload(Callable<T> call, OffloadCallback<T> then) {
        assert context.inLoop();
        if (state != ConnectionState.CLOSED) {
            if (offloads == null) {
                offloads = new OffloadQueue(this);
            }
            offloads.submit(Objects.requireNonNull(call, "call"), Objects.requireNonNull(then, "then"));
        }
    }

    @Override
    public Object attachment() {
        assert context.inLoop();
        return attachment;
    }

    @Override
    public void attach(Object attachment) {
        assert context.inLoop();
        this.attachment = attachment;
    }

    @Override
    public String toString() {
        return "conn-" + id;
    }
}
