package io.ringside.internal;

import com.lmax.disruptor.EventPoller;
import io.ringside.CloseReason;
import io.ringside.HandlerFactory;
import io.ringside.LineHandler;
import io.ringside.Metric;
import io.ringside.ServerConfig;
import java.io.IOException;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker loop: a thread with its own {@link Selector} that owns its connections outright.
 *
 * <p>Each turn it drains its hand-off ring with an {@link EventPoller} (a thread cannot block both in
 * {@code select()} and in a Disruptor processor), runs tasks handed over from other threads, selects,
 * serves ready sockets, serves connections left over from their line budget, and runs due timers.
 *
 * <p>One single-producer ring per worker: the acceptor is the only publisher, so publishing needs no
 * CAS, and a full ring on one worker can be routed around. Threading: everything is confined to the
 * loop's thread except {@link #offer} (acceptor only), {@link #execute}, {@link #schedule},
 * {@link #requestDrain} and {@link #counters} snapshots, which are thread-safe.
 */
public final class WorkerLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerLoop.class);
    /** How often idle and line timeouts are checked: their precision. */
    private static final long SWEEP_INTERVAL_NANOS = 250_000_000L;
    /** Pending timers above which cancelled ones are purged (at most once per sweep interval). */
    private static final int TIMER_PURGE_THRESHOLD = 1024;

    final int index;
    final LineFramer framer;
    final BufferPool readPool;
    final BufferPool writePool;
    final InputSpan span = new InputSpan();
    final Counters counters = new Counters();
    final ConnectionLog log = new ConnectionLog(LOG);
    final int linesPerWakeup;
    final long lowWatermark;
    final long highWatermark;
    final long hardCap;

    private final ServerConfig config;
    private final HandlerFactory factory;
    private final Admission admission;
    private final long idleTimeoutNanos;
    private final long lineTimeoutNanos;
    private final long lagWarningNanos;
    /** System.nanoTime() read once per turn, after select: the clock of timeouts (no read per line). */
    long turnNanos = System.nanoTime();
    private long nextSweepNanos;
    private long nextTimerPurgeNanos;
    /** When select delivered its first ready key this turn (0: none yet): the start of the turn's work. */
    private long firstEventNanos;
    private final AtomicLong connectionIds;
    private final Selector selector;
    private final Handoff handoff;
    private final Consumer<SelectionKey> onSelected = this::onSelected;
    /** Tasks from other threads; the wake-up after offering pairs with the check before select. */
    private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    /** True while the loop may block in select: set before re-checking for work, cleared by wakeUp(). */
    private final AtomicBoolean wakeupNeeded = new AtomicBoolean();
    private final PriorityQueue<LoopTimer> timers = new PriorityQueue<>();
    private final ArrayDeque<NioConnection> ready = new ArrayDeque<>();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final ConnectionTable connections = new ConnectionTable();

    /** Set once by start() (or the harness) before any other thread can see this loop in use. */
    private volatile Thread thread;
    /** Set by requestDrain(); read by the loop each turn. */
    private volatile boolean drainRequested;
    /** Set when the loop ended (drain done or crash); the acceptor then offers it nothing more. */
    private volatile boolean terminatedEarly;
    private volatile long drainDeadlineNanos;
    private boolean draining;

    public WorkerLoop(int index, ServerConfig config, HandlerFactory factory, AtomicLong connectionIds, Admission admission)
            throws IOException {
        this(index, config, factory, connectionIds, admission, Selector.open());
    }

    /** A loop without a selector, never started: the socket-less harness drives it by hand. */
    static WorkerLoop detached(ServerConfig config, HandlerFactory factory) {
        return new WorkerLoop(0, config, factory, new AtomicLong(), new Admission(Integer.MAX_VALUE, 0), null);
    }

    private WorkerLoop(int index, ServerConfig config, HandlerFactory factory, AtomicLong connectionIds, Admission admission,
                       Selector selector) {
        this.index = index;
        this.admission = admission;
        this.idleTimeoutNanos = config.idleTimeout().toNanos();
        this.lineTimeoutNanos = config.lineTimeout().toNanos();
        this.lagWarningNanos = config.loopLagWarning().toNanos();
        this.config = config;
        this.factory = factory;
        this.connectionIds = connectionIds;
        this.framer = new LineFramer(config.endOfLine(), config.maxLineBytes());
        this.readPool = new BufferPool(config.readBufferBytes(), config.poolMaxBuffers());
        this.writePool = new BufferPool(config.writeBufferBytes(), config.poolMaxBuffers());
        this.linesPerWakeup = config.linesPerWakeup();
        this.lowWatermark = config.outputLowWatermark();
        this.highWatermark = config.outputHighWatermark();
        this.hardCap = config.outputHardCap();
        this.selector = selector;
        this.handoff = new Handoff(config.ringSize(), this::register);
    }

    /** Closes the selector of a loop that was built but never started (a failed server start). */
    public void closeUnstarted() {
        try {
            selector.close();
        } catch (IOException e) {
            LOG.debug("selector close failed", e);
        }
    }

    /** Starts the loop's thread, named {@code ringside-worker-N}. */
    public void start() {
        Thread t = new Thread(this, "ringside-worker-" + index);
        thread = t;
        t.start();
    }

    /** Makes the calling thread the loop's thread without running the loop (the socket-less harness). */
    void bindToCurrentThread() {
        thread = Thread.currentThread();
    }

    boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    // ---- called from other threads -------------------------------------------------------------

    /**
     * Acceptor only: publishes an accepted channel on this worker's ring. Returns false when the ring
     * is full (the caller tries another worker). Does not wake the worker; see {@link #wakeUp()}.
     */
    public boolean offer(SocketChannel channel, InetSocketAddress remote) {
        return !terminatedEarly && handoff.offer(channel, remote);
    }

    /** Wakes the loop if it is blocked (or about to block) in select; coalesced, thread-safe. */
    public void wakeUp() {
        // The ring's publish is a release store: without a full fence the read of the flag below could be
        // ordered before it, and both sides could miss each other. Pairs with the fence in turn().
        VarHandle.fullFence();
        if (wakeupNeeded.get() && wakeupNeeded.getAndSet(false)) {
            selector.wakeup();
        }
    }

    /** Runs {@code task} on this loop. Thread-safe. */
    public void execute(Runnable task) {
        inbox.add(task);
        if (!inLoop()) {
            wakeUp();
        }
    }

    LoopTimer schedule(long delayNanos, Runnable task) {
        return schedule(delayNanos, task, null);
    }

    /** A timer of {@code owner}'s, dropped without running once the connection is closed. */
    LoopTimer schedule(long delayNanos, Runnable task, NioConnection owner) {
        LoopTimer t = new LoopTimer(System.nanoTime() + delayNanos, task, owner);
        if (inLoop()) {
            timers.add(t);
        } else {
            execute(() -> timers.add(t));
        }
        return t;
    }

    /** Starts the drain: finish received lines, flush, close; force-close what is left at the deadline. */
    public void requestDrain(long deadlineNanos) {
        drainDeadlineNanos = deadlineNanos;
        drainRequested = true;
        selector.wakeup();
    }

    public boolean awaitTermination(long timeoutMillis) throws InterruptedException {
        return terminated.await(timeoutMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    public void snapshotInto(long[] metrics, long[] closedByReason) {
        counters.addTo(metrics, closedByReason);
    }

    // ---- the loop ------------------------------------------------------------------------------

    @Override
    public void run() {
        try {
            while (turn()) {
                // one turn per iteration
            }
        } catch (Throwable t) {
            LOG.error("worker {} stopped by an unexpected error", index, t);
        } finally {
            terminatedEarly = true;
            handoff.drain(); // channels still on the ring are closed and released by register()
            for (NioConnection c : connections.snapshot()) {
                c.closeNow(CloseReason.DRAIN_TIMEOUT);
            }
            try {
                selector.close();
            } catch (IOException e) {
                LOG.debug("selector close failed", e);
            }
            terminated.countDown();
        }
    }

    /** One turn of the loop; false when the drain is complete. */
    private boolean turn() throws IOException {
        handoff.drain();
        runInbox();
        if (drainRequested && !draining) {
            startDrain();
        }
        if (draining && drainStep()) {
            return false;
        }
        long timeoutMillis = selectTimeoutMillis();
        firstEventNanos = 0;
        if (timeoutMillis == 0) {
            selector.selectNow(onSelected);
        } else {
            wakeupNeeded.set(true);
            VarHandle.fullFence(); // the flag store before the re-check of the ring; pairs with wakeUp()
            if (hasExternalWork()) {
                selector.selectNow(onSelected);
            } else {
                selector.select(onSelected, timeoutMillis < 0 ? 0 : timeoutMillis);
            }
            wakeupNeeded.set(false);
        }
        long awake = firstEventNanos != 0 ? firstEventNanos : System.nanoTime();
        if (firstEventNanos == 0) {
            turnNanos = awake;
        }
        processReady();
        runTimers();
        sweepTimeouts();
        long busy = System.nanoTime() - awake;
        if (busy > lagWarningNanos) {
            counters.increment(Metric.LOOP_LAG_WARNINGS);
            log.warnRateLimited("worker-" + index, "one loop turn took " + busy / 1_000_000
                    + " ms: a handler is blocking its worker (every connection of this worker waited)");
        }
        return true;
    }

    /** Once per sweep interval: close connections past the idle or the line timeout. */
    private void sweepTimeouts() {
        if ((idleTimeoutNanos == 0 && lineTimeoutNanos == 0) || turnNanos - nextSweepNanos < 0) {
            return;
        }
        nextSweepNanos = turnNanos + SWEEP_INTERVAL_NANOS;
        for (int i = connections.size() - 1; i >= 0; i--) {
            if (i < connections.size()) {
                connections.get(i).checkTimeouts(turnNanos, idleTimeoutNanos, lineTimeoutNanos);
            }
        }
    }

    private boolean hasExternalWork() {
        return handoff.hasPending() || !inbox.isEmpty() || drainRequested != draining;
    }

    /** 0: do not block; -1: block until woken; otherwise milliseconds to the next timer. */
    private long selectTimeoutMillis() {
        if (!ready.isEmpty()) {
            return 0;
        }
        long until = Long.MAX_VALUE;
        LoopTimer next = timers.peek();
        if (next != null) {
            until = next.deadlineNanos;
        }
        if (draining) {
            until = Math.min(until, drainDeadlineNanos);
        }
        if ((idleTimeoutNanos != 0 || lineTimeoutNanos != 0) && connections.size() > 0) {
            until = Math.min(until, nextSweepNanos);
        }
        if (until == Long.MAX_VALUE) {
            return -1;
        }
        long nanos = until - System.nanoTime();
        return nanos <= 0 ? 0 : Math.max(1, nanos / 1_000_000);
    }

    private void register(SocketChannel ch, InetSocketAddress remote) {
        if (terminatedEarly) {
            closeQuietly(ch);
            admission.release(remote);
            return;
        }
        NioConnection c;
        try {
            ch.configureBlocking(false);
            setNoDelay(ch);
            LineHandler handler = factory.newHandler();
            c = new NioConnection(connectionIds.incrementAndGet(), this, ch, handler, remote, turnNanos);
            c.registered(ch.register(selector, SelectionKey.OP_READ, c));
        } catch (IOException | RuntimeException | LinkageError | AssertionError e) {
            log.warnRateLimited("worker-" + index, "could not register an accepted connection: " + e);
            counters.increment(Metric.REFUSED);
            closeQuietly(ch);
            admission.release(remote);
            return;
        }
        adopt(c);
        c.open();
        if (draining) {
            c.beginDrain();
        }
    }

    /** Best effort: a peer that reset already fails this; its first read then closes it (IO_ERROR). */
    private void setNoDelay(SocketChannel ch) {
        try {
            ch.setOption(StandardSocketOptions.TCP_NODELAY, config.tcpNoDelay());
        } catch (IOException e) {
            log.debug("worker-" + index, "TCP_NODELAY failed", e);
        }
    }

    /** The harness: a connection without a socket, owned by this loop. */
    NioConnection adoptDetached(LineHandler handler) {
        NioConnection c = new NioConnection(connectionIds.incrementAndGet(), this, null, handler, null, System.nanoTime());
        adopt(c);
        c.open();
        return c;
    }

    private void adopt(NioConnection c) {
        connections.add(c);
        counters.increment(Metric.OPENED);
    }

    /** Called once by a connection as it closes. */
    void connectionClosed(NioConnection c, CloseReason reason, long unflushedBytes) {
        if (c.admitted()) {
            admission.release(c.admittedAddress());
        }
        connections.remove(c);
        counters.closed(reason);
        if (unflushedBytes > 0) {
            counters.add(Metric.BYTES_UNFLUSHED, unflushedBytes);
        }
    }

    void queueReady(NioConnection c) {
        if (!c.queuedReady) {
            c.queuedReady = true;
            ready.addLast(c);
        }
    }

    private void onSelected(SelectionKey key) {
        if (firstEventNanos == 0) {
            firstEventNanos = System.nanoTime();
            turnNanos = firstEventNanos;
        }
        NioConnection c = (NioConnection) key.attachment();
        try {
            int ops = key.readyOps();
            if ((ops & SelectionKey.OP_WRITE) != 0) {
                c.onWritable();
            }
            if ((ops & SelectionKey.OP_READ) != 0 && key.isValid()) {
                c.onReadable();
            }
        } catch (CancelledKeyException e) {
            c.closeNow(CloseReason.IO_ERROR);
        } catch (RuntimeException | LinkageError | AssertionError e) {
            // a failure on one connection's path must not end the worker that serves all the others
            LOG.warn("[{}] unexpected failure, closing", c, e);
            c.closeNow(CloseReason.IO_ERROR);
        }
    }

    /** Serves each connection that had lines left over, once per turn, in arrival order. */
    void processReady() {
        for (int n = ready.size(); n > 0; n--) {
            NioConnection c = ready.pollFirst();
            if (!c.isClosed()) {
                c.onReady();
            } else {
                c.queuedReady = false;
            }
        }
    }

    /** The harness: whether tasks, due timers or left-over lines wait. */
    boolean hasLocalWork() {
        LoopTimer t = timers.peek();
        return !inbox.isEmpty() || !ready.isEmpty() || (t != null && t.deadlineNanos - System.nanoTime() <= 0);
    }

    int pendingTimers() {
        return timers.size();
    }

    /** The harness: one turn without select. */
    void runLocalWork() {
        runInbox();
        processReady();
        runTimers();
    }

    /** Runs the tasks present now; tasks they post run next turn (a self-reposting task cannot starve the loop). */
    private void runInbox() {
        Runnable task;
        for (int n = inbox.size(); n > 0 && (task = inbox.poll()) != null; n--) {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("worker {}: task failed", index, e);
            }
        }
    }

    void runTimers() {
        long now = System.nanoTime();
        if (timers.size() > TIMER_PURGE_THRESHOLD && now - nextTimerPurgeNanos >= 0) {
            // cancelled timers (a request timeout cancelled by its reply) and timers of closed connections
            // would otherwise stay until their deadline
            timers.removeIf(LoopTimer::isDead);
            nextTimerPurgeNanos = now + SWEEP_INTERVAL_NANOS;
        }
        LoopTimer t;
        while ((t = timers.peek()) != null && t.deadlineNanos - now <= 0) {
            timers.poll();
            if (!t.isDead()) {
                try {
                    t.task.run();
                } catch (RuntimeException e) {
                    LOG.warn("worker {}: timer failed", index, e);
                }
            }
        }
    }

    private void startDrain() {
        draining = true;
        for (NioConnection c : connections.snapshot()) {
            c.beginDrain();
        }
    }

    /** True when the drain is over: nothing left, or the deadline passed (the rest is force-closed). */
    private boolean drainStep() {
        if (connections.size() == 0 && !handoff.hasPending()) {
            return true;
        }
        if (System.nanoTime() - drainDeadlineNanos >= 0) {
            handoff.drain();
            for (NioConnection c : connections.snapshot()) {
                c.closeNow(CloseReason.DRAIN_TIMEOUT);
            }
            return true;
        }
        return false;
    }


    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing more to do for a channel we could not register
        }
    }

    @Override
    public String toString() {
        return "WorkerLoop[" + index + "]";
    }
}
