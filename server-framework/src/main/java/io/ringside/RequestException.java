package io.ringside;

/**
 * Thrown by a handler hook to reject one request with a reply line, keeping the connection open:
 * {@code throw new RequestException("CLIENT_ERROR bad command line format")}. The framework passes it to
 * {@link LineHandler#onRequestError}, whose default writes {@link #reply()} and the reply terminator.
 *
 * <p>Carries no stack trace (it is a reply, not a bug), so throwing one costs little.
 */
public class RequestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RequestException(String reply) {
        super(reply, null, false, false);
    }

    /** The reply line, without its terminator. */
    public String reply() {
        return getMessage();
    }
}
