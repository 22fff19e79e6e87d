package io.ringside.loadgen;

import java.util.Locale;

/**
 * The outcome of one run: counts, rates and latency percentiles, as a summary text or JSON.
 *
 * <p>{@code errors} = mismatches (a wrong byte, a reply for another conn/seq, a short or long line,
 * bytes nobody asked for) + connection errors (early close, reset, I/O error) + connect failures.
 * {@code lost} = lines sent and never answered because their connection broke, plus, when the run did
 * not end by its own bound, every line still unanswered. {@code inFlight} = lines cut off by a normal
 * end on healthy connections; they are not a failure. In paced mode {@code skipped} counts the ticks
 * that sent nothing (the connection was re-connecting, or {@code depth} lines were still unanswered,
 * or the worker fell an interval behind): not an error, but a sign that the server or the generator
 * did not keep up. Also in paced mode, a line still unanswered a whole interval after it was sent when
 * the run ends counts as lost, not in flight.
 *
 * <p>Reconnect mode: a connection the server closes or resets counts as a reconnect, not an error; its
 * unanswered lines are sent again ({@code resent}). The run waits for every answer at the end, so every
 * line sent is answered, wrong (a mismatch) or lost: {@code linesSent = answered + wrong + lost}, and
 * nothing is "in flight". {@code repeated} counts lines answered a second time (each also a mismatch).
 *
 * <p>Threading: immutable.
 *
 * @param options             what was run
 * @param endReason           why it ended
 * @param measuredSeconds     length of the measured window (warmup and connect phase excluded)
 * @param requests            replies verified in the measured window
 * @param connections         successful connects over the whole run
 * @param measuredConnections successful connects in the measured window (churn rate)
 * @param mismatches          wrong replies and unexpected bytes
 * @param connectionErrors    connections that broke (early close, reset, I/O error)
 * @param connectFailures     connect attempts that failed or timed out
 * @param lost                lines never answered (see above)
 * @param inFlight            lines cut off by a normal end on healthy connections
 * @param p50Us               median latency, microseconds (send to verified reply)
 * @param p90Us               90th percentile, microseconds
 * @param p99Us               99th percentile, microseconds
 * @param p999Us              99.9th percentile, microseconds
 * @param maxUs               highest latency, microseconds
 * @param bytesSent           bytes written over the whole run
 * @param bytesReceived       bytes read over the whole run
 * @param skipped             paced mode: ticks that sent no line (see above)
 * @param held                connections still up at the end of the run
 * @param linesSent           distinct lines sent over the whole run (a line sent again counts once)
 * @param answered            lines answered correctly over the whole run (warmup and wind-down included)
 * @param resent              reconnect mode: lines written again on a new connection
 * @param reconnects          reconnect mode: connections the server closed or reset, opened again
 * @param resets              reconnect mode: of those, the ones reset (or failing a read or write)
 * @param repeated            replies to a line that had been answered already
 * @param tls                 {@code --tls}: handshakes and what they negotiated
 * @param cpu                 CPU time of the server ({@code --server-pid}) and of the generator in the measured window
 */
