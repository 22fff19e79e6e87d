package io.ringside.internal.transport;

import io.ringside.CloseReason;
import java.io.IOException;

/**
 * A transport refused the peer's bytes (a malformed PROXY header, a failed TLS handshake, a bad record):
 * the connection closes with {@link #reason()}, counted, logged at debug with the message (hostile input
 * is not the server's fault and must not flood the log).
 */
public final class TransportException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient CloseReason reason;

    public TransportException(CloseReason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public TransportException(CloseReason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public CloseReason reason() {
        return reason;
    }
}
