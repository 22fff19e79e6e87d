package io.ringside.loadgen;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One event-loop thread of the generator: its own {@link Selector} driving a share of the
 * connections (ids {@code index}, {@code index + threads}, ...).
 *
 * <p>It opens its connections (at most {@value #MAX_CONNECTING} connecting at once; with a ramp, the
 * i-th of its n connections not before start + ramp * i / n), reports to {@link RunControl} when its
 * first attempts have settled, and once the load phase starts keeps {@code depth} lines in flight on
 * each connection (churn: connect, one line, reply, close, again; paced: one line per connection at
 * each of its {@link Pacer} ticks, skipped while {@code depth} lines are unanswered; idle: nothing).
 * Every reply is checked by {@link InFlightLines} and counted by {@link ReplyTally}. A connection that
 * fails to connect, breaks or closes early is counted, loses its lines in flight and is re-opened
 * after {@value #RETRY_MILLIS} ms. The loop ends at the end of the measured window, or when the run
 * is stopped. Paced mode, at the end: a line still unanswered a whole interval after it was sent
 * counts as lost (a healthy server answers well within the interval; otherwise a dropped line would
 * only show as "in flight" while its connection skips every later tick).
 *
 * <p>Threading: {@link #run()} runs on the worker's own thread, which alone touches its connections,
 * its selector's keys and the counters of its {@link WorkerStats}. Other threads only call
 * {@link Selector#wakeup()} (through {@link RunControl}).
 */
final class Worker implements Runnable {
    private static final int MAX_CONNECTING = 256;
    private static final int RETRY_MILLIS = 10;
    private static final long MAX_SELECT_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final int READ_BUFFER = 64 * 1024;

    private final LoadOptions options;
    private final RunControl control;
    private final WorkerStats stats;
    private final Selector selector;
    private final Dialer dialer;
    private final List<Connection> connections = new ArrayList<>();
    private final ArrayDeque<Connection> retries = new ArrayDeque<>();
    private final ArrayDeque<PendingConnect> pending = new ArrayDeque<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocate(READ_BUFFER);
    private final Consumer<SelectionKey> keyHandler = this::onKey;
    private final long connectTimeoutNanos;
    private final long retryNanos = TimeUnit.MILLISECONDS.toNanos(RETRY_MILLIS);
    private final long rampNanos;
    /** Steady mode: a new line as soon as there is room (not paced, not idle). */
    private final boolean refill;
    private final Pacer.Tick tick = this::tick;
    private final ReplyTally replies;
    /** Paced mode, once the load phase started. */
    private Pacer pacer;

    private int nextToOpen;
    private int connecting;
    private int unsettled;
    private boolean settled;
    private boolean loaded;
    private long measureStart = Long.MAX_VALUE;
    private long measureEnd = Long.MAX_VALUE;

    /** A connect attempt and the time by which it must have completed. */
    private record PendingConnect(Connection connection, long attempt, long deadline) {
    }

    Worker(int index, LoadOptions options, RunControl control, WorkerStats stats) throws IOException {
        this.options = options;
        this.control = control;
        this.stats = stats;
        this.selector = Selector.open();
        this.dialer = new Dialer(options, index);
        this.connectTimeoutNanos = RunControl.seconds(options.connectTimeout());
        this.rampNanos = RunControl.seconds(options.rampSeconds());
        this.replies = new ReplyTally(control, stats);
        this.refill = !options.paced() && !options.idle();
        LineCodec codec = new LineCodec(options.size(), options.mode());
        for (int id = index; id < options.conns(); id += options.threads()) {
            connections.add(new Connection(id, codec, options.linesPerConnection(), options.tls()));
        }
        this.unsettled = connections.size();
        control.addSelector(selector);
    }

    @Override
    public void run() {
        try {
            loop();
        } catch (Throwable t) {
            System.err.println("ringside-loadgen: worker failed:");
            t.printStackTrace();
            control.stop(EndReason.FAILURE);
        } finally {
            stats.heldAtEnd(countConnected());
            if (pacer != null) {
                stats.skipped(pacer.skipped());
                countOverdue();
            }
            for (Connection c : connections) {
                c.close();
            }
            try {
                selector.close();
            } catch (IOException ignored) {
                // the run is over; a failing close changes nothing
            }
            stats.publish();
        }
    }

    private void loop() throws IOException {
        if (options.churn()) {
            settled = true; // no connect phase: connections come and go
            control.workerSettled(0);
        }
        while (!control.stopped()) {
            long now = System.nanoTime();
            housekeeping(now);
            if (control.stopped()) {
                break;
            }
            long wait = nextDeadline(now) - now;
            if (wait <= 0) {
                selector.selectNow(keyHandler);
            } else {
                selector.select(keyHandler, Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait + 999_999)));
            }
            replies.report();
            stats.publish();
        }
    }

    /** Phase changes, time bound, new connections, re-connections and connect timeouts. */
    private void housekeeping(long now) {
        if (!loaded && control.loadStarted()) {
            startLoad(now);
        }
        if (loaded && now >= measureEnd) {
            control.stop(EndReason.TIME);
            return;
        }
        while (nextToOpen < connections.size() && connecting < MAX_CONNECTING && openAt(nextToOpen) <= now) {
            open(connections.get(nextToOpen++), now);
        }
        while (!retries.isEmpty() && retries.peek().retryAt() <= now && connecting < MAX_CONNECTING) {
            open(retries.poll(), now);
        }
        expireConnects(now);
        if (!settled && (unsettled == 0 || now >= control.connectDeadline())) {
            settled = true;
            control.workerSettled(countConnected());
        }
        if (pacer != null && !control.stopped()) {
            pacer.fireDue(now, tick);
        }
    }

    /** The earliest time connection number {@code i} of this worker may be opened (the ramp). */
    private long openAt(int i) {
        return rampNanos == 0 ? 0 : control.startNanos() + (long) ((double) rampNanos * i / connections.size());
    }

    private long nextDeadline(long now) {
        long next = now + MAX_SELECT_NANOS;
        if (loaded) {
            next = Math.min(next, measureEnd);
        }
        if (!settled) {
            next = Math.min(next, control.connectDeadline());
        }
        if (!retries.isEmpty()) {
            next = Math.min(next, retries.peek().retryAt());
        }
        if (!pending.isEmpty()) {
            next = Math.min(next, pending.peek().deadline());
        }
        if (nextToOpen < connections.size() && connecting < MAX_CONNECTING) {
            next = Math.min(next, openAt(nextToOpen));
        }
        if (pacer != null) {
            next = Math.min(next, pacer.nextDue());
        }
        return next;
    }

    private void startLoad(long now) {
        loaded = true;
        measureStart = control.measureStart();
        measureEnd = control.measureEnd();
        replies.window(measureStart, measureEnd);
        if (options.paced() && !connections.isEmpty()) {
            pacer = new Pacer(connections.size(), TimeUnit.MILLISECONDS.toNanos(options.intervalMillis()), now,
                    new SplittableRandom());
        }
        for (Connection c : connections) {
            if (c.state() == Connection.State.CONNECTED) {
                send(c, now);
            }
        }
    }

    /** Paced mode, at the end: lines unanswered for a whole interval are lost (see the class comment). */
    private void countOverdue() {
        long end = control.stopNanos() == 0 ? System.nanoTime() : control.stopNanos();
        long overdueBefore = end - TimeUnit.MILLISECONDS.toNanos(options.intervalMillis());
        int overdue = 0;
        for (Connection c : connections) {
            if (c.state() == Connection.State.CONNECTED) {
                overdue += c.lines().sentBefore(overdueBefore);
            }
        }
        stats.overdue(overdue);
    }

    /** Paced mode: connection number {@code index} of this worker is due to send one line. */
    private void tick(int index, long now) {
        Connection c = connections.get(index);
        int added = c.state() == Connection.State.CONNECTED ? c.fill(c.lines().count() + 1, now) : 0;
        if (added == 0) {
            stats.skipped(1); // not connected (re-connecting), or depth lines still unanswered
            return;
        }
        stats.sent(added);
        flush(c);
    }

    private int countConnected() {
        int n = 0;
        for (Connection c : connections) {
            if (c.state() == Connection.State.CONNECTED) {
                n++;
            }
        }
        return n;
    }

    private void open(Connection c, long now) {
        SocketChannel ch;
        try {
            ch = dialer.dial();
        } catch (IOException e) {
            connectFailed(c, now, e.toString());
            return;
        }
        boolean done = ch.isConnected();
        try {
            c.connecting(ch, ch.register(selector, done ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, c));
        } catch (IOException e) {
            Dialer.close(ch);
            connectFailed(c, now, e.toString());
            return;
        }
        connecting++;
        if (done) {
            onConnected(c, now);
        } else {
            pending.add(new PendingConnect(c, c.attempt(), now + connectTimeoutNanos));
        }
    }

    private void expireConnects(long now) {
        while (!pending.isEmpty()) {
            PendingConnect p = pending.peek();
            Connection c = p.connection();
            if (c.state() != Connection.State.CONNECTING || c.attempt() != p.attempt()) {
                pending.poll(); // stale: that attempt already ended
            } else if (now >= p.deadline()) {
                pending.poll();
                connectFailed(c, now, "no answer within " + options.connectTimeout() + " s");
            } else {
                return;
            }
        }
    }

    private void onKey(SelectionKey key) {
        Connection c = (Connection) key.attachment();
        if (!key.isValid()) {
            return;
        }
        int ready = key.readyOps();
        if ((ready & SelectionKey.OP_CONNECT) != 0) {
            finishConnect(c);
            return;
        }
        if ((ready & SelectionKey.OP_READ) != 0) {
            read(c);
        }
        if ((ready & SelectionKey.OP_WRITE) != 0 && key.isValid() && c.state() == Connection.State.CONNECTED) {
            flush(c);
            if (c.pendingTlsInput() && c.state() == Connection.State.CONNECTED) {
                read(c); // records that waited for the handshake's own write
            }
        }
    }

    private void finishConnect(Connection c) {
        long now = System.nanoTime();
        try {
            if (!c.channel().finishConnect()) {
                return;
            }
        } catch (IOException e) {
            connectFailed(c, now, e.toString());
            return;
        }
        onConnected(c, now);
    }

    private void onConnected(Connection c, long now) {
        connecting--;
        c.connected();
        stats.connected(loaded && now >= measureStart && now < measureEnd);
        if (c.settle()) {
            unsettled--;
        }
        if (options.tls()) {
            flush(c); // the ClientHello, whether or not lines are sent
        }
        send(c, now);
    }

    private void connectFailed(Connection c, long now, String reason) {
        if (c.state() == Connection.State.CONNECTING) {
            connecting--;
        }
        c.close();
        stats.connectFailure();
        if (control.mayDiagnose()) {
            control.diagnose("connect to " + options.target() + " failed: " + reason);
        }
        if (c.settle()) {
            unsettled--;
        }
        retryLater(c, now);
    }

    /** The connection broke (early close, reset, I/O error): its lines in flight are lost. */
    private void broken(Connection c, String reason) {
        int lost = c.close();
        stats.connectionError(lost);
        if (control.mayDiagnose()) {
            control.diagnose("conn " + c.id() + ": " + reason + " (" + lost + " lines in flight lost)");
        }
        retryLater(c, System.nanoTime());
    }

    private void retryLater(Connection c, long now) {
        c.retryAt(now + retryNanos);
        retries.add(c);
    }

    private void read(Connection c) {
        readBuffer.clear();
        int n;
        try {
            n = c.read(readBuffer);
        } catch (IOException e) {
            broken(c, "read failed: " + e);
            return;
        }
        if (n < 0) {
            broken(c, "closed by the server");
            return;
        }
        if (n == 0) {
            if (options.tls() && c.state() == Connection.State.CONNECTED) {
                flush(c); // handshake records to answer, and the lines once it is done
            }
            return;
        }
        long now = System.nanoTime();
        stats.bytesReceived(n);
        int retired = c.lines().verify(readBuffer.array(), 0, n, now, replies);
        stats.retired(retired);
        if (retired == 0) {
            return;
        }
        if (options.churn()) {
            c.close(); // depth 1: nothing else is in flight; stray bytes were already counted
            if (!control.stopped()) {
                open(c, now);
            }
            return;
        }
        send(c, now);
    }

    /** Steady and churn modes: tops the connection up to depth lines in flight. */
    private void send(Connection c, long now) {
        if (!refill || !loaded || control.stopped()) {
            return;
        }
        stats.sent(c.fill(options.linesPerConnection(), now));
        flush(c);
    }

    private void flush(Connection c) {
        try {
            stats.bytesSent(c.flush());
        } catch (IOException e) {
            broken(c, "write failed: " + e);
        }
    }
}
