package io.ringside.internal.harness;

import io.ringside.CloseReason;
import io.ringside.Connection;
import io.ringside.LineHandler;
import io.ringside.ServerConfig;
import io.ringside.internal.connection.ConnectionEvents;
import io.ringside.internal.connection.ConnectionOpen;
import io.ringside.internal.connection.ConnectionState;
import io.ringside.internal.connection.TransportConnection;
import io.ringside.internal.loop.AdmissionRelease;
import io.ringside.internal.loop.OffloadPool;
import io.ringside.internal.loop.WorkerContext;
import io.ringside.internal.tls.TlsTransport;
import io.ringside.internal.transport.MemoryTransport;
import io.ringside.internal.transport.Transport;
import java.nio.ByteBuffer;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLEngine;

/**
 * A connection over a {@link MemoryTransport}, driven by the calling thread through the same
 * connection, framing, buffers, budgets, inbox and timers as on a worker: the engine behind
 * {@code io.ringside.testing.HandlerHarness}. It plays the worker loop's turn by hand: serve the
 * transport's readiness, run the inbox, serve left-over lines, run due timers. Over TLS the connection's
 * transport is a {@link TlsTransport} on that in-memory wire, with a server engine set up as the TLS
 * listener's (its delegated tasks run inline).
 *
 * <p>Confined to the thread that created it (it becomes the connection's loop thread).
 */
public final class HarnessConnection {
    /** How long settle() waits at most for offloaded calls to come back. */
    private static final long OFFLOAD_WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final AtomicLong IDS = new AtomicLong();
    /** Shared by every harness of the JVM (threads end when idle). */
    private static final ExecutorService OFFLOADS = OffloadPool.create(64);

    private final WorkerContext context;
    private final MemoryTransport transport = new MemoryTransport();
    private final TransportConnection connection;

    public HarnessConnection(ServerConfig config, LineHandler handler) {
        this(config, handler, null);
    }

    /** A connection over the in-memory wire, speaking TLS with {@code tls}'s engine when it is not null. */
    public HarnessConnection(ServerConfig config, LineHandler handler, SSLEngine tls) {
        context = new WorkerContext(config, OFFLOADS, AdmissionRelease.NONE, () -> { });
        context.bindTo(Thread.currentThread());
        Transport wire = tls == null ? transport : new TlsTransport(transport, tls, Runnable::run);
        connection = new TransportConnection(IDS.incrementAndGet(), context, wire, handler, null);
        context.adopt(connection);
        ConnectionOpen.open(connection);
    }

    public Connection connection() {
        return connection;
    }

    /** The in-memory wire: what the peer sends and reads (ciphertext over TLS). */
    public MemoryTransport transport() {
        return transport;
    }

    /** The peer sends bytes; the connection reads them as far as it wants to, and due work runs. */
    public void receive(ByteBuffer bytes) {
        transport.feed(bytes);
        settle();
    }

    /** The peer shuts down its output. */
    public void endOfStream() {
        transport.feedEndOfStream();
        settle();
    }

    /**
     * Plays loop turns until nothing more can happen now: reads while the connection wants to and the
     * peer has bytes, writes while it wants to and the peer takes them, runs tasks, left-over lines and
     * due timers; waits (bounded) for offloaded calls in flight.
     */
    public void settle() {
        long waitUntil = System.nanoTime() + OFFLOAD_WAIT_NANOS;
        for (int rounds = 0; rounds < 10_000_000; rounds++) {
            boolean worked = turn();
            if (!worked && connection.offloadsInFlight() > 0 && connection.state() != ConnectionState.CLOSED) {
                if (System.nanoTime() - waitUntil > 0) {
                    throw new IllegalStateException(connection.offloadsInFlight() + " offloaded calls did not return within 30 s");
                }
                Thread.onSpinWait();
                continue;
            }
            if (!worked) {
                return;
            }
        }
        throw new IllegalStateException("the connection did not settle: is a task re-posting itself?");
    }

    /** One hand-played loop turn; false when it found nothing to do. */
    private boolean turn() {
        boolean readable = transport.wantsRead() && transport.readable();
        boolean writable = transport.wantsWrite() && peerTakesSomething();
        boolean work = readable || writable || context.inbox().hasWork() || context.hasLeftOver()
                || context.hasQueuedFlush() || context.timers().hasDue(System.nanoTime());
        if (!work) {
            return false;
        }
        context.inbox().runPending();
        context.startTurn(System.nanoTime());
        if (readable || writable) {
            ConnectionEvents.onReady(connection, readable, writable);
        }
        context.serveLeftOver();
        context.timers().runDue();
        context.flushQueued();
        return true;
    }

    private boolean peerTakesSomething() {
        return transport.peerLimit() > 0;
    }

    /** Why the connection closed, or null while it is open. */
    public CloseReason closeReason() {
        return connection.closeReason();
    }

    public WorkerContext context() {
        return context;
    }
}
