package io.ringside.server;

import io.ringside.Metric;
import java.util.List;

/**
 * The TLS counters of {@link Metric} as two labelled families on the metrics page, as closes are by reason:
 * {@code ringside_tls_handshakes_total{worker,protocol}} (handshakes done, by the protocol agreed) and
 * {@code ringside_tls_handshake_failures_total{worker,kind}} (timeout, not_tls, alert, peer_gone, client_cert).
 * Stateless; thread-safe.
 */
final class TlsSeries {
    /** One family: its name, help, label and the constants it is made of, with their label values. */
    private record Family(String name, String help, String label, List<Metric> metrics, List<String> values) {
    }

    private static final List<Family> FAMILIES = List.of(
            new Family("ringside_tls_handshakes", "TLS handshakes done, by worker and the protocol version agreed.", "protocol",
                    List.of(Metric.TLS_HANDSHAKES_TLS13, Metric.TLS_HANDSHAKES_TLS12, Metric.TLS_HANDSHAKES_OTHER),
                    List.of("TLSv1.3", "TLSv1.2", "other")),
            new Family("ringside_tls_handshake_failures", "TLS handshakes failed, by worker and kind: timeout (tls-handshake-timeout),"
                    + " not_tls (no TLS records, a bad record), alert (a fatal alert, either side's), peer_gone (closed or reset"
                    + " mid-handshake), client_cert (a client certificate missing or refused).", "kind",
                    List.of(Metric.TLS_FAILED_TIMEOUT, Metric.TLS_FAILED_NOT_TLS, Metric.TLS_FAILED_ALERT,
                            Metric.TLS_FAILED_PEER_GONE, Metric.TLS_FAILED_CLIENT_CERT),
                    List.of("timeout", "not_tls", "alert", "peer_gone", "client_cert")));

    private TlsSeries() {
    }

    /** Whether {@code m} is shown in one of these families rather than as {@code ringside_<name>_total}. */
    static boolean labelled(Metric m) {
        return FAMILIES.stream().anyMatch(f -> f.metrics.contains(m));
    }

    /** Adds both families, one series per worker and label value (TLS runs on the workers only: no acceptor share). */
    static void addTo(PageBuilder page, List<ServerStats> workers) {
        for (Family f : FAMILIES) {
            long[][] values = new long[f.metrics.size()][workers.size()];
            for (int i = 0; i < values.length; i++) {
                for (int w = 0; w < workers.size(); w++) {
                    values[i][w] = workers.get(w).get(f.metrics.get(i));
                }
            }
            page.perWorkerBy(true, f.name, f.help, f.label, f.values, values);
        }
    }
}
