package io.ringside.server;

import java.util.Map;

/**
 * The server's counters over JMX, registered as {@code io.ringside:type=RingsideServer,port=PORT} while
 * the server runs (jconsole, jcmd, or any JMX client). Thread-safe.
 */
public interface RingsideServerMXBean {
    /** Connections open now. */
    long getOpenConnections();

    /** Every {@link io.ringside.Metric}, by name, summed over the acceptor and the workers. */
    Map<String, Long> getCounters();

    /** Closed connections by {@link io.ringside.CloseReason} name. */
    Map<String, Long> getClosedByReason();

    /** Open connections per worker, by worker index. */
    long[] getOpenConnectionsPerWorker();
}
