package io.ringside.server;

import io.ringside.Metric;

/** The HELP line of each {@link Metric} on the metrics page. Stateless; thread-safe. */
final class MetricHelp {
    private MetricHelp() {
    }

    static String of(Metric m) {
        switch (m.name()) { // by name, so a constant added later falls through to the default
            case "ACCEPTED": return "Connections the acceptor accepted from the kernel.";
            case "REFUSED": return "Connections accepted and then refused (connection limits, a failed registration).";
            case "HANDOFF_STALLS": return "Times every worker's hand-off ring was full, so accepting paused.";
            case "OPENED": return "Connections registered with a worker (handler created).";
            case "CLOSED": return "Connections closed, for any reason (ringside_connections_closed_total splits them).";
            case "LINES_IN": return "Complete lines delivered to handlers.";
            case "BUDGET_YIELDS": return "Times a connection used up its lines-per-wakeup budget and yielded.";
            case "BYTES_IN": return "Bytes read from sockets.";
            case "BYTES_OUT": return "Bytes written to sockets.";
            case "BYTES_UNFLUSHED": return "Queued output bytes discarded because their connection closed first.";
            case "PARTIAL_LINES_DROPPED": return "Unterminated last lines dropped at a close.";
            case "HANDLER_ERRORS": return "Exceptions thrown by handler hooks.";
            case "REQUEST_ERRORS": return "Requests rejected by a handler with RequestException.";
            case "ACCEPT_FAILURES": return "accept() failures (out of descriptors), each followed by a pause.";
            case "LOOP_LAG_WARNINGS": return "Worker loop turns longer than loop-lag-warning.";
            case "OUTPUT_BUDGET_PAUSES": return "Times a connection stopped reading because the process passed max-buffered-output-bytes.";
            case "RATE_LIMIT_PAUSES": return "Times a connection stopped reading because it passed a rate limit.";
            case "RATE_LIMIT_REFUSED": return "New connections refused by rate-limit-connects.";
            default: return "The " + m.name() + " counter (io.ringside.Metric).";
        }
    }
}
