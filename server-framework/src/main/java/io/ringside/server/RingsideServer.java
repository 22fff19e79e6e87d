package io.ringside.server;

import com.google.common.base.Preconditions;
import io.ringside.CloseReason;
import io.ringside.HandlerFactory;
import io.ringside.Metric;
import io.ringside.ServerConfig;
import io.ringside.internal.accept.AcceptorLoop;
import io.ringside.internal.accept.Admission;
import io.ringside.internal.accept.IoWarmup;
import io.ringside.internal.accept.Listener;
import io.ringside.internal.loop.OffloadPool;
import io.ringside.internal.loop.WorkerLoop;
import io.ringside.internal.tls.TlsTransportFactory;
import io.ringside.internal.transport.TransportFactory;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.JMException;
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
    /** Serializes start() and stop(); never held by localAddress() or stats(). */
    private final Object lifecycle = new Object();
    /** Published once, complete, by start() (a list built elsewhere first); read by stats() on any thread. */
    private volatile List<WorkerLoop> workers = List.of();
    private volatile AcceptorLoop acceptor;
    /** Published by start() before {@code started}; read by localAddress() on any thread. */
    private volatile InetSocketAddress localAddress;
    /** The TLS listener's address and transports (null without one); published by start() like localAddress. */
    private volatile InetSocketAddress tlsAddress;
    private volatile TlsTransportFactory tls;
    /** Where Connection.offload calls run; created by start(), shut down by stop(). */
    private volatile ExecutorService offloads;
    private ObjectName mbeanName;
    private volatile boolean started;
    private boolean stopped;

    /** A server that is not started yet; {@code factory} makes one handler per accepted connection. */
    public RingsideServer(ServerConfig config, HandlerFactory factory) {
        this.config = Preconditions.checkNotNull(config, "config");
        this.factory = Preconditions.checkNotNull(factory, "factory");
    }

    /**
     * Binds the listening socket and starts the threads; logs {@code listening on HOST:PORT}.
     *
     * @throws IOException when the address cannot be bound (in use, not permitted)
     */
    public RingsideServer start() throws IOException {
        synchronized (lifecycle) {
            Preconditions.checkState(!started, "already started");
            IoWarmup.run();
            List<Listener> listeners = new ArrayList<>();
            ExecutorService pool = OffloadPool.create(config.offloadThreads());
            List<WorkerLoop> loops = new ArrayList<>();
            try {
                listeners.add(Listener.bind("plain", config.host(), config.port(), config.reusePort(), config.backlog(),
                        TransportFactory.PLAIN));
                if (config.tls().enabled()) {
                    tls = TlsTransportFactory.create(config.tls());
                    listeners.add(bindTls(tls));
                    tlsAddress = listeners.get(1).localAddress();
                }
                Admission admission = new Admission(config.maxConnections(), config.maxConnectionsPerAddress());
                for (int i = 0; i < config.workers(); i++) {
                    loops.add(new WorkerLoop(i, config, factory, connectionIds, admission, pool));
                }
                acceptor = new AcceptorLoop(listeners, loops.toArray(new WorkerLoop[0]), admission,
                        config.endOfLine().replyTerminator(), config::refusedReply);
                localAddress = listeners.get(0).localAddress();
            } catch (IOException | RuntimeException e) {
                for (Listener l : listeners) {
                    l.channel().close();
                }
                loops.forEach(WorkerLoop::closeUnstarted);
                pool.shutdown();
                if (tls != null) {
                    tls.close();
                }
                acceptor = null;
                throw e;
            }
            workers = List.copyOf(loops); // published once, complete: stats() never sees it grow
            offloads = pool;
            workers.forEach(WorkerLoop::start);
            acceptor.start();
            started = true;
            registerMBean();
            LOG.info("listening on {}:{} ({} workers)", localAddress.getHostString(), localAddress.getPort(), workers.size());
            if (tlsAddress != null) {
                LOG.info("listening with TLS on {}:{}", tlsAddress.getHostString(), tlsAddress.getPort());
            }
            return this;
        }
    }

    private Listener bindTls(TlsTransportFactory transports) throws IOException {
        try {
            return Listener.bind("tls", config.host(), config.tls().port(), config.reusePort(), config.backlog(), transports);
        } catch (IOException e) {
            throw new IOException("tls-port " + config.tls().port() + ": " + e.getMessage(), e);
        }
    }

    /** The bound address (the actual port when the configured port was 0). */
    public InetSocketAddress localAddress() {
        Preconditions.checkState(started, "not started");
        return localAddress;
    }

    /** The TLS listener's bound address (the actual port when {@code tls-port} was 0); empty without TLS. */
    public java.util.Optional<InetSocketAddress> tlsAddress() {
        Preconditions.checkState(started, "not started");
        return java.util.Optional.ofNullable(tlsAddress);
    }

    /**
     * Any thread (the daemon's SIGHUP): reads the TLS certificate and key files again; new handshakes use
     * them, open connections keep theirs. Files that do not load leave the old ones in use, and the log
     * says why. Returns whether the new ones are in use.
     */
    public boolean reloadTls() {
        Preconditions.checkState(started && tls != null, "no TLS listener");
        return tls.reload();
    }

    /** The configuration the server was built with. */
    public ServerConfig config() {
        return config;
    }

    /** Stops with the configured drain timeout. See {@link #stop(Duration)}. */
    public boolean stop() {
        return stop(config.drainTimeout());
    }

    /**
     * Drains and stops: closes the listener at once, answers every line already received, flushes
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
        try {
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
        }
        unregisterMBean();
        offloads.shutdown();
        if (tls != null) {
            tls.close();
        }
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
    public void close() {
        stop();
    }

    private void registerMBean() {
        try {
            mbeanName = new ObjectName("io.ringside:type=RingsideServer,port=" + localAddress.getPort());
            ManagementFactory.getPlatformMBeanServer().registerMBean(new StatsBean(), mbeanName);
        } catch (JMException e) {
            LOG.warn("could not register the JMX bean {}: {}", mbeanName, e.toString());
            mbeanName = null;
        }
    }

    private void unregisterMBean() {
        if (mbeanName != null) {
            try {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(mbeanName);
            } catch (JMException e) {
                LOG.debug("could not unregister {}", mbeanName, e);
            }
        }
    }

    /** The JMX view: each call takes a fresh snapshot. */
    private final class StatsBean implements RingsideServerMXBean {
        @Override
        public long getOpenConnections() {
            return stats().openConnections();
        }

        @Override
        public Map<String, Long> getCounters() {
            ServerStats s = stats();
            Map<String, Long> m = new LinkedHashMap<>();
            for (Metric metric : Metric.values()) {
                m.put(metric.name(), s.get(metric));
            }
            return m;
        }

        @Override
        public Map<String, Long> getClosedByReason() {
            ServerStats s = stats();
            Map<String, Long> m = new LinkedHashMap<>();
            for (CloseReason r : CloseReason.values()) {
                m.put(r.name(), s.closed(r));
            }
            return m;
        }

        @Override
        public long[] getOpenConnectionsPerWorker() {
            return stats().workers().stream().mapToLong(ServerStats::openConnections).toArray();
        }
    }

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
