package io.ringside.server;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.ringside.Metric;
import io.ringside.internal.connection.StateGauge;
import io.ringside.internal.loop.LoopMeters;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code /metrics} page of one server in the Prometheus text format (0.0.4), built from fresh snapshots at
 * each scrape with the Prometheus Java client's model and written by its text writer, so names, escaping,
 * {@code _total} suffixes and histogram buckets follow the format exactly.
 *
 * <p>Every {@link Metric} is a counter {@code ringside_<name>_total{worker="N"}}, with {@code worker="acceptor"}
 * for the acceptor's share; a new constant appears on the page without a change here. Closes are
 * {@code ringside_connections_closed_total{worker,reason}}; the TLS handshake counters are two families by protocol
 * and kind ({@link TlsSeries}); the gauges and histograms come from
 * each loop's {@link LoopMeters}; a {@link ServiceMetrics} adds the service's own values.
 *
 * <p>Thread-safe: {@link #write} runs on the admin thread and reads counters other threads write (each value
 * once, without a lock); sources may be added on any thread.
 */
final class MetricsPage {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsPage.class);
    static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private final Supplier<ServerStats> stats;
    private final Supplier<List<LoopMeters>> meters;
    private final BooleanSupplier ready;
    private final List<ServiceMetrics> services = new CopyOnWriteArrayList<>();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    MetricsPage(Supplier<ServerStats> stats, Supplier<List<LoopMeters>> meters, BooleanSupplier ready) {
        this.stats = stats;
        this.meters = meters;
        this.ready = ready;
    }

    void add(ServiceMetrics source) {
        services.add(source);
    }

    void write(OutputStream out) throws IOException {
        writer.write(out, snapshot(), EscapingScheme.UNDERSCORE_ESCAPING);
    }

    MetricSnapshots snapshot() {
        ServerStats s = stats.get();
        List<ServerStats> workers = s.workers();
        List<LoopMeters> loops = meters.get();
        PageBuilder page = new PageBuilder();
        for (Metric m : Metric.values()) {
            if (TlsSeries.labelled(m)) {
                continue; // in their families, by protocol and kind
            }
            long[] values = new long[workers.size()];
            for (int w = 0; w < values.length; w++) {
                values[w] = workers.get(w).get(m);
            }
            page.perWorker(true, "ringside_" + m.name().toLowerCase(Locale.ROOT), MetricHelp.of(m), values, s.get(m));
        }
        page.closes(s, workers);
        TlsSeries.addTo(page, workers);
        long[] open = new long[workers.size()];
        for (int w = 0; w < open.length; w++) {
            open[w] = workers.get(w).openConnections();
        }
        page.perWorker(false, "ringside_connections_open", "Connections open now (registered with a worker, not yet closed).",
                open, -1);
        connectionsByState(page, loops);
        page.loopGauge(loops, "ringside_handoff_ring_depth", "Accepted connections waiting on a worker's hand-off ring.",
                LoopMeters::handoffDepth);
        page.loopGauge(loops, "ringside_output_buffer_bytes",
                "Bytes of output buffers held by queued replies (whole pooled buffers: an upper bound of the queued bytes).",
                LoopMeters::outputBufferBytes);
        page.loopGauge(loops, "ringside_input_buffer_bytes",
                "Bytes of pooled input buffers held by connections with unread input or a partial line.",
                LoopMeters::inputBufferBytes);
        page.histogram(loops, "ringside_loop_turn_seconds",
                "Time one worker loop turn spent working (from the end of its wait to the end of the turn).", LoopMeters::turnTimes);
        page.histogram(loops, "ringside_loop_lag_seconds",
                "How late a worker loop started a turn past its nearest deadline (timers, the 250 ms timeout sweep).",
                LoopMeters::lag);
        page.gauge("ringside_ready", "1 while the server takes new connections, 0 once its drain was requested.",
                ready.getAsBoolean() ? 1 : 0);
        for (ServiceMetrics source : services) {
            ServiceSink sink = new ServiceSink(page);
            try {
                source.report(sink);
            } catch (RuntimeException e) {
                LOG.warn("service metrics {} failed, left out of this scrape: {}", source, e.toString());
                continue;
            }
            sink.commit();
        }
        return page.build();
    }

    /** {@code ringside_connections_by_state{worker,state}}: each loop's own counts, kept as its connections change. */
    private static void connectionsByState(PageBuilder page, List<LoopMeters> loops) {
        StateGauge.Shown[] kinds = StateGauge.Shown.values();
        long[][] values = new long[kinds.length][loops.size()];
        List<String> labels = new java.util.ArrayList<>();
        for (int k = 0; k < kinds.length; k++) {
            labels.add(kinds[k].label());
            for (int w = 0; w < loops.size(); w++) {
                values[k][w] = loops.get(w).connections(kinds[k]);
            }
        }
        page.perWorkerBy(false, "ringside_connections_by_state", "Open connections by what they do now: connecting (outbound),"
                + " preface (PROXY header or TLS handshake not done), open, read_paused (the handler, a rate limit, offloads),"
                + " output_paused (above the high watermark, the output budget), half_closed (input ended, replies go on),"
                + " closing (after the flush).", "state", labels, values);
    }

    /** Collects one source's values so a source that fails half-way adds nothing. */
    private static final class ServiceSink implements ServiceMetrics.Sink {
        private final PageBuilder page;
        private final PageBuilder.Pending pending = new PageBuilder.Pending();

        ServiceSink(PageBuilder page) {
            this.page = page;
        }

        @Override
        public void counter(String name, String help, double value) {
            page.checkServiceName(name, true, pending);
            pending.counter(name, help, value);
        }

        @Override
        public void gauge(String name, String help, double value) {
            page.checkServiceName(name, false, pending);
            pending.gauge(name, help, value);
        }

        void commit() {
            page.addAll(pending);
        }
    }
}
