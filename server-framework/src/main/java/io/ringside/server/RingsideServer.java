package io.ringside.server;

import com.google.common.base.Preconditions;
import io.ringside.CloseReason;
import io.ringside.ConnectOptions;
import io.ringside.HandlerFactory;
import io.ringside.LineHandler;
import io.ringside.Metric;
import io.ringside.ProxyProtocol;
import io.ringside.ServerConfig;
import io.ringside.internal.accept.AcceptorLoop;
import io.ringside.internal.accept.Admission;
import io.ringside.internal.accept.IoWarmup;
import io.ringside.internal.accept.Listeners;
import io.ringside.internal.admin.AdminListener;
import io.ringside.internal.connection.Protection;
import io.ringside.internal.loop.OffloadPool;
import io.ringside.internal.loop.WorkerLoop;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Ringside server: one acceptor thread handing connections over Disruptor rings to N worker loops.
 *
 * <pre>{@code
 * RingsideServer server = new RingsideServer(ServerConfig.defaults(), EchoHandler::new).start();
 * ...
 * server.stop();   // drains: stop accepting, answer received lines, flush, close
 * }</pre>
 *
 * <p>Thread-safe: {@link #start()} and {@link #stop} are serialized by a lifecycle lock (not this
 * object's monitor, so {@link #localAddress()} and {@link #stats()}, callable from any thread at any time,
 * never wait for a drain).
 */
