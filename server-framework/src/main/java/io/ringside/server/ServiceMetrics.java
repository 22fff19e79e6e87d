package io.ringside.server;

/**
 * Values a service adds to the admin listener's {@code /metrics} page (see {@link RingsideServer#addServiceMetrics}):
 * a cache's item count, a store's hit counter. Called at each scrape, on the admin thread, so whatever it reads
 * must be safe to read from another thread (the application's shared state, which has its own concurrency
 * control); it should only read, and read quickly.
 *
 * <pre>{@code
 * server.addServiceMetrics(out -> {
 *     out.gauge("cache_items", "Items in the cache.", store.size());
 *     out.counter("cache_hits", "Lookups that found their key.", store.hits());
 * });
 * }</pre>
 *
 * <p>A source that throws is logged and left out of that scrape; the framework's own values are still served.
 */
@FunctionalInterface
public interface ServiceMetrics {
    /** Reports this scrape's values to {@code out}. */
    void report(Sink out);

    /**
     * Where a source reports. Names follow Prometheus' rules ({@code [a-zA-Z_][a-zA-Z0-9_]*}); a counter's name
     * gets {@code _total} appended on the page, so it must not end with it. A name reported twice in one scrape,
     * or one the framework uses ({@code ringside_...}), is an error: each method throws
     * {@link IllegalArgumentException} for it (and the source's values are left out of that scrape).
     */
    interface Sink {
        /** A value that only grows (until the process restarts). */
        void counter(String name, String help, double value);

        /** A value that goes up and down. */
        void gauge(String name, String help, double value);
    }
}
