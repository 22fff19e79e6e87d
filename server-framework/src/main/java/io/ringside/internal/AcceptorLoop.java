package io.ringside.internal;

import io.ringside.Metric;
import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The acceptor loop: the one thread that owns the listening socket. It accepts until nothing is
 * pending, hands each channel to a worker round-robin over that worker's ring, and wakes each worker
 * it fed once per batch, only if that worker is asleep.
 *
 * <p>Ring-full policy: a channel whose worker's ring is full goes to the next worker; when every ring
 * is full it is closed at once and counted as {@link Metric#REFUSED} (the acceptor never blocks).
 *
 * <p>Threading: acceptor only, except {@link #stop()} and {@link #counters} snapshots.
 */
public final class AcceptorLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(AcceptorLoop.class);

    private final ServerSocketChannel server;
    private final Selector selector;
    private final WorkerLoop[] workers;
    private final boolean[] fed;
    private final Counters counters = new Counters();
    private final ConnectionLog log = new ConnectionLog(LOG);
    private final CountDownLatch terminated = new CountDownLatch(1);
    /** Set by stop() on any thread; read by the acceptor each turn (paired with selector.wakeup()). */
    private volatile boolean stopping;
    private final java.util.function.Consumer<SelectionKey> onAcceptable = key -> acceptBatch();
    private int next;

    public AcceptorLoop(ServerSocketChannel server, WorkerLoop[] workers) throws IOException {
        this.server = server;
        this.workers = workers;
        this.fed = new boolean[workers.length];
        this.selector = Selector.open();
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
    }

    public void start() {
        new Thread(this, "ringside-acceptor").start();
    }

    @Override
    public void run() {
        try {
            while (!stopping) {
                selector.select(onAcceptable, 0);
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("acceptor stopped by an unexpected error", e);
        } finally {
            try {
                selector.close();
                server.close();
            } catch (IOException e) {
                LOG.debug("closing the listener failed", e);
            }
            terminated.countDown();
        }
    }

    /** Accepts everything pending, then wakes each worker that got a channel, once. */
    private void acceptBatch() {
        while (!stopping) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (IOException e) {
                log.warnRateLimited("acceptor", "accept failed: " + e.getMessage());
                break;
            }
            if (ch == null) {
                break;
            }
            counters.increment(Metric.ACCEPTED);
            handOff(ch);
        }
        for (int i = 0; i < workers.length; i++) {
            if (fed[i]) {
                fed[i] = false;
                workers[i].wakeUp();
            }
        }
    }

    private void handOff(SocketChannel ch) {
        for (int tries = 0; tries < workers.length; tries++) {
            int w = next;
            next = w + 1 == workers.length ? 0 : w + 1;
            if (workers[w].offer(ch)) {
                fed[w] = true;
                return;
            }
        }
        counters.increment(Metric.REFUSED);
        log.warnRateLimited("acceptor", "every worker's hand-off ring is full, refusing a connection");
        try {
            ch.close();
        } catch (IOException ignored) {
            // refused anyway
        }
    }

    /** Stops accepting and closes the listening socket; returns once the acceptor thread has ended. */
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