public final class RingsideServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RingsideServer.class);

    private final ServerConfig config;
    private final HandlerFactory factory;
    private final AtomicLong connectionIds = new AtomicLong();
    /** Round-robin over the workers for {@link #connect}. */
    private final AtomicInteger nextConnect = new AtomicInteger();
    /** Serializes start() and stop(); never held by localAddress() or stats(). */
    private final Object lifecycle = new Object();
    /** Published once, complete, by start() (a list built elsewhere first); read by stats() on any thread. */
    private volatile List<WorkerLoop> workers = List.of();
    private volatile AcceptorLoop acceptor;
    /** Published by start() before {@code started}; read by localAddress() on any thread. */
    private volatile InetSocketAddress localAddress;
    /** Published by start() before {@code started}; its addresses are read on any thread. */
    private volatile Listeners listeners;
    /** Where Connection.offload calls run; created by start(), shut down by stop(). */
    private volatile ExecutorService offloads;
    private ObjectName mbeanName;
    /** The output budget and per-address rates its workers share (built with the server: its count starts at 0). */
    private final Protection protection;
    /** /metrics and /health/*, when admin-port is set; bound by start(), stopped by stop(). */
    private volatile AdminListener admin;
    private final MetricsPage metrics = new MetricsPage(this::stats,
            () -> workers.stream().map(WorkerLoop::meters).toList(), this::ready);
    /** True from start() until stop() is called (read by /health/ready on the admin thread). */
    private volatile boolean ready;
    private volatile boolean started;
    /** Written under the lifecycle lock; volatile for connect(), which checks it on any thread. */
    private volatile boolean stopped;

    /** A server that is not started yet; {@code factory} makes one handler per accepted connection. */
    public RingsideServer(ServerConfig config, HandlerFactory factory) {
        this.config = Preconditions.checkNotNull(config, "config");
        this.factory = Preconditions.checkNotNull(factory, "factory");
        this.protection = Protection.forConfig(config);
    }

    /**
     * Any thread: the output queued on every connection, as the output budget counts it (each connection's last
     * flush), and the budget itself ({@code max-buffered-output-bytes} resolved; 0 when it is off).
     */
    public long bufferedOutputBytes() { return protection.budget().buffered(); }
    public long outputBudgetBytes() { return protection.budget().limit(); }

    /**
     * Binds the listening socket and starts the threads; logs {@code listening on HOST:PORT}.
     *
     * @throws IOException when the address cannot be bound (in use, not permitted)
     */
    public RingsideServer start() throws IOException {
        synchronized (lifecycle) {
            Preconditions.checkState(!started, "already started");
            IoWarmup.run();
            Listeners bound = Listeners.bind(config);
            ExecutorService pool = OffloadPool.create(config.offloadThreads());
            List<WorkerLoop> loops = new ArrayList<>();
            try {
                Admission admission = new Admission(config.maxConnections(), config.maxConnectionsPerAddress());
                for (int i = 0; i < config.workers(); i++) {
                    loops.add(new WorkerLoop(i, config, factory, connectionIds, admission, pool, protection));
                }
                acceptor = new AcceptorLoop(bound.all(), loops.toArray(new WorkerLoop[0]), admission, config.endOfLine().replyTerminator(),
                        config::refusedReply, config.workerChoice(), config.rateLimitConnects());
                localAddress = bound.plainAddress();
                if (config.adminPort() >= 0) {
                    admin = AdminListener.bind(config.adminHost(), config.adminPort(), MetricsPage.CONTENT_TYPE,
                            metrics::write, this::ready);
                }
            } catch (IOException | RuntimeException e) {
                if (admin != null) {
                    admin.stop();
                    admin = null;
                }
                bound.close();
                loops.forEach(WorkerLoop::closeUnstarted);
                pool.shutdown();
                acceptor = null;
                throw e;
            }
            listeners = bound;
            workers = List.copyOf(loops); // published once, complete: stats() never sees it grow
            offloads = pool;
            workers.forEach(WorkerLoop::start);
            acceptor.start();
            started = true;
            ready = true;
            mbeanName = StatsBean.register(localAddress.getPort(), this::stats);
            LOG.info("listening on {}:{} ({} workers)", localAddress.getHostString(), localAddress.getPort(), workers.size());
            if (bound.tlsAddress() != null) {
                LOG.info("listening with TLS on {}:{}", bound.tlsAddress().getHostString(), bound.tlsAddress().getPort());
            }
            if (admin != null) {
                admin.start();
                LOG.info("admin listener on {}:{} (/metrics, /health/live, /health/ready)",
                        admin.localAddress().getHostString(), admin.localAddress().getPort());
            }
            if (config.proxyProtocol() != ProxyProtocol.OFF) {
                LOG.info("expecting a PROXY protocol {} header first on every plain connection", config.proxyProtocol());
            }
            return this;
        }
    }

    /**
     * Opens an outbound connection from any thread, on a worker chosen round-robin, served by {@code handler}
     * exactly as {@link io.ringside.Connection#connect} serves it: onOpen once connected, or only onClose with
     * {@link CloseReason#CONNECT_FAILED} / {@link CloseReason#CONNECT_TIMEOUT}. Not counted against the
     * connection limits. {@code address} must be resolved (an unresolved one fails with CONNECT_FAILED).
     *
     * @throws IllegalStateException when the server is not started or already stopping (a connect that races
     *                               with {@link #stop} is closed with {@link CloseReason#SERVER_STOP}, unless it
     *                               is posted after its worker's very last turn: then it is dropped unheard)
     * @throws IllegalArgumentException when {@code timeout} is not positive
     */
    public void connect(InetSocketAddress address, Duration timeout, LineHandler handler) { connect(address, timeout, ConnectOptions.PLAIN, handler); }

    /** {@link #connect(InetSocketAddress, Duration, LineHandler)} with TLS or a PROXY header: see {@link ConnectOptions}. */
    public void connect(InetSocketAddress address, Duration timeout, ConnectOptions options, LineHandler handler) {
        Preconditions.checkNotNull(address, "address");
        Preconditions.checkNotNull(options, "options");
        Preconditions.checkNotNull(handler, "handler");
        Preconditions.checkArgument(!timeout.isNegative() && !timeout.isZero(), "connect timeout must be positive: %s", timeout);
        Preconditions.checkState(started && !stopped, "the server is not running");
        List<WorkerLoop> loops = workers;
        loops.get(Math.floorMod(nextConnect.getAndIncrement(), loops.size())).connect(address, timeout.toNanos(), options, handler);
    }

    /** The bound address (the actual port when the configured port was 0). */
    public InetSocketAddress localAddress() { Preconditions.checkState(started, "not started"); return localAddress; }

    /** The admin listener's bound address, while it runs (empty when admin-port is -1). */
    public Optional<InetSocketAddress> adminAddress() {
        AdminListener a = admin;
        return a == null ? Optional.empty() : Optional.of(a.localAddress());
    }

    /** Whether the server takes new connections: true from start until {@link #stop} is called (/health/ready). */
    public boolean ready() { return ready; }

    /** Adds a service's own values to the admin listener's /metrics page; thread-safe, any time. */
    public void addServiceMetrics(ServiceMetrics source) {
        metrics.add(Preconditions.checkNotNull(source, "source"));
    }

    /** The TLS listener's bound address (the actual port when {@code tls-port} was 0); empty without TLS. */
    public java.util.Optional<InetSocketAddress> tlsAddress() {
        Preconditions.checkState(started, "not started");
        return java.util.Optional.ofNullable(listeners == null ? null : listeners.tlsAddress());
    }

    /**
     * Any thread (the daemon's SIGHUP): reads the TLS certificate and key files again; new handshakes use
     * them, open connections keep theirs. Files that do not load leave the old ones in use, and the log
     * says why. Returns whether the new ones are in use.
     */
    public boolean reloadTls() {
        Preconditions.checkState(started && listeners.tls() != null, "no TLS listener");
        return listeners.tls().reload();
    }

    /** The configuration the server was built with. */
    public ServerConfig config() { return config; }

    /** Stops with the configured drain timeout. See {@link #stop(Duration)}. */
    public boolean stop() { return stop(config.drainTimeout()); }

    /**
     * Drains and stops: reports not ready at once (then waits drain-delay, still accepting, so a balancer
     * notices), closes the listener, answers every line already received, flushes
     * replies until {@code drainTimeout}, then closes what is left. Returns true when every connection
     * drained cleanly; otherwise logs how many connections and bytes could not be flushed. Idempotent.
     */
    public boolean stop(Duration drainTimeout) {
        synchronized (lifecycle) {
            if (!started || stopped) {
                return true;
            }
            stopped = true;
            return drainAndStop(drainTimeout);
        }
    }

    private boolean drainAndStop(Duration drainTimeout) {
        long before = stats().closed(CloseReason.DRAIN_TIMEOUT);
        long unflushedBefore = stats().get(Metric.BYTES_UNFLUSHED);
        ready = false;
        try {
            if (!config.drainDelay().isZero()) {
                LOG.info("stopping: not ready; draining in {} ms", config.drainDelay().toMillis());
                Thread.sleep(config.drainDelay().toMillis());
            }
            acceptor.stop();
            LOG.info("stopping: draining {} connections (deadline {} ms)", stats().openConnections(), drainTimeout.toMillis());
            long deadline = System.nanoTime() + drainTimeout.toNanos();
            workers.forEach(w -> w.requestDrain(deadline));
            for (WorkerLoop w : workers) {
                if (!w.awaitTermination(drainTimeout.toMillis() + 5_000)) {
                    LOG.warn("{} did not stop after the drain deadline", w);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("interrupted while draining");
            return false;
        } finally {
            if (admin != null) {
                admin.stop(); // live until here: the drain is over (or was cut short)
            }
        }
        StatsBean.unregister(mbeanName);
        offloads.shutdown();
        listeners.closeTls();
        ServerStats after = stats();
        long timedOut = after.closed(CloseReason.DRAIN_TIMEOUT) - before;
        long unflushed = after.get(Metric.BYTES_UNFLUSHED) - unflushedBefore;
        if (timedOut == 0) {
            LOG.info("stopped: every connection drained");
            return true;
        }
        LOG.warn("stopped: {} connections closed at the drain deadline, {} bytes of replies not flushed", timedOut, unflushed);
        return false;
    }

    @Override
    public void close() { stop(); }

    /** Counters summed over the acceptor and all workers, with a per-worker breakdown. */
    public ServerStats stats() {
        int nm = Metric.values().length;
        int nr = CloseReason.values().length;
        long[] total = new long[nm];
        long[] totalClosed = new long[nr];
        List<ServerStats> perWorker = new ArrayList<>();
        List<WorkerLoop> loops = workers;
        AcceptorLoop a = acceptor;
        if (a != null) {
            a.snapshotInto(total, totalClosed);
        }
        for (WorkerLoop w : loops) {
            long[] m = new long[nm];
            long[] r = new long[nr];
            w.snapshotInto(m, r);
            perWorker.add(new ServerStats(m, r, List.of()));
            for (int i = 0; i < nm; i++) {
                total[i] += m[i];
            }
            for (int i = 0; i < nr; i++) {
                totalClosed[i] += r[i];
            }
        }
        return new ServerStats(total, totalClosed, perWorker);
    }
}
