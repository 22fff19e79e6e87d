package io.ringside;

/** Why a connection was closed; passed to {@link LineHandler#onClose} and counted per worker. */
public enum CloseReason {
    /** The peer closed its side (end of stream) and every reply was flushed. */
    PEER_CLOSED,
    /** Reading or writing failed: reset by peer, broken pipe. */
    IO_ERROR,
    /** The handler (or the application) called {@link Connection#close} or {@link Connection#closeAfterFlush}. */
    LOCAL_CLOSE,
    /** A line exceeded the configured maximum; an error reply was flushed first. */
    LINE_TOO_LONG,
    /** The handler threw; the error was logged with the connection id. */
    HANDLER_ERROR,
    /** Pending output passed the hard cap (a client that does not read). */
    OUTPUT_OVERFLOW,
    /** No complete line arrived within the idle timeout. */
    IDLE_TIMEOUT,
    /** A started line was not finished within the line timeout (a slowloris-style sender). */
    LINE_TIMEOUT,
    /**
     * The transport's preface (a PROXY header, a TLS handshake) did not complete in time. The handler never
     * heard of the connection.
     */
    PREFACE_TIMEOUT,
    /**
     * The transport refused the peer's preface or records: a TLS record refused after the handshake (altered,
     * cut by the end of stream, a renegotiation). The handler never heard of the connection when it failed
     * before the preface ended.
     */
    PREFACE_FAILED,
    /**
     * The TLS handshake failed: bytes that are not TLS, a fatal alert (sent by the peer, or by this side for a
     * protocol error), a refused client certificate (counted by kind: {@link Metric#TLS_FAILED_NOT_TLS},
     * {@link Metric#TLS_FAILED_ALERT}, {@link Metric#TLS_FAILED_CLIENT_CERT}). The handler never heard of the
     * connection. (A handshake that times out closes as {@link #PREFACE_TIMEOUT}; one the peer leaves, as
     * {@link #PEER_CLOSED} or {@link #IO_ERROR}.)
     *
     * <p>On an outbound connection ({@link ConnectOptions#tls()}) its handler hears it in onClose, never onOpen: the
     * server's certificate is not trusted or does not name the server ({@link ClientTls} verifies both), no protocol
     * or cipher suite in common, a client certificate the server refused, a peer that does not speak TLS, or one that
     * closed during the handshake. The TCP connect itself succeeded (else {@link #CONNECT_FAILED}); a handshake not
     * done within the connect timeout is {@link #CONNECT_TIMEOUT}. Logged at debug with the engine's reason; not
     * counted in the listener's TLS handshake metrics.
     */
    TLS_HANDSHAKE_FAILED,
    /**
     * An outbound connection ({@link Connection#connect}) could not be made: refused, unreachable, an unresolved
     * address, no descriptor left. Its handler hears {@link LineHandler#onClose} with this reason and never onOpen.
     */
    CONNECT_FAILED,
    /**
     * An outbound connection was not made within its connect timeout (with TLS: connected and its handshake done);
     * as {@link #CONNECT_FAILED}, no onOpen.
     */
    CONNECT_TIMEOUT,
    /**
     * The listener expects a PROXY protocol header ({@code proxy-protocol}) and the connection did not start
     * with a valid one: junk, a header of the wrong version, a malformed or oversized one, or one cut short by
     * the end of stream. The handler never heard of the connection.
     */
    BAD_PROXY_HEADER,
    /**
     * Refused at a limit after it was accepted: its PROXY header named a client already at
     * {@code max-connections-per-address}. The refused reply was sent first; the handler never heard of it.
     */
    REFUSED,
    /**
     * Paused by the output budget ({@code max-buffered-output-bytes}) for longer than {@code output-budget-grace}:
     * the process held too much queued output and this connection held the most. Its queued output was dropped.
     */
    OUTPUT_BUDGET,
    /** Still over a rate limit ({@code rate-limit-*}) after {@code rate-limit-grace}, or too far over to wait that long. */
    RATE_LIMIT,
    /** The server stopped and this connection drained cleanly. */
    SERVER_STOP,
    /** The server stopped and this connection's output could not be flushed before the drain deadline. */
    DRAIN_TIMEOUT
}
