package io.ringside.loadgen;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One event-loop thread of the generator: its own {@link Selector} driving a share of the
 * connections (ids {@code index}, {@code index + threads}, ...).
 *
 * <p>It opens its connections through {@link Connects} (at most {@value Connects#MAX_CONNECTING}
 * connecting at once, an optional ramp), reports to {@link RunControl} when its first attempts have
 * settled, and once the load phase starts keeps {@code depth} lines in flight on each connection (churn:
 * connect, one line, reply, close, again; paced: one line per connection at each of its {@link Pacer}
 * ticks, skipped while {@code depth} lines are unanswered; idle: nothing). Every reply is checked by
 * {@link InFlightLines} and counted by {@link ReplyTally}. A connection that fails to connect, breaks or
 * closes early is counted, loses its lines in flight and is re-opened after
 * {@value Connects#RETRY_MILLIS} ms. The loop ends at the end of the measured window, or when the run is
 * stopped.
 *
 * <p>Reconnect mode ({@link LoadOptions#reconnect()}): a connection the server closes or resets is not an
 * error; it is opened again after {@value Connects#RETRY_MILLIS} ms and first sends again the lines it had
 * in flight ({@link Connection#resend}); at the end the worker sends nothing new and waits until every
 * line is answered, or {@code grace} seconds (see {@link RunControl#end}).
 *
 * <p>Paced mode, at the end: a line still unanswered a whole interval after it was sent counts as lost (a
 * healthy server answers well within the interval; otherwise a dropped line would only show as "in
 * flight" while its connection skips every later tick).
 *
 * <p>Threading: {@link #run()} runs on the worker's own thread, which alone touches its connections,
 * its selector's keys and the counters of its {@link WorkerStats}. Other threads only call
 * {@link Selector#wakeup()} (through {@link RunControl}).
 */
final class Worker implements Runnable {
    private static final long MAX_SELECT_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final int READ_BUFFER = 64 * 1024;

    private final LoadOptions options;
    private final RunControl control;
    private final WorkerStats stats;
    private final Selector selector;
    private final Connects connects;
    private final List<Connection> connections = new ArrayList<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocate(READ_BUFFER);
    private final Consumer<SelectionKey> keyHandler = this::onKey;
    /** Steady mode: a new line as soon as there is room (not paced, not idle). */
    private final boolean refill;
    private final Pacer.Tick tick = this::tick;
    private final ReplyTally replies;
    /** Paced mode, once the load phase started. */
    private Pacer pacer;
    private final long graceNanos;
    /** Reconnect mode: winding down since the bound; ends at {@code finishBy} at the latest. */
    private boolean finishing;
    private long finishBy;
    /** Reconnect mode: every line answered (or the grace time over): the loop ends. */
    private boolean finished;

    private boolean settled;
    private boolean loaded;
    private long measureStart = Long.MAX_VALUE;
    private long measureEnd = Long.MAX_VALUE;

    Worker(int index, LoadOptions options, RunControl control, WorkerStats stats) throws IOException {
        this.options = options;
        this.control = control;
        this.stats = stats;
        this.selector = Selector.open();
        this.replies = new ReplyTally(control, stats);
        this.refill = !options.paced() && !options.idle();
        this.graceNanos = RunControl.seconds(options.grace());
        LineCodec codec = new LineCodec(options.size(), options.mode());
        for (int id = index; id < options.conns(); id += options.threads()) {
            connections.add(new Connection(id, codec, options.linesPerConnection(), options.tls(), options.tlsProtocol()));
        }
        this.connects = new Connects(index, options, control, stats, selector, connections, this::onConnected);
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
        while (!control.stopped() && !finished) {
            long now = System.nanoTime();
            housekeeping(now);
            if (control.stopped() || finished) {
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
            control.end(EndReason.TIME);
        }
        if (control.stopped() || (control.windingDown() && windDown(now))) {
            return;
        }
        connects.openDue(now);
        if (!settled && (connects.unsettled() == 0 || now >= control.connectDeadline())) {
            settled = true;
            control.workerSettled(countConnected());
        }
        if (pacer != null && !control.stopped()) {
            pacer.fireDue(now, tick);
        }
    }

    /** Reconnect mode, winding down: true once every line is answered or the grace time is over. */
    private boolean windDown(long now) {
        if (!finishing) {
            finishing = true;
            finishBy = now + graceNanos;
        }
        int unanswered = 0;
        for (Connection c : connections) {
            unanswered += c.lines().count();
        }
        finished = unanswered == 0 || now - finishBy >= 0;
        return finished;
    }

    private long nextDeadline(long now) {
        long next = now + MAX_SELECT_NANOS;
        if (loaded && !finishing) {
            next = Math.min(next, measureEnd);
        }
        if (finishing) {
            next = Math.min(next, finishBy);
        }
        if (!settled) {
            next = Math.min(next, control.connectDeadline());
        }
        next = connects.nextDeadline(next);
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

    private void onKey(SelectionKey key) {
        Connection c = (Connection) key.attachment();
        if (!key.isValid()) {
            return;
        }
        int ready = key.readyOps();
        if ((ready & SelectionKey.OP_CONNECT) != 0) {
            connects.finish(c);
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

    /** A connect completed ({@link Connects}): counted, then the connection's lines are sent. */
    private void onConnected(Connection c, long now) {
        stats.connected(loaded && now >= measureStart && now < measureEnd);
        if (options.tls()) {
            flush(c); // the ClientHello, whether or not lines are sent
        }
        send(c, now);
    }

    /**
     * The connection broke (early close, {@code reset}: reset or I/O error): its lines in flight are lost,
     * or in reconnect mode kept to be sent again on the next connection.
     */
    private void broken(Connection c, String reason, boolean reset) {
        if (options.reconnect()) {
            c.closeKeepingLines();
            stats.reconnect(reset);
            connects.retryLater(c, System.nanoTime());
            return;
        }
        int lost = c.close();
        stats.connectionError(lost);
        if (control.mayDiagnose()) {
            control.diagnose("conn " + c.id() + ": " + reason + " (" + lost + " lines in flight lost)");
        }
        connects.retryLater(c, System.nanoTime());
    }

    private void read(Connection c) {
        readBuffer.clear();
        int n;
        try {
            n = c.read(readBuffer);
        } catch (IOException e) {
            broken(c, "read failed: " + e, true);
            return;
        }
        countHandshake(c);
        if (n < 0) {
            broken(c, "closed by the server", false);
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
                connects.open(c, now);
            }
            return;
        }
        send(c, now);
    }

    /**
     * Steady and churn modes: tops the connection up to depth lines in flight (after the lines it sends
     * again, in reconnect mode; only those while winding down).
     */
    private void send(Connection c, long now) {
        if (!refill || !loaded || control.stopped()) {
            return;
        }
        stats.resent(c.resend());
        if (!finishing) {
            stats.sent(c.fill(options.linesPerConnection(), now));
        }
        flush(c);
    }

    private void flush(Connection c) {
        try {
            stats.bytesSent(c.flush());
        } catch (IOException e) {
            broken(c, "write failed: " + e, true);
            return;
        }
        countHandshake(c);
    }

    /** With {@code --tls}: a handshake that ended in this read or write is counted (in the window: measured). */
    private void countHandshake(Connection c) {
        String negotiated = c.handshakeDone();
        if (negotiated != null) {
            long now = System.nanoTime();
            stats.handshake(loaded && now >= measureStart && now < measureEnd, negotiated);
        }
    }
}
