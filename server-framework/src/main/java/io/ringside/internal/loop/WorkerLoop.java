package io.ringside.internal.loop;

import io.ringside.CloseReason;
import io.ringside.ConnectOptions;
import io.ringside.HandlerFactory;
import io.ringside.LineHandler;
import io.ringside.Metric;
import io.ringside.ServerConfig;
import io.ringside.internal.connection.ConnectionEvents;
import io.ringside.internal.connection.ConnectionOpen;
import io.ringside.internal.connection.Protection;
import io.ringside.internal.connection.TransportConnection;
import io.ringside.internal.transport.SocketTransport;
import io.ringside.internal.transport.TransportFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker loop: a thread ({@code ringside-worker-N}) with its own {@link Selector} that owns its
 * connections outright. Each {@link #turn} takes new channels off its {@link Handoff} ring, runs its
 * {@link Inbox}, starts or ends the {@link LoopDrain}, flushes connections written to from outside their own
 * events, selects (blocking only when nothing is pending),
 * serves ready sockets, serves connections with lines left over, runs due timers and sweeps timeouts.
 *
 * <p>Threading: confined to its thread, except {@link #offer} (acceptor only), {@link #wakeUp}, {@link #connect},
 * {@link #requestDrain}, {@link #awaitTermination} and {@link #snapshotInto}, which are thread-safe.
 */
public final class WorkerLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerLoop.class);

    private final int index;
    private final ServerConfig config;
    private final HandlerFactory factory;
    private final AtomicLong connectionIds;
    private final AdmissionRelease admission;
    private final Selector selector;
    private final WorkerContext context;
    private final Handoff handoff;
    private final LoopDrain drain = new LoopDrain();
    private final TimeoutSweep sweep;
    private final long lagWarningNanos;
    private final LoopMeters meters;
    private final Consumer<SelectionKey> onSelected = this::onSelected;
    private final CountDownLatch terminated = new CountDownLatch(1);
    /** Set as the loop ends: channels still on the ring are closed, not registered. */
    private boolean ended;
    /** When select delivered its first ready key this turn (0: none yet): the start of the turn's work. */
    private long firstEventNanos;

    /** A loop whose connections share {@code protection} (the output budget, the per-address rates) with the other workers. */
    public WorkerLoop(int index, ServerConfig config, HandlerFactory factory, AtomicLong connectionIds,
                      AdmissionRelease admission, Executor offloads, Protection protection) throws IOException {
        this.index = index;
        this.config = config;
        this.factory = factory;
        this.connectionIds = connectionIds;
        this.admission = admission;
        this.selector = Selector.open();
        this.context = new WorkerContext(config, offloads, admission, selector::wakeup, protection);
        context.network(selector, connectionIds, config.tcpNoDelay());
        this.handoff = new Handoff(config.ringSize(), this::register);
        this.sweep = new TimeoutSweep(System.nanoTime(), protection.budget(), context.stateGauge());
        this.lagWarningNanos = config.loopLagWarning().toNanos();
        this.meters = new LoopMeters(handoff, context.readPool(), context.writePool(), context.connections, context.stateGauge());
    }

    /** Closes the selector of a loop that was built but never started (a failed server start). */
    public void closeUnstarted() {
        closeSelector();
    }

    /** Starts the loop's thread, named {@code ringside-worker-N}. */
    public void start() {
        Thread t = new Thread(this, "ringside-worker-" + index);
        context.bindTo(t);
        t.start();
    }

    /**
     * Acceptor only: publishes an accepted channel on this worker's ring. Returns false when the ring is
     * full or the loop has ended (the caller tries another worker). Does not wake the worker; see {@link #wakeUp()}.
     */
    public boolean offer(SocketChannel channel, InetSocketAddress remote, TransportFactory transports) {
        return handoff.offer(channel, remote, transports);
    }

    /** Wakes the loop if it is blocked (or about to block) in select; coalesced, thread-safe. */
    public void wakeUp() {
        context.inbox.wakeUp();
    }

    /** Any thread: opens an outbound connection on this loop; its handler hears how it went (see Connection.connect). */
    public void connect(InetSocketAddress address, long timeoutNanos, ConnectOptions options, LineHandler handler) {
        context.inbox.post(null, () -> context.connect(address, timeoutNanos, options, handler));
    }

    /** Starts the drain: finish received lines, flush, close; force-close what is left at the deadline. */
    public void requestDrain(long deadlineNanos) {
        drain.request(deadlineNanos);
        wakeUp();
    }

    public boolean awaitTermination(long timeoutMillis) throws InterruptedException {
        return terminated.await(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    public void snapshotInto(long[] metrics, long[] closedByReason) {
        context.counters().addTo(metrics, closedByReason);
    }

    /** Thread-safe readers of the loop's turn times, lag, ring depth and buffer memory. */
    public LoopMeters meters() {
        return meters;
    }

    @Override
    public void run() {
        try {
            while (turn()) {
                // one turn per iteration
            }
        } catch (Throwable t) {
            LOG.error("worker {} stopped by an unexpected error", index, t);
        } finally {
            ended = true;
            handoff.close(); // no offer can succeed now; what is on the ring is closed by register()
            LoopDrain.closeAll(context, CloseReason.DRAIN_TIMEOUT);
            endLateConnects();
            closeSelector();
            terminated.countDown();
        }
    }

    /**
     * As the loop ends: connects posted during the last turns (RingsideServer.connect racing with stop) are
     * run as during a drain, so their handlers hear SERVER_STOP (one run starts them, the next settles them).
     */
    private void endLateConnects() {
        context.startDraining();
        context.inbox.runPending();
        context.inbox.runPending();
        LoopDrain.closeAll(context, CloseReason.SERVER_STOP);
    }

    /** One turn of the loop; false when the drain is complete. */
    private boolean turn() throws IOException {
        handoff.poll();
        context.inbox.runPending();
        drain.startIfRequested(context);
        if (drain.finished(context, handoff)) {
            return false;
        }
        context.flushQueued();
        long timeoutMillis = selectTimeoutMillis();
        firstEventNanos = 0;
        if (timeoutMillis == 0) {
            selector.selectNow(onSelected);
        } else {
            context.inbox.prepareToBlock(); // then re-check every source of work before blocking
            if (handoff.hasPending() || context.inbox.hasWork() || drain.pendingStart()) {
                selector.selectNow(onSelected);
            } else {
                selector.select(onSelected, timeoutMillis < 0 ? 0 : timeoutMillis);
            }
            context.inbox.awake();
        }
        long awake = firstEventNanos != 0 ? firstEventNanos : System.nanoTime();
        if (firstEventNanos == 0) {
            context.startTurn(awake);
        }
        meters.awake(awake);
        context.serveLeftOver();
        context.timers.runDue();
        sweep.run(context.connections, context.turnNanos());
        warnIfSlow(System.nanoTime() - awake);
        return true;
    }

    /**
     * 0: do not block; -1: block until woken; otherwise milliseconds to the next deadline. Deadlines are
     * compared as distances from now, never with each other, so a nanoTime that wraps changes nothing.
     */
    private long selectTimeoutMillis() {
        if (context.hasLeftOver() || context.hasQueuedFlush()) {
            meters.noDeadline();
            return 0;
        }
        long now = System.nanoTime();
        long wait = Long.MAX_VALUE;
        if (context.timers.size() > 0) {
            wait = Math.min(wait, context.timers.nextDeadline() - now);
        }
        if (sweep.active(context.connections)) {
            wait = Math.min(wait, sweep.nextNanos() - now);
        }
        if (drain.started()) {
            wait = Math.min(wait, drain.deadlineNanos() - now);
        }
        if (wait == Long.MAX_VALUE) {
            meters.noDeadline();
            return -1;
        }
        meters.deadline(now + wait);
        return wait <= 0 ? 0 : Math.max(1, wait / 1_000_000);
    }

    private void warnIfSlow(long busyNanos) {
        meters.turnEnded(busyNanos);
        if (busyNanos > lagWarningNanos) {
            context.counters().increment(Metric.LOOP_LAG_WARNINGS);
            context.log().warnRateLimited("worker-" + index, "one loop turn took {} ms: a handler is blocking its worker"
                    + " (every connection of this worker waited)", busyNanos / 1_000_000);
        }
    }

    /** A channel off the ring: becomes a connection of this loop (or is closed if the loop has ended). */
    private void register(SocketChannel ch, InetSocketAddress remote, TransportFactory transports) {
        if (ended) {
            refuse(ch, remote);
            return;
        }
        TransportConnection c;
        try {
            ch.configureBlocking(false);
            SocketTransport.setNoDelay(ch, config.tcpNoDelay());
            SocketTransport.setSendBuffer(ch, config.sendBufferBytes());
            LineHandler handler = factory.newHandler();
            SocketTransport socket = new SocketTransport(ch);
            c = new TransportConnection(connectionIds.incrementAndGet(), context, transports.open(socket), handler, remote);
            socket.register(selector, c);
        } catch (IOException | RuntimeException | LinkageError | AssertionError e) {
            context.log().warnRateLimited("worker-" + index, "could not register an accepted connection: {}", e);
            context.counters().increment(Metric.REFUSED);
            refuse(ch, remote);
            return;
        }
        context.adopt(c);
        ConnectionOpen.open(c, transports.prefaceTimeoutNanos());
    }

    private void refuse(SocketChannel ch, InetSocketAddress remote) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing more to do for a channel we could not register
        }
        admission.release(remote);
    }

    private void onSelected(SelectionKey key) {
        if (firstEventNanos == 0) {
            firstEventNanos = System.nanoTime();
            context.startTurn(firstEventNanos);
            meters.busySince(firstEventNanos);
        }
        TransportConnection c = (TransportConnection) key.attachment();
        try {
            int ops = key.readyOps();
            if ((ops & SelectionKey.OP_CONNECT) != 0) {
                ConnectionOpen.onConnectable(c); // an outbound connect completed or failed
            } else {
                ConnectionEvents.onReady(c, (ops & SelectionKey.OP_READ) != 0 && key.isValid(), (ops & SelectionKey.OP_WRITE) != 0);
            }
        } catch (CancelledKeyException e) {
            ConnectionEvents.closeNow(c, CloseReason.IO_ERROR);
        } catch (RuntimeException | LinkageError | AssertionError e) {
            // a failure on one connection's path must not end the worker that serves all the others
            LOG.warn("[{}] unexpected failure, closing", c, e);
            ConnectionEvents.closeNow(c, CloseReason.IO_ERROR);
        }
    }

    private void closeSelector() {
        try {
            selector.close();
        } catch (IOException e) {
            LOG.debug("selector close failed", e);
        }
    }

    @Override
    public String toString() {
        return "WorkerLoop[" + index + "]";
    }
}
