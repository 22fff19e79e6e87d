/**
 * Ringside: a multi-reactor TCP server framework for line protocols.
 *
 * <p>The API is {@code io.ringside} (configuration, handler base class, connection view, spans),
 * {@code io.ringside.server} (the server, its stats) and {@code io.ringside.testing} (the socket-less
 * handler harness). The server has a package of its own because it is the one API class that wires the
 * machinery: the machinery uses {@code io.ringside}, so with the server there the two packages would
 * depend on each other (an import cycle). Everything under
 * {@code io.ringside.internal} is machinery: not exported, free to change between versions.
 *
 * <p>No dependency's type appears in the exported API, so none is {@code requires transitive}: a user
 * module needs only {@code requires io.ringside;}.
 */
module io.ringside {
    exports io.ringside;
    exports io.ringside.server;
    exports io.ringside.testing;

    // The acceptor-to-worker hand-off rings (a real module since 4.0.0, not an automatic one).
    requires com.lmax.disruptor;
    // Preconditions at the API edges. Guava's annotation modules (error_prone, j2objc, jspecify) are its
    // own `requires static`, and no Ringside class uses their annotations, so they are not needed here.
    requires com.google.common;
    requires org.slf4j;
    // The stats are registered as a platform MXBean (io.ringside:type=RingsideServer,port=N).
    requires java.management;
    // The admin listener (admin-port): the JDK's HTTP server, and the Prometheus Java client's model and
    // text writer for /metrics (automatic modules; none of their types is in the exported API).
    requires jdk.httpserver;
    requires io.prometheus.metrics.model;
    requires io.prometheus.metrics.config;
    requires io.prometheus.writer.text;
}
