package io.ringside.internal.loop;

import io.ringside.internal.buffer.BufferPool;
import io.ringside.internal.stats.LoopHistogram;

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
 * <p>Threading: {@link #deadline}, {@link #noDeadline}, {@link #awake} and {@link #turnEnded} on the loop only
 * (the histograms' single writer); the readers on any thread (the metrics scrape).
 */
public final class LoopMeters {
    private final LoopHistogram turnTimes = new LoopHistogram();
    private final LoopHistogram lag = new LoopHistogram();
    private final Handoff handoff;
    private final BufferPool readPool;
    private final BufferPool writePool;
    /** Loop only: the nearest deadline of the coming wait, when {@code hasDeadline}. */
    private long deadlineNanos;
    private boolean hasDeadline;

    LoopMeters(Handoff handoff, BufferPool readPool, BufferPool writePool) {
        this.handoff = handoff;
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
    }

    void turnEnded(long busyNanos) {
        turnTimes.record(busyNanos);
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
