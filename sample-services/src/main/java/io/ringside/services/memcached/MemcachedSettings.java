package io.ringside.services.memcached;

/**
 * The settings {@code stats settings} reports, as the daemon was started. Immutable, thread-safe.
 *
 * @param maxBytes      {@code -m}, bytes
 * @param maxConns      {@code -c}
 * @param tcpPort       {@code -p}
 * @param listen        {@code -l}
 * @param verbosity     {@code -v} count
 * @param threads       {@code -t} (worker loops)
 * @param reqsPerEvent  {@code -R} (lines per wakeup)
 * @param itemSizeMax   {@code -I}, bytes
 * @param idleTimeout   {@code -o idle_timeout}, seconds (0: never)
 */
public record MemcachedSettings(long maxBytes, int maxConns, int tcpPort, String listen, int verbosity,
        int threads, int reqsPerEvent, int itemSizeMax, long idleTimeout) {

    /** memcached's defaults (port 11211 on loopback), for tests. */
    public static MemcachedSettings defaults() {
        return new MemcachedSettings(64L << 20, 1024, 11211, "127.0.0.1", 0, 4, 20, 1 << 20, 0);
    }
}
