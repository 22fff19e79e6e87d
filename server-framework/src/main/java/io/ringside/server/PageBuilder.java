package io.ringside.server;

import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.ringside.CloseReason;
import io.ringside.internal.loop.LoopMeters;
import io.ringside.internal.stats.LoopHistogram;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import java.util.regex.Pattern;

/**
 * One scrape's snapshots, assembled in the Prometheus client's model. Confined to the scrape that builds it.
 */
final class PageBuilder {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    /** Suffixes the text format gives a meaning (a counter's, a histogram's, an info's). */
    private static final List<String> RESERVED = List.of("_total", "_created", "_bucket", "_count", "_sum", "_info");
    private static final String ACCEPTOR = "acceptor";

    private final List<MetricSnapshot> snapshots = new ArrayList<>();
    private final Set<String> names = new HashSet<>();

    /** Per worker, plus the acceptor's share ({@code total} minus the workers') unless {@code total < 0}. */
    void perWorker(boolean counter, String name, String help, long[] perWorker, long total) {
        Pending p = new Pending();
        long acceptor = total - Arrays.stream(perWorker).sum();
        if (counter) {
            CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
            for (int w = 0; w < perWorker.length; w++) {
                b.dataPoint(CounterDataPointSnapshot.builder().labels(worker(w)).value(perWorker[w]).build());
            }
            if (total >= 0) {
                b.dataPoint(CounterDataPointSnapshot.builder().labels(Labels.of("worker", ACCEPTOR)).value(acceptor).build());
            }
            p.add(name, b.build());
        } else {
            GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
            for (int w = 0; w < perWorker.length; w++) {
                b.dataPoint(GaugeDataPointSnapshot.builder().labels(worker(w)).value(perWorker[w]).build());
            }
            p.add(name, b.build());
        }
        addAll(p);
    }

    /** {@code ringside_connections_closed_total{worker,reason}}: every reason, every worker and the acceptor. */
    void closes(ServerStats total, List<ServerStats> workers) {
        CounterSnapshot.Builder b = CounterSnapshot.builder().name("ringside_connections_closed")
                .help("Connections closed, by worker and reason (io.ringside.CloseReason).");
        for (CloseReason r : CloseReason.values()) {
            String reason = r.name().toLowerCase(Locale.ROOT);
            long sum = 0;
            for (int w = 0; w < workers.size(); w++) {
                long v = workers.get(w).closed(r);
                sum += v;
                b.dataPoint(CounterDataPointSnapshot.builder().labels(Labels.of("reason", reason, "worker", Integer.toString(w)))
                        .value(v).build());
            }
            b.dataPoint(CounterDataPointSnapshot.builder().labels(Labels.of("reason", reason, "worker", ACCEPTOR))
                    .value(total.closed(r) - sum).build());
        }
        Pending p = new Pending();
        p.add("ringside_connections_closed", b.build());
        addAll(p);
    }

    /**
     * A counter (or a gauge) per worker and value of {@code label}: {@code values[i][w]} is {@code labelValues.get(i)}'s
     * on worker w.
     */
    void perWorkerBy(boolean counter, String name, String help, String label, List<String> labelValues, long[][] values) {
        CounterSnapshot.Builder c = CounterSnapshot.builder().name(name).help(help);
        GaugeSnapshot.Builder g = GaugeSnapshot.builder().name(name).help(help);
        for (int i = 0; i < values.length; i++) {
            for (int w = 0; w < values[i].length; w++) {
                Labels labels = Labels.of(label, labelValues.get(i), "worker", Integer.toString(w));
                if (counter) {
                    c.dataPoint(CounterDataPointSnapshot.builder().labels(labels).value(values[i][w]).build());
                } else {
                    g.dataPoint(GaugeDataPointSnapshot.builder().labels(labels).value(values[i][w]).build());
                }
            }
        }
        Pending p = new Pending();
        p.add(name, counter ? c.build() : g.build());
        addAll(p);
    }

    void loopGauge(List<LoopMeters> loops, String name, String help, ToLongFunction<LoopMeters> value) {
        long[] v = new long[loops.size()];
        for (int w = 0; w < v.length; w++) {
            v[w] = value.applyAsLong(loops.get(w));
        }
        perWorker(false, name, help, v, -1);
    }

    void histogram(List<LoopMeters> loops, String name, String help, Function<LoopMeters, LoopHistogram> which) {
        double[] finite = LoopHistogram.upperBoundsSeconds();
        double[] bounds = Arrays.copyOf(finite, finite.length + 1);
        bounds[finite.length] = Double.POSITIVE_INFINITY;
        HistogramSnapshot.Builder b = HistogramSnapshot.builder().name(name).help(help);
        for (int w = 0; w < loops.size(); w++) {
            LoopHistogram h = which.apply(loops.get(w));
            long[] counts = h.bucketCounts(); // not cumulative: the model's buckets are not either
            b.dataPoint(HistogramDataPointSnapshot.builder().labels(worker(w))
                    .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, counts)).sum(h.sumNanos() / 1e9).build());
        }
        Pending p = new Pending();
        p.add(name, b.build());
        addAll(p);
    }

    void gauge(String name, String help, double value) {
        Pending p = new Pending();
        p.gauge(name, help, value);
        addAll(p);
    }

    /** A service's name: legal, no reserved suffix, not the framework's, not used yet in this scrape. */
    void checkServiceName(String name, boolean counter, Pending pending) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("metric name '" + name + "': must match [a-zA-Z_][a-zA-Z0-9_]*");
        }
        for (String suffix : RESERVED) {
            if (name.endsWith(suffix)) {
                throw new IllegalArgumentException("metric name '" + name + "': must not end with " + suffix
                        + (counter && suffix.equals("_total") ? " (the page appends it to a counter)" : ""));
            }
        }
        if (name.startsWith("ringside_")) {
            throw new IllegalArgumentException("metric name '" + name + "': ringside_ names are the framework's");
        }
        if (names.contains(name) || pending.names.contains(name)) {
            throw new IllegalArgumentException("metric name '" + name + "' reported twice");
        }
    }

    void addAll(Pending p) {
        names.addAll(p.names);
        snapshots.addAll(p.snapshots);
    }

    MetricSnapshots build() {
        return new MetricSnapshots(snapshots);
    }

    private static Labels worker(int w) {
        return Labels.of("worker", Integer.toString(w));
    }

    /** Snapshots not yet on the page. */
    static final class Pending {
        final List<MetricSnapshot> snapshots = new ArrayList<>();
        final Set<String> names = new HashSet<>();

        void add(String name, MetricSnapshot s) {
            names.add(name);
            snapshots.add(s);
        }

        void counter(String name, String help, double value) {
            add(name, CounterSnapshot.builder().name(name).help(help)
                    .dataPoint(CounterDataPointSnapshot.builder().value(value).build()).build());
        }

        void gauge(String name, String help, double value) {
            add(name, GaugeSnapshot.builder().name(name).help(help)
                    .dataPoint(GaugeDataPointSnapshot.builder().value(value).build()).build());
        }
    }
}
