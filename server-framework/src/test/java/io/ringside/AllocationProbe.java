package io.ringside;

import io.ringside.server.RingsideServer;
import java.lang.management.ManagementFactory;
import java.util.function.UnaryOperator;

/**
 * Measures the heap bytes a worker thread allocates per line in steady state, with the JVM's
 * per-thread allocation counter ({@code com.sun.management.ThreadMXBean#getThreadAllocatedBytes}).
 * One worker, a few long-lived connections pipelining many lines, after a warm-up: what is left is
 * what the per-line path allocates (connection set-up is amortized below 0.2 bytes per line).
 */
public final class AllocationProbe {
    private AllocationProbe() {
    }

    /** Bytes allocated by the worker per line while {@code lines} lines are served. */
    public static double bytesPerLine(HandlerFactory factory, UnaryOperator<String> reply, int conns, int linesPerConn) throws Exception {
        ServerConfig config = ServerConfig.builder().set(Setting.PORT, "0").set(Setting.WORKERS, "1").build();
        try (RingsideServer server = new RingsideServer(config, factory).start()) {
            PipelinedClients.exchange(server.localAddress(), conns, linesPerConn / 4, 32, reply, 120_000); // warm-up
            com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long worker = workerThreadId();
            long linesBefore = server.stats().get(Metric.LINES_IN);
            long before = threads.getThreadAllocatedBytes(worker);
            PipelinedClients.exchange(server.localAddress(), conns, linesPerConn, 32, reply, 120_000);
            long after = threads.getThreadAllocatedBytes(worker);
            long lines = server.stats().get(Metric.LINES_IN) - linesBefore;
            double perLine = (double) (after - before) / lines;
            System.out.printf("worker allocated %,d bytes for %,d lines: %.3f bytes per line%n", after - before, lines, perLine);
            return perLine;
        }
    }

    private static long workerThreadId() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("ringside-worker-0"))
                .findFirst().orElseThrow(() -> new AssertionError("no ringside-worker-0 thread")).getId();
    }
}
