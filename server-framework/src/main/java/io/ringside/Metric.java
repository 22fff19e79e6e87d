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
    RATE_LIMIT_REFUSED,
    // TLS handshakes of the worker's connections: each counts once, done (by the protocol it agreed) or failed (by kind).
    // On /metrics: ringside_tls_handshakes_total{worker,protocol} and ringside_tls_handshake_failures_total{worker,kind}.
    /** TLS handshakes done with TLS 1.3. */
    TLS_HANDSHAKES_TLS13,
    /** TLS handshakes done with TLS 1.2. */
    TLS_HANDSHAKES_TLS12,
    /** TLS handshakes done with an older protocol (only when {@code tls-protocols} names one and the JDK allows it). */
    TLS_HANDSHAKES_OTHER,
    /** TLS handshakes not done within {@code tls-handshake-timeout} (closed with {@link CloseReason#PREFACE_TIMEOUT}). */
    TLS_FAILED_TIMEOUT,
    /**
     * TLS handshakes refused because the peer's bytes are not TLS records (plaintext, junk, an SSLv2 hello) or a record
     * failed its integrity check or size ({@link CloseReason#TLS_HANDSHAKE_FAILED}).
     */
    TLS_FAILED_NOT_TLS,
    /**
     * TLS handshakes ended by a fatal alert: sent by the peer, or by this side for a protocol error (no common protocol
     * version or cipher suite, an unexpected or malformed message) ({@link CloseReason#TLS_HANDSHAKE_FAILED}).
     */
    TLS_FAILED_ALERT,
    /** TLS handshakes cut by the peer: it closed or reset the connection after its first bytes, before the end. */
    TLS_FAILED_PEER_GONE,
    /**
     * TLS handshakes refused for the client certificate ({@code tls-client-auth}): required and not sent, or not
     * chaining to {@code tls-client-ca} ({@link CloseReason#TLS_HANDSHAKE_FAILED}).
     */
    TLS_FAILED_CLIENT_CERT
}
