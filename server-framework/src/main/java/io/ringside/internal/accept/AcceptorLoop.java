package io.ringside.internal.accept;

import io.ringside.Metric;
import io.ringside.WorkerChoice;
import io.ringside.internal.loop.WorkerLoop;
import io.ringside.internal.stats.ConnectionLog;
import io.ringside.internal.stats.Counters;
import io.ringside.internal.transport.TransportFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The acceptor loop: the one thread that owns the listening sockets ({@link Listener}s). It accepts until nothing is
 * pending, admits or refuses each connection ({@link Admission}, and the per-address connect rate,
 * {@link ConnectRate}), hands it to a worker ({@link WorkerPicker}: round-robin by default) over that worker's
 * ring, and wakes each worker it fed once per batch, only if that worker is asleep.
 *
 * <p>Ring-full policy: a channel whose worker's ring is full goes to the next worker. When every ring is
 * full (a burst of connects faster than the workers register them), the acceptor holds that one channel,
 * stops listening for accepts (the kernel keeps queueing clients in the backlog; nobody is refused) and
 * retries the hand-off every {@value #HANDOFF_RETRY_MILLIS} ms; each such stall is counted
 * ({@link Metric#HANDOFF_STALLS}). The acceptor never blocks on a ring.
 *
 * <p>Out of descriptors (EMFILE/ENFILE): memcached's answer, not libuv's spare descriptor. The acceptor
 * stops listening for accepts (the kernel keeps queueing clients in the backlog; none is refused) and
 * retries after a short back-off, or at once when a worker closes a connection. It neither spins nor
 * floods the log; connections already open are not affected.
 *
 * <p>Threading: acceptor only, except {@link #stop()} and counter snapshots.
 */
public final class AcceptorLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(AcceptorLoop.class);
    /** First pause after a failed accept; doubles while accepts keep failing. */
    private static final long MIN_PAUSE_MILLIS = 5;
    /** Longest pause: how late at most accepting resumes when no connection closes meanwhile. */
    private static final long MAX_PAUSE_MILLIS = 100;
    /** How often a channel held back by full rings is offered again. */
    static final long HANDOFF_RETRY_MILLIS = 1;
    /** At stop, how long a held channel may still wait for room before it is closed. */
    private static final long HELD_AT_STOP_NANOS = 2_000_000_000L;

    private final List<Listener> listeners;
    private final Selector selector;
    private final List<SelectionKey> acceptKeys = new ArrayList<>();
    private final WorkerLoop[] workers;
    private final boolean[] fed;
    private final Admission admission;
    private final Refusals refusals;
    private final Counters counters = new Counters();
    private final ConnectionLog log = new ConnectionLog(LOG);
    private final CountDownLatch terminated = new CountDownLatch(1);
    /** Set by stop() on any thread; read by the acceptor each turn (paired with selector.wakeup()). */
    private volatile boolean stopping;
    private final WorkerPicker picker;
    private final ConnectRate connectRate;
    /** Accepts everything pending on the key's listener, then wakes each worker that got a channel, once. */
    private final Consumer<SelectionKey> onAcceptable = key -> {
        if (!stopping) {
            acceptPending((Listener) key.attachment());
        }
    };
    /** An admitted channel that found every ring full, waiting for room (accepting is off meanwhile). */
    private SocketChannel held;
    private InetSocketAddress heldRemote;
    private TransportFactory heldTransports;
    private boolean paused;
    /** After stop: when the last accepting must end. */
    private long stopDeadlineNanos;
    private long pauseMillis;
    private long pausedUntilNanos;

    /** {@code choice}: which worker a connection goes to first; {@code connectsPerSecond}: per address (0: no limit). */
    public AcceptorLoop(List<Listener> listeners, WorkerLoop[] workers, Admission admission, byte[] replyTerminator,
                        java.util.function.UnaryOperator<String> refusedReply, WorkerChoice choice, int connectsPerSecond)
            throws IOException {
        this.picker = new WorkerPicker(choice, workers);
        this.connectRate = new ConnectRate(connectsPerSecond);
        this.listeners = List.copyOf(listeners);
        this.workers = workers;
        this.fed = new boolean[workers.length];
        this.admission = admission;
        this.refusals = new Refusals(counters, log, replyTerminator, refusedReply);
        this.selector = Selector.open();
        for (Listener l : this.listeners) {
            l.channel().configureBlocking(false);
            acceptKeys.add(l.channel().register(selector, SelectionKey.OP_ACCEPT, l));
        }
        admission.acceptorSelector(selector);
    }

    public void start() {
        new Thread(this, "ringside-acceptor").start();
    }

    @Override
    public void run() {
        try {
            while (!stopping) {
                if (held != null) {
                    selector.select(onAcceptable, HANDOFF_RETRY_MILLIS); // accept interest is off: a timed wait
                    retryHeld();
                } else if (paused) {
                    // returns at the end of the pause, or early when a worker frees a descriptor
                    selector.select(onAcceptable, Math.max(1, (pausedUntilNanos - System.nanoTime()) / 1_000_000));
                    resumeAccepting();
                } else {
                    selector.select(onAcceptable, 0);
                }
            }
            finishAtStop();
        } catch (IOException | RuntimeException e) {
            LOG.error("acceptor stopped by an unexpected error", e);
        } finally {
            Listener.closeQuietly(selector);
            listeners.forEach(l -> Listener.closeQuietly(l.channel()));
            terminated.countDown();
        }
    }

    private void acceptPending(Listener listener) {
        while (held == null && !(stopping && System.nanoTime() - stopDeadlineNanos > 0)) {
            SocketChannel ch;
            try {
                ch = listener.channel().accept();
            } catch (IOException e) {
                pauseAccepting(e);
                break;
            }
            if (ch == null) {
                break;
            }
            pauseMillis = 0;
            counters.increment(Metric.ACCEPTED);
            admit(ch, listener.transports());
        }
        wakeFedWorkers();
    }

    private void wakeFedWorkers() {
        for (int i = 0; i < workers.length; i++) {
            if (fed[i]) {
                fed[i] = false;
                workers[i].wakeUp();
            }
        }
    }

    private void admit(SocketChannel ch, TransportFactory transports) {
        InetSocketAddress remote = null;
        boolean rated = connectRate.enabled() && !transports.readsClientAddress(); // behind a proxy: its address, not limited
        if ((admission.tracksAddresses() || rated) && !transports.readsClientAddress()) { // else counted once the client is named
            remote = Listener.peerOf(ch);
        }
        String refusal = rated && remote != null ? connectRate.refusal(remote, System.nanoTime()) : null;
        if (refusal != null) {
            counters.increment(Metric.RATE_LIMIT_REFUSED);
        } else {
            refusal = admission.tryAdmit(remote);
        }
        if (refusal != null) {
            refusals.refuse(ch, refusal);
            return;
        }
        if (!handOff(ch, remote, transports)) {
            held = ch;
            heldRemote = remote;
            heldTransports = transports;
            acceptInterest(false);
            counters.increment(Metric.HANDOFF_STALLS);
            LOG.debug("every hand-off ring is full: accepting pauses until a worker catches up");
        }
    }

    /** Offers the held channel again; once it is placed, accepting resumes. */
    private void retryHeld() {
        if (handOff(held, heldRemote, heldTransports)) {
            held = null;
            heldRemote = null;
            heldTransports = null;
            wakeFedWorkers();
            acceptInterest(!paused);
        }
    }

    private void acceptInterest(boolean on) {
        for (SelectionKey key : acceptKeys) {
            if (key.isValid()) { // cancelled for the last accepts at stop
                key.interestOps(on ? SelectionKey.OP_ACCEPT : 0);
            }
        }
    }

    /**
     * After stop: accepts what completed its handshake before the stop (served, not reset), and closes each
     * listener right after the accept that found its queue empty ({@link #acceptLastAndClose}). A channel
     * still held when the workers stay full for {@link #HELD_AT_STOP_NANOS} is refused.
     */
    private void finishAtStop() throws IOException {
        long deadline = System.nanoTime() + HELD_AT_STOP_NANOS;
        stopDeadlineNanos = deadline; // bounds acceptPending() too: a connect flood cannot hold the stop
        do {
            if (held != null) {
                retryHeld();
            }
            for (int i = 0; i < listeners.size() && held == null; i++) {
                acceptPending(listeners.get(i));
            }
            if (held != null) {
                java.util.concurrent.locks.LockSupport.parkNanos(HANDOFF_RETRY_MILLIS * 1_000_000);
            }
        } while (held != null && System.nanoTime() - deadline < 0);
        for (SelectionKey key : acceptKeys) {
            key.cancel();
        }
        selector.selectNow(); // deregisters the listeners: each close below is at once, not at the selector's close
        listeners.forEach(this::acceptLastAndClose);
        if (held != null) {
            admission.release(heldRemote);
            refusals.refuse(held, "server stopping");
            held = null;
        }
    }

    /**
     * With SO_REUSEPORT the kernel queues new connections on this listener until it closes and resets those
     * queued then (net.ipv4.tcp_migrate_req=1 moves them to the port's other listeners instead): so the close
     * comes right after the accept that found the queue empty, nothing in between.
     */
    private void acceptLastAndClose(Listener l) {
        try {
            SocketChannel ch;
            while (held == null && System.nanoTime() - stopDeadlineNanos < 0 && (ch = l.channel().accept()) != null) {
                counters.increment(Metric.ACCEPTED);
                admit(ch, l.transports());
            }
        } catch (IOException e) {
            LOG.debug("last accept on the {} listener failed", l.name(), e);
        }
        Listener.closeQuietly(l.channel());
        wakeFedWorkers();
    }

    private boolean handOff(SocketChannel ch, InetSocketAddress remote, TransportFactory transports) {
        for (int tries = 0, w = picker.pick(); tries < workers.length; tries++, w = w + 1 == workers.length ? 0 : w + 1) {
            if (workers[w].offer(ch, remote, transports)) {
                fed[w] = true;
                return true;
            }
        }
        return false;
    }

    private void pauseAccepting(IOException e) {
        counters.increment(Metric.ACCEPT_FAILURES);
        pauseMillis = pauseMillis == 0 ? MIN_PAUSE_MILLIS : Math.min(MAX_PAUSE_MILLIS, pauseMillis * 2);
        pausedUntilNanos = System.nanoTime() + pauseMillis * 1_000_000;
        acceptInterest(false);
        paused = true;
        admission.acceptPaused(true);
        log.warnRateLimited("acceptor", "accept failed ({}): pausing accepts for {} ms; open connections are still served",
                e.getMessage(), pauseMillis, null);
    }

    /** After the pause, or as soon as a worker freed a descriptor: listen for accepts again. */
    private void resumeAccepting() {
        paused = false;
        admission.acceptPaused(false);
        acceptInterest(held == null);
        // pauseMillis stays until an accept succeeds, so repeated failures keep backing off
    }

    /** Stops accepting and closes the listening sockets; returns once the acceptor thread has ended. */
    public void stop() throws InterruptedException {
        stopping = true;
        selector.wakeup();
        if (!terminated.await(5, TimeUnit.SECONDS)) {
            LOG.warn("acceptor did not stop within 5 s");
        }
    }

    public void snapshotInto(long[] metrics, long[] closedByReason) {
        counters.addTo(metrics, closedByReason);
    }
}
