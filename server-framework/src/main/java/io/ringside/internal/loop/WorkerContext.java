package io.ringside.internal.loop;

import io.ringside.CloseReason;
import io.ringside.ConnectOptions;
import io.ringside.LineHandler;
import io.ringside.Metric;
import io.ringside.ScheduledTask;
import io.ringside.ServerConfig;
import io.ringside.internal.buffer.BufferPool;
import io.ringside.internal.connection.ConnectionContext;
import io.ringside.internal.connection.ConnectionEvents;
import io.ringside.internal.connection.ConnectionTasks;
import io.ringside.internal.connection.Limits;
import io.ringside.internal.connection.Protection;
import io.ringside.internal.connection.StateGauge;
import io.ringside.internal.connection.TransportConnection;
import io.ringside.internal.framing.InputSpan;
import io.ringside.internal.framing.LineFramer;
import io.ringside.internal.stats.ConnectionLog;
import io.ringside.internal.stats.Counters;
import java.net.InetSocketAddress;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a loop lends its connections ({@link ConnectionContext}): its buffers, framer, counters, log,
 * limits, clock, inbox, timers, left-over and flush queues, connection table and outbound connector. Used by the {@link WorkerLoop}
 * and, without a thread of its own, by the test harness, which runs the same pieces by hand.
 *
 * <p>Confined to its loop's thread, except {@link #execute}, {@link #schedule}, {@link #inLoop} and the
 * counters' snapshots.
 */
public final class WorkerContext implements ConnectionContext {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerLoop.class);

    final Inbox inbox;
    final TimerHeap timers;
    final ConnectionTable connections = new ConnectionTable();
    private final ArrayDeque<TransportConnection> leftOver = new ArrayDeque<>();
    /** Connections written to from outside their own events, flushed before the loop waits again. */
    private final ArrayDeque<TransportConnection> toFlush = new ArrayDeque<>();
    private final LineFramer framer;
    private final BufferPool readPool;
    private final BufferPool writePool;
    private final InputSpan span = new InputSpan();
    private final Counters counters = new Counters();
    private final StateGauge stateGauge = new StateGauge();
    private final ConnectionLog log = new ConnectionLog(LOG);
    private final Limits limits;
    private final Executor offloads;
    private final AdmissionRelease admission;
    private final UnaryOperator<String> refusedReply;
    private final Protection protection;
    /** Set once before the loop runs (its thread, or the harness's), read by the confinement checks. */
    private volatile Thread thread;
    /** Outbound connects; without a selector ({@link #network}) every connect fails (the harness). */
    private Connector connector = new Connector(this, null, new AtomicLong(), false);
    private long turnNanos = System.nanoTime();
    private boolean draining;

    public WorkerContext(ServerConfig config, Executor offloads, AdmissionRelease admission, Runnable waker) {
        this(config, offloads, admission, waker, Protection.forConfig(config));
    }

    /** A context whose connections share {@code protection} with the other workers of their server. */
    public WorkerContext(ServerConfig config, Executor offloads, AdmissionRelease admission, Runnable waker, Protection protection) {
        this.protection = protection;
        this.framer = new LineFramer(config.endOfLine(), config.maxLineBytes());
        this.readPool = new BufferPool(config.readBufferBytes(), config.poolMaxBuffers());
        this.writePool = new BufferPool(config.writeBufferBytes(), config.poolMaxBuffers());
        this.limits = new Limits(config);
        this.offloads = offloads;
        this.admission = admission;
        this.refusedReply = config::refusedReply;
        this.inbox = new Inbox(waker);
        this.timers = new TimerHeap(this::inLoop, System::nanoTime, task -> inbox.post(null, task));
    }

    /** Makes {@code t} the loop's thread (before anything runs on it). */
    public void bindTo(Thread t) {
        this.thread = t;
    }

    /** Gives the loop's connections the network: connects register with {@code selector}. Before the loop runs. */
    void network(Selector selector, AtomicLong connectionIds, boolean tcpNoDelay) {
        connector = new Connector(this, selector, connectionIds, tcpNoDelay);
    }

    /** The loop, after its blocking wait: the clock of this turn. */
    public void startTurn(long nanos) {
        turnNanos = nanos;
    }

    void startDraining() {
        draining = true;
    }

    /** Adds a connection to the table and counts it opened. */
    public void adopt(TransportConnection c) {
        connections.add(c);
        counters.increment(Metric.OPENED);
        StateGauge.update(c);
    }

    /** Serves each connection that had lines left over, once, in arrival order. */
    public void serveLeftOver() {
        for (int n = leftOver.size(); n > 0; n--) {
            ConnectionEvents.onLeftOver(leftOver.pollFirst());
        }
    }

    public boolean hasLeftOver() {
        return !leftOver.isEmpty();
    }

    /** Flushes each connection written to from outside its own events (once, in order). */
    public void flushQueued() {
        for (int n = toFlush.size(); n > 0; n--) {
            ConnectionTasks.flushQueued(toFlush.pollFirst());
        }
    }

    public boolean hasQueuedFlush() {
        return !toFlush.isEmpty();
    }

    public Inbox inbox() {
        return inbox;
    }

    public TimerHeap timers() {
        return timers;
    }

    @Override
    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    @Override
    public long turnNanos() {
        return turnNanos;
    }

    @Override
    public BufferPool readPool() {
        return readPool;
    }

    @Override
    public BufferPool writePool() {
        return writePool;
    }

    @Override
    public LineFramer framer() {
        return framer;
    }

    @Override
    public InputSpan span() {
        return span;
    }

    @Override
    public Counters counters() {
        return counters;
    }

    @Override
    public ConnectionLog log() {
        return log;
    }

    @Override
    public Limits limits() {
        return limits;
    }

    @Override
    public boolean draining() {
        return draining;
    }

    @Override
    public void queueLeftOver(TransportConnection c) {
        leftOver.addLast(c);
    }

    @Override
    public void queueFlush(TransportConnection c) {
        toFlush.addLast(c);
    }

    @Override
    public TransportConnection connect(InetSocketAddress address, long timeoutNanos, ConnectOptions options, LineHandler handler) {
        return connector.connect(address, timeoutNanos, options, handler);
    }

    @Override
    public void execute(TransportConnection c, Runnable task) {
        if (inLoop()) {
            inbox.postLocal(c, task);
        } else {
            inbox.post(c, task);
        }
    }

    @Override
    public ScheduledTask schedule(TransportConnection c, long delayNanos, Runnable task) {
        LoopTimer t = timers.newTimer(delayNanos, c, task);
        if (inLoop()) {
            timers.add(t);
        } else {
            inbox.post(c, () -> timers.add(t)); // counted as the connection's work until the timer is queued
        }
        return t;
    }

    @Override
    public Executor offloadExecutor() {
        return offloads;
    }

    @Override
    public Protection protection() {
        return protection;
    }

    @Override
    public StateGauge stateGauge() {
        return stateGauge;
    }

    @Override
    public String readmit(InetSocketAddress counted, InetSocketAddress client) {
        String refusal = admission.readmit(counted, client);
        return refusal == null ? null : refusedReply.apply(refusal);
    }

    @Override
    public void closed(TransportConnection c, CloseReason reason, long unflushedBytes) {
        if (!c.outbound()) {
            admission.release(c.admittedAs()); // an outbound connection never took a slot
        }
        connections.remove(c);
        counters.closed(reason);
        if (unflushedBytes > 0) {
            counters.add(Metric.BYTES_UNFLUSHED, unflushedBytes);
        }
    }
}