public record LoadReport(LoadOptions options, EndReason endReason, double measuredSeconds, long requests,
                         long connections, long measuredConnections, long mismatches, long connectionErrors,
                         long connectFailures, long lost, long inFlight, double p50Us, double p90Us,
                         double p99Us, double p999Us, double maxUs, long bytesSent, long bytesReceived,
                         long skipped, long held, long linesSent, long answered, long resent, long reconnects,
                         long resets, long repeated, TlsTally tls, CpuUse cpu) {

    /** All errors: mismatches, connection errors and connect failures. */
    public long errors() {
        return mismatches + connectionErrors + connectFailures;
    }

    public double requestsPerSecond() {
        return measuredSeconds > 0 ? requests / measuredSeconds : 0;
    }

    public double connectsPerSecond() {
        return measuredSeconds > 0 ? measuredConnections / measuredSeconds : 0;
    }

    /** TLS handshakes completed per second in the measured window (with {@code --churn}: the handshake rate). */
    public double handshakesPerSecond() {
        return measuredSeconds > 0 ? tls.measuredHandshakes() / measuredSeconds : 0;
    }

    /**
     * True when the run ended by its bound, with no error and nothing lost, and with at least one
     * request (idle mode: with every connection still up at the end).
     */
    public boolean ok() {
        boolean didWork = options.idle() ? held == options.conns() : requests > 0;
        return endReason.byBound() && didWork && errors() == 0 && lost == 0;
    }

    /** The process exit status for this report: 0 if {@link #ok()}, else 1. */
    public int exitCode() {
        return ok() ? 0 : 1;
    }

    /** Human-readable multi-line summary. */
    public String summary() {
        LoadOptions o = options;
        String shape = o.churn() ? "churn (connect, 1 line, close)"
                : o.idle() ? "idle (nothing sent)"
                : o.paced() ? "1 line every " + o.intervalMillis() + " ms, depth " + o.depth()
                : "depth " + o.depth();
        StringBuilder sb = new StringBuilder(640);
        sb.append(fmt("ringside-loadgen %s %s: %d conns, %s, %d-byte lines, %d thread(s)%n",
                o.mode().name().toLowerCase(Locale.ROOT), o.target(), o.conns(), shape, o.size(), o.threads()));
        sb.append(fmt("  measured      %.3f s (warmup %.1f s), ended by %s%n", measuredSeconds, o.warmup(),
                endReason.label()));
        sb.append(fmt("  requests      %,d verified, %,.1f req/s%n", requests, requestsPerSecond()));
        sb.append(fmt("  connections   %,d", connections));
        sb.append(o.churn() ? fmt(", %,.1f connects/s%n", connectsPerSecond())
                : fmt(", %,d of %,d up at the end%n", held, o.conns()));
        if (o.paced()) {
            sb.append(fmt("  skipped ticks %,d (no line sent: re-connecting, reply outstanding, or late)%n", skipped));
        }
        sb.append(fmt("  errors        %,d (mismatches %,d, connection errors %,d, connect failures %,d)%n",
                errors(), mismatches, connectionErrors, connectFailures));
        sb.append(fmt("  lost          %,d (in flight at the end, not lost: %,d)%n", lost, inFlight));
        sb.append(fmt("  lines         sent %,d, answered %,d, answered twice %,d%n", linesSent, answered, repeated));
        if (o.reconnect()) {
            sb.append(fmt("  reconnects    %,d (resets %,d), lines resent %,d%n", reconnects, resets, resent));
        }
        if (o.tls()) {
            sb.append(fmt("  tls           %s%s, %,d handshakes, %,.1f handshakes/s, no session resumption%n",
                    tls.negotiated() == null ? "no handshake" : tls.negotiated(), tls.uniform() ? "" : " (and others)",
                    tls.handshakes(), handshakesPerSecond()));
        }
        sb.append(fmt("  cpu           %s%n", cpu.describe(measuredSeconds, requests)));
        sb.append(fmt("  latency (us)  p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f%n",
                p50Us, p90Us, p99Us, p999Us, maxUs));
        sb.append(fmt("  bytes         sent %,d, received %,d%n", bytesSent, bytesReceived));
        sb.append(fmt("  result        %s%n", ok() ? "OK" : "FAILED"));
        return sb.toString();
    }

    /** One JSON object (a single line) with the options and every figure. */
    public String toJson() {
        LoadOptions o = options;
        StringBuilder sb = new StringBuilder(1400);
        sb.append('{');
        field(sb, "host", '"' + o.host().getHostAddress() + '"');
        field(sb, "port", o.port());
        field(sb, "mode", '"' + o.mode().name().toLowerCase(Locale.ROOT) + '"');
        field(sb, "conns", o.conns());
        field(sb, "depth", o.depth());
        field(sb, "size", o.size());
        field(sb, "threads", o.threads());
        field(sb, "churn", o.churn());
        field(sb, "src_ips", o.srcIps());
        field(sb, "src_ip_first", o.srcIpFirst());
        field(sb, "interval_ms", o.intervalMillis());
        field(sb, "idle", o.idle());
        field(sb, "tls", o.tls());
        field(sb, "tls_protocol", quoted(tls.protocol()));
        field(sb, "tls_cipher", quoted(tls.cipherSuite()));
        field(sb, "tls_uniform", tls.uniform());
        field(sb, "handshakes", tls.handshakes());
        field(sb, "measured_handshakes", tls.measuredHandshakes());
        field(sb, "ramp_s", number(o.rampSeconds()));
        field(sb, "warmup_s", number(o.warmup()));
        field(sb, "end_reason", '"' + endReason.label() + '"');
        field(sb, "seconds", number(measuredSeconds));
        field(sb, "requests", requests);
        field(sb, "rps", number(requestsPerSecond()));
        field(sb, "connections", connections);
        field(sb, "connects_per_s", number(connectsPerSecond()));
        field(sb, "handshakes_per_s", number(handshakesPerSecond()));
        field(sb, "server_cpu_s", number(cpu.serverSeconds()));
        field(sb, "loadgen_cpu_s", number(cpu.selfSeconds()));
        field(sb, "server_us_per_request", number(cpu.serverMicrosPerRequest(requests)));
        field(sb, "held", held);
        field(sb, "skipped", skipped);
        field(sb, "errors", errors());
        field(sb, "mismatches", mismatches);
        field(sb, "connection_errors", connectionErrors);
        field(sb, "connect_failures", connectFailures);
        field(sb, "lost", lost);
        field(sb, "in_flight", inFlight);
        field(sb, "p50_us", number(p50Us));
        field(sb, "p90_us", number(p90Us));
        field(sb, "p99_us", number(p99Us));
        field(sb, "p999_us", number(p999Us));
        field(sb, "max_us", number(maxUs));
        field(sb, "bytes_sent", bytesSent);
        field(sb, "bytes_received", bytesReceived);
        field(sb, "reconnect", o.reconnect());
        field(sb, "lines_sent", linesSent);
        field(sb, "answered", answered);
        field(sb, "resent", resent);
        field(sb, "reconnects", reconnects);
        field(sb, "resets", resets);
        field(sb, "repeated", repeated);
        field(sb, "ok", ok());
        sb.setLength(sb.length() - 1);
        return sb.append('}').toString();
    }

    private static void field(StringBuilder sb, String name, Object value) {
        sb.append('"').append(name).append("\":").append(value).append(',');
    }

    /** A JSON string for a value that has no quote or backslash (protocol and suite names), or null. */
    private static String quoted(String v) {
        return v == null ? "null" : '"' + v + '"';
    }

    private static String number(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
