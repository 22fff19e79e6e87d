package io.ringside.server;

import io.ringside.CloseReason;
import io.ringside.Metric;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import javax.management.JMException;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The JMX view of a server's counters: each call takes a fresh snapshot. Thread-safe. */
final class StatsBean implements RingsideServerMXBean {
    private static final Logger LOG = LoggerFactory.getLogger(StatsBean.class);
    private final Supplier<ServerStats> stats;

    /** Registers a bean for the server on {@code port} with the platform MBean server; null (logged) when it cannot. */
    static ObjectName register(int port, Supplier<ServerStats> stats) {
        ObjectName name = null;
        try {
            name = new ObjectName("io.ringside:type=RingsideServer,port=" + port);
            ManagementFactory.getPlatformMBeanServer().registerMBean(new StatsBean(stats), name);
            return name;
        } catch (JMException e) {
            LOG.warn("could not register the JMX bean {}: {}", name, e.toString());
            return null;
        }
    }

    /** Unregisters what {@link #register} registered (nothing for null). */
    static void unregister(ObjectName name) {
        if (name != null) {
            try {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
            } catch (JMException e) {
                LOG.debug("could not unregister {}", name, e);
            }
        }
    }

    StatsBean(Supplier<ServerStats> stats) {
        this.stats = stats;
    }

    @Override
    public long getOpenConnections() {
        return stats.get().openConnections();
    }

    @Override
    public Map<String, Long> getCounters() {
        ServerStats s = stats.get();
        Map<String, Long> m = new LinkedHashMap<>();
        for (Metric metric : Metric.values()) {
            m.put(metric.name(), s.get(metric));
        }
        return m;
    }

    @Override
    public Map<String, Long> getClosedByReason() {
        ServerStats s = stats.get();
        Map<String, Long> m = new LinkedHashMap<>();
        for (CloseReason r : CloseReason.values()) {
            m.put(r.name(), s.closed(r));
        }
        return m;
    }

    @Override
    public long[] getOpenConnectionsPerWorker() {
        return stats.get().workers().stream().mapToLong(ServerStats::openConnections).toArray();
    }
}
