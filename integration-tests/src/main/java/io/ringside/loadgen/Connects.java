package io.ringside.loadgen;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The connect side of one {@link Worker}: opens its connections (at most {@value #MAX_CONNECTING} connecting at
 * once; with a ramp, the i-th of its n connections not before start + ramp * i / n), completes or times out each
 * connect, and re-opens a connection {@value #RETRY_MILLIS} ms after it failed or broke. A completed connect is
 * handed to the worker ({@link Opened}); the worker's connect phase is settled once every connection's first
 * attempt has ended ({@link #unsettled()}).
 *
 * <p>Threading: confined to its worker's thread, like the connections and the selector it uses.
 */
final class Connects {
    static final int MAX_CONNECTING = 256;
    static final int RETRY_MILLIS = 10;

    /** The worker's part of a completed connect. */
    interface Opened {
        void opened(Connection c, long now);
    }

    private final LoadOptions options;
    private final RunControl control;
    private final WorkerStats stats;
    private final Selector selector;
    private final Dialer dialer;
    private final List<Connection> connections;
    private final Opened opened;
    private final ArrayDeque<Connection> retries = new ArrayDeque<>();
    private final ArrayDeque<PendingConnect> pending = new ArrayDeque<>();
    private final long connectTimeoutNanos;
    private final long retryNanos = TimeUnit.MILLISECONDS.toNanos(RETRY_MILLIS);
    private final long rampNanos;
    private int nextToOpen;
    private int connecting;
    private int unsettled;

    /** A connect attempt and the time by which it must have completed. */
    private record PendingConnect(Connection connection, long attempt, long deadline) {
    }

    Connects(int worker, LoadOptions options, RunControl control, WorkerStats stats, Selector selector,
             List<Connection> connections, Opened opened) {
        this.options = options;
        this.control = control;
        this.stats = stats;
        this.selector = selector;
        this.dialer = new Dialer(options, worker);
        this.connections = connections;
        this.opened = opened;
        this.connectTimeoutNanos = RunControl.seconds(options.connectTimeout());
        this.rampNanos = RunControl.seconds(options.rampSeconds());
        this.unsettled = connections.size();
    }

    /** Connections whose first connect attempt has not ended yet. */
    int unsettled() {
        return unsettled;
    }

    /** Opens the connections due (first opens and retries) and fails the connects that took too long. */
    void openDue(long now) {
        while (nextToOpen < connections.size() && connecting < MAX_CONNECTING && openAt(nextToOpen) <= now) {
            open(connections.get(nextToOpen++), now);
        }
        while (!retries.isEmpty() && retries.peek().retryAt() <= now && connecting < MAX_CONNECTING) {
            open(retries.poll(), now);
        }
        expire(now);
    }

    /** The earliest of {@code next} and the next time this has something to do. */
    long nextDeadline(long next) {
        if (!retries.isEmpty()) {
            next = Math.min(next, retries.peek().retryAt());
        }
        if (!pending.isEmpty()) {
            next = Math.min(next, pending.peek().deadline());
        }
        if (nextToOpen < connections.size() && connecting < MAX_CONNECTING) {
            next = Math.min(next, openAt(nextToOpen));
        }
        return next;
    }

    /** The earliest time connection number {@code i} of this worker may be opened (the ramp). */
    private long openAt(int i) {
        return rampNanos == 0 ? 0 : control.startNanos() + (long) ((double) rampNanos * i / connections.size());
    }

    /** Starts a connect for {@code c} now (churn mode re-opens at once). */
    void open(Connection c, long now) {
        SocketChannel ch;
        try {
            ch = dialer.dial();
        } catch (IOException e) {
            failed(c, now, e.toString());
            return;
        }
        boolean done = ch.isConnected();
        try {
            c.connecting(ch, ch.register(selector, done ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, c));
        } catch (IOException e) {
            Dialer.close(ch);
            failed(c, now, e.toString());
            return;
        }
        connecting++;
        if (done) {
            connected(c, now);
        } else {
            pending.add(new PendingConnect(c, c.attempt(), now + connectTimeoutNanos));
        }
    }

    private void expire(long now) {
        while (!pending.isEmpty()) {
            PendingConnect p = pending.peek();
            Connection c = p.connection();
            if (c.state() != Connection.State.CONNECTING || c.attempt() != p.attempt()) {
                pending.poll(); // stale: that attempt already ended
            } else if (now >= p.deadline()) {
                pending.poll();
                failed(c, now, "no answer within " + options.connectTimeout() + " s");
            } else {
                return;
            }
        }
    }

    /** The selector reported OP_CONNECT for {@code c}. */
    void finish(Connection c) {
        long now = System.nanoTime();
        try {
            if (!c.channel().finishConnect()) {
                return;
            }
        } catch (IOException e) {
            failed(c, now, e.toString());
            return;
        }
        connected(c, now);
    }

    private void connected(Connection c, long now) {
        connecting--;
        c.connected();
        if (c.settle()) {
            unsettled--;
        }
        opened.opened(c, now);
    }

    private void failed(Connection c, long now, String reason) {
        if (c.state() == Connection.State.CONNECTING) {
            connecting--;
        }
        if (options.reconnect()) {
            c.closeKeepingLines(); // a failed connect is an error, but the lines are still sent on the next one
        } else {
            c.close();
        }
        stats.connectFailure();
        if (control.mayDiagnose()) {
            control.diagnose("connect to " + options.target() + " failed: " + reason);
        }
        if (c.settle()) {
            unsettled--;
        }
        retryLater(c, now);
    }

    /** Re-opens {@code c} (closed by now) after {@value #RETRY_MILLIS} ms. */
    void retryLater(Connection c, long now) {
        c.retryAt(now + retryNanos);
        retries.add(c);
    }
}
