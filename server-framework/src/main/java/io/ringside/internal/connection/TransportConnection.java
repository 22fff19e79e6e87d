package io.ringside.internal.connection;

import io.ringside.CloseReason;
import io.ringside.ConnectOptions;
import io.ringside.Connection;
import io.ringside.EndOfLine;
import io.ringside.LineHandler;
import io.ringside.OffloadCallback;
import io.ringside.ScheduledTask;
import io.ringside.internal.buffer.OutputQueue;
import io.ringside.internal.framing.InputBuffer;
import io.ringside.internal.transport.Transport;
import java.net.InetSocketAddress;
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
 * {@link #remoteAddress()}, {@link #localAddress()}, {@link #proxyAddress()}, {@link #execute} and
 * {@link #schedule} asserts that.
 */
public final class TransportConnection extends ConnectionOutput {
    private static final AtomicIntegerFieldUpdater<TransportConnection> REMOTE_TASKS =
            AtomicIntegerFieldUpdater.newUpdater(TransportConnection.class, "remoteTasks");
    private final long id;
    final Transport transport;
    final LineHandler handler;
    final InputBuffer input;
    final Timeouts timeouts;
    /** Lifecycle; moved only through {@link #moveTo}. */
    ConnectionState state = ConnectionState.OPEN;
    /**
     * Whether the handler heard onOpen. False while the transport reads its preface (a PROXY header, a TLS
     * handshake; {@link Transport#established()}): such a connection that closes never reaches its handler.
     */
    boolean handlerOpened;
    /** {@link ReadHolds} bits: why reading is off apart from the state. */
    int holds;
    /** Why input ended or the connection is closing; once closed, why it closed. */
    CloseReason reason;
    /** Timers and same-loop tasks of this connection not yet run: they may still write after input ends. */
    int pendingWork;
    /** Tasks posted for this connection from other threads and not yet run; incremented there, decremented here. */
    volatile int remoteTasks;
    OffloadQueue offloads;
    /** Opened by a connect: its handler hears onClose even if it never opened; it holds no admission slot. */
    final boolean outbound;
    /** Outbound: the connect is pending (the preface timeout then closes it with CONNECT_TIMEOUT). */
    boolean connecting;
    /** Raw mode ({@link #readRaw()}): unframed input, half-closure, reading not held by its own output. */
    boolean raw;
    /** Raw mode: pending output reached the high watermark (reading goes on); onWritable once below the low one. */
    boolean rawAboveHighWatermark;
    /** {@link #shutdownOutput()} was called: writes are ignored, the FIN follows the flush. */
    boolean outputShutdownAsked;
    /** The FIN went out. */
    boolean outputShutDown;
    /** The loop is serving this connection's ready ops (it flushes at their end): writes need no queued flush. */
    boolean serving;
    /** In the loop's flush queue (written to from outside its own events, e.g. by a relay's other side). */
    boolean flushQueued;
    private Object attachment;
    /**
     * The remote address admission counted this connection under (or null): the socket's peer, then the
     * client's once a PROXY header named it. Written on the worker before onOpen; read by remoteAddress() on
     * any thread.
     */
    private volatile InetSocketAddress admittedAs;
    /** Index in the loop's connection table (swap-remove), -1 outside it. */
    public int slot = -1;
    /** The {@link StateGauge.Shown} kind it is counted as (an ordinal), -1 when not counted. */
    int shownKind = -1;

    public TransportConnection(long id, ConnectionContext context, Transport transport, LineHandler handler,
                               InetSocketAddress admittedAs) {
        this(id, context, transport, handler, admittedAs, false);
    }

    /** An accepted connection ({@code outbound} false) or one opened by a connect (true: no admission, no address). */
    public TransportConnection(long id, ConnectionContext context, Transport transport, LineHandler handler,
                               InetSocketAddress admittedAs, boolean outbound) {
        super(context, new OutputQueue(context.writePool()));
        this.outbound = outbound;
        this.id = id;
        this.transport = transport;
        this.handler = handler;
        this.admittedAs = admittedAs;
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

    /** Whether a connect opened it (it holds no admission slot). */
    public boolean outbound() {
        return outbound;
    }

    /** The address admission counted this connection under (null when it does not track addresses). */
    public InetSocketAddress admittedAs() { return admittedAs; }

    /** Admission now counts this connection under {@code client} (from its PROXY header). */
    void admittedAs(InetSocketAddress client) {
        admittedAs = client;
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
        StateGauge.update(this);
    }

    boolean wantsRead() {
        return state == ConnectionState.OPEN && (holds == 0 || !handlerOpened); // before onOpen its preface reads, held or not
    }

    void queueLeftOver() {
        if ((holds & ReadHolds.LEFT_OVER) == 0) {
            holds |= ReadHolds.LEFT_OVER;
            context.queueLeftOver(this);
        }
    }

    @Override
    boolean closed() {
        return state == ConnectionState.CLOSED || outputShutdownAsked;
    }

    @Override
    TransportConnection self() {
        return this;
    }

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
    public InetSocketAddress proxyAddress() {
        return transport.proxyAddress();
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
    public void readRaw() {
        assert context.inLoop();
        if (!raw) {
            input.expectBlock(Long.MAX_VALUE, context.limits().terminatorOf(null)); // a block that never ends
            raw = true;
        }
    }

    @Override
    public void shutdownOutput() {
        assert context.inLoop();
        if (state != ConnectionState.CLOSED && !outputShutdownAsked) {
            outputShutdownAsked = true;
            ConnectionEvents.flush(this);
        }
    }

    @Override
    public Connection connect(InetSocketAddress address, Duration timeout, ConnectOptions options, LineHandler handler) {
        assert context.inLoop();
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(handler, "handler");
        com.google.common.base.Preconditions.checkArgument(!timeout.isNegative() && !timeout.isZero(), "connect timeout must be positive: %s", timeout);
        return context.connect(address, timeout.toNanos(), options, handler);
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
