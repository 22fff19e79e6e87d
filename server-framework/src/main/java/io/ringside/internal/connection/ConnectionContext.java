package io.ringside.internal.connection;

import io.ringside.CloseReason;
import io.ringside.ConnectOptions;
import io.ringside.LineHandler;
import io.ringside.ScheduledTask;
import io.ringside.internal.buffer.BufferPool;
import io.ringside.internal.framing.InputSpan;
import io.ringside.internal.framing.LineFramer;
import io.ringside.internal.stats.ConnectionLog;
import io.ringside.internal.stats.Counters;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;

/**
 * What a connection knows of the loop that runs it, and nothing more: buffers, framer, counters, log,
 * limits, the clock, scheduling, the queue of connections with lines left over, and the confinement
 * check. The worker loop implements it for its connections; the test harness implements it for its one.
 *
 * <p>Every method but {@link #execute} and {@link #inLoop} is called on the loop's thread only.
 */
public interface ConnectionContext {

    /** Whether the calling thread is the loop's (the confinement check behind every assert). */
    boolean inLoop();

    /** The loop's clock: {@code System.nanoTime()} read once per turn, so no read per line. */
    long turnNanos();

    BufferPool readPool();

    BufferPool writePool();

    LineFramer framer();

    /** The one span the loop re-points before each handler call. */
    InputSpan span();

    Counters counters();

    ConnectionLog log();

    Limits limits();

    /** Whether the server is stopping: read what the kernel holds, answer it, then close. */
    boolean draining();

    /** Serves {@code c} again next turn: it has lines left over from its budget, or must go on reading. */
    void queueLeftOver(TransportConnection c);

    /** Runs {@code c.runTask(task)} on the loop after the current call. Thread-safe. */
    void execute(TransportConnection c, Runnable task);

    /** Runs {@code c.runTask(task)} on the loop after {@code delayNanos}, unless cancelled or c closed. */
    ScheduledTask schedule(TransportConnection c, long delayNanos, Runnable task);

    /** Where {@link io.ringside.Connection#offload} calls run. */
    Executor offloadExecutor();

    /** Flushes {@code c} before the loop next waits: it was written to from outside its own events. */
    void queueFlush(TransportConnection c);

    /**
     * Opens an outbound connection on this loop ({@link io.ringside.Connection#connect}): registered and counted,
     * its handler told later how it went (never during this call).
     */
    TransportConnection connect(InetSocketAddress address, long timeoutNanos, ConnectOptions options, LineHandler handler);

    /**
     * A connection that admission counted under {@code counted} comes from {@code client} (its PROXY header
     * says so): counts it under the client instead. Null when done; else the line to refuse it with (the
     * client is at its per-address limit; the connection stays counted under {@code counted} until it closes).
     */
    String readmit(InetSocketAddress counted, InetSocketAddress client);

    /** The output budget and rate limits the loop's server shares among its workers. */
    Protection protection();

    /** The loop's connections by what they do now; {@link StateGauge#update} moves their counts. */
    StateGauge stateGauge();

    /** Called once by a connection as it closes, after its counters and before its handler hears it. */
    void closed(TransportConnection c, CloseReason reason, long unflushedBytes);
}
