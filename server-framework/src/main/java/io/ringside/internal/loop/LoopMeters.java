package io.ringside.internal.loop;

import io.ringside.internal.buffer.BufferPool;
import io.ringside.internal.connection.StateGauge;
import io.ringside.internal.stats.LoopHistogram;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a worker loop measures about itself for the metrics page: how long each turn's work took, how late
 * the loop woke for its own deadlines (timers, the timeout sweep, the drain deadline), how many channels
 * wait on its hand-off ring and how much buffer memory its connections hold.
 *
 * <p>Loop lag is measured on the loop's own deadlines: when a turn starts past the nearest deadline the loop
 * had when it last computed its wait, the difference is one sample. A loop busy with a blocking handler
 * starts its next turn late, so the lag shows it; a loop without deadlines (no connection, no timer) takes no
 * sample, since nothing waited on it. The timeout sweep runs every 250 ms while connections are open.
 *
 * <p>The acceptor's load-aware worker choice reads {@link #connections} and {@link #recentTurnNanos}.
 *
 * <p>Threading: {@link #deadline}, {@link #noDeadline}, {@link #awake}, {@link #busySince} and {@link #turnEnded} on the loop only
 * (the histograms' single writer); the readers on any thread (the metrics scrape).
 */
public final class LoopMeters {
    private final LoopHistogram turnTimes = new LoopHistogram();
    private final LoopHistogram lag = new LoopHistogram();
    private final Handoff handoff;
    private final BufferPool readPool;
    private final BufferPool writePool;
    private final ConnectionTable connections;
    private final StateGauge states;
    /**
     * For the acceptor's worker choice, written by the loop (lazySet) and read racily: when the current turn's work
     * began (0: waiting, not in a turn), and the recent turns' length (each turn's, or the previous value less a
     * quarter, whichever is larger).
     */
    private final AtomicLong busySince = new AtomicLong();
    private final AtomicLong recentTurnNanos = new AtomicLong();
    /** Loop only: the nearest deadline of the coming wait, when {@code hasDeadline}. */
    private long deadlineNanos;
    private boolean hasDeadline;

    LoopMeters(Handoff handoff, BufferPool readPool, BufferPool writePool, ConnectionTable connections, StateGauge states) {
        this.handoff = handoff;
        this.states = states;
        this.connections = connections;
        this.readPool = readPool;
        this.writePool = writePool;
    }

    void deadline(long nanos) {
        deadlineNanos = nanos;
        hasDeadline = true;
    }

    void noDeadline() {
        hasDeadline = false;
    }

    /** Loop only: the turn's work starts at {@code nanos}; a sample of lag if the deadline has passed. */
    void awake(long nanos) {
        if (hasDeadline && nanos - deadlineNanos >= 0) {
            lag.record(nanos - deadlineNanos);
        }
        hasDeadline = false;
        busySince(nanos);
    }

    /** Loop only: the turn's work started (at its first ready key, or after the wait). */
    void busySince(long nanos) {
        if (busySince.get() == 0) {
            busySince.lazySet(nanos == 0 ? 1 : nanos);
        }
    }

    void turnEnded(long busyNanos) {
        turnTimes.record(busyNanos);
        long recent = recentTurnNanos.get();
        recentTurnNanos.lazySet(Math.max(busyNanos, recent - recent / 4));
        busySince.lazySet(0);
    }

    /** Any thread: connections of the loop, counting those still on its hand-off ring. */
    public long connections() {
        return connections.published() + handoff.depth();
    }

    /** Any thread: how long the loop's recent turns took, or its current one has taken so far if longer. */
    public long recentTurnNanos(long now) {
        long since = busySince.get();
        long current = since == 0 ? 0 : now - since;
        return Math.max(current, recentTurnNanos.get());
    }

    /** Any thread: the loop's connections that do {@code kind} now (counted by the loop as they change). */
    public long connections(StateGauge.Shown kind) {
        return states.count(kind);
    }

    /** How long each turn's work took (from the end of the wait to the end of the turn). */
    public LoopHistogram turnTimes() {
        return turnTimes;
    }

    /** How late the loop started a turn past its nearest deadline. */
    public LoopHistogram lag() {
        return lag;
    }

    /** Accepted channels published on the hand-off ring and not yet taken by the loop. */
    public long handoffDepth() {
        return handoff.depth();
    }

    /** Bytes of output buffers its connections hold (queued replies, whole pooled buffers). */
    public long outputBufferBytes() {
        return writePool.inUseBytes();
    }

    /** Bytes of input buffers its connections hold (partial lines, unread input; pooled size only). */
    public long inputBufferBytes() {
        return readPool.inUseBytes();
    }
}
