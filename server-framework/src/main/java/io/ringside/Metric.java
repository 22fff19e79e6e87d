package io.ringside;

/** The counters every worker (and the acceptor) keeps; read them with {@link io.ringside.server.ServerStats}. */
public enum Metric {
    /** Connections the acceptor accepted from the kernel. */
    ACCEPTED,
    /** Connections accepted and then refused at admission (connection limits), with an error line. */
    REFUSED,
    /** Times every worker's hand-off ring was full, so the acceptor paused accepting until one had room. */
    HANDOFF_STALLS,
    /** Connections registered with a worker (handler created). */
    OPENED,
    /** Connections closed, for any reason ({@link io.ringside.server.ServerStats#closed(CloseReason)} splits them). */
    CLOSED,
    /** Complete lines delivered to handlers. */
    LINES_IN,
    /** Times a connection used up its lines-per-wakeup budget and yielded to the others (memcached's conn_yields). */
    BUDGET_YIELDS,
    /** Bytes read from sockets. */
    BYTES_IN,
    /** Bytes written to sockets. */
    BYTES_OUT,
    /** Queued output bytes discarded because a connection closed before they were flushed. */
    BYTES_UNFLUSHED,
    /** Unterminated last lines dropped because the peer closed (or the server stopped) before their end. */
    PARTIAL_LINES_DROPPED,
    /** Exceptions thrown by handler hooks (other than {@link RequestException}). */
    HANDLER_ERRORS,
    /** Requests rejected by a handler with {@link RequestException} (the connection stayed open). */
    REQUEST_ERRORS,
    /** accept() failures (out of descriptors: EMFILE/ENFILE), each followed by a pause in accepting. */
    ACCEPT_FAILURES,
    /** Worker loop turns that took longer than the loop-lag warning (a handler that blocks). */
    LOOP_LAG_WARNINGS,
    /**
     * Outbound connections started ({@link Connection#connect}, {@link io.ringside.server.RingsideServer#connect}).
     * They count in {@link #OPENED} and {@link #CLOSED} too (a failed one closes with
     * {@link CloseReason#CONNECT_FAILED} or {@link CloseReason#CONNECT_TIMEOUT}), never against the connection limits.
     */
    CONNECTS,
    /**
     * Times a connection's reading was paused by the output budget ({@code max-buffered-output-bytes}): the process
     * held more queued output than the budget and this connection held more than its share.
     */
    OUTPUT_BUDGET_PAUSES,
    /** Times a connection's reading was paused by a rate limit ({@code rate-limit-lines}, {@code rate-limit-bytes}, their per-address forms). */
    RATE_LIMIT_PAUSES,
    /** New connections refused because their address opened more than {@code rate-limit-connects} per second (counted in {@link #REFUSED} too). */
    RATE_LIMIT_REFUSED
}
