package io.ringside.internal.connection;

/**
 * Where a connection is in its life. The allowed moves:
 *
 * <pre>
 *   OPEN --> INPUT_ENDED --> HALF_CLOSED --> CLOSING --> CLOSED
 *     |           |               |                        ^
 *     +-----------+---------------+--> CLOSING ------------+
 *     +-----------+---------------+------------------------+   (closeNow: reset, error, hard cap, timeout)
 * </pre>
 *
 * Reading and line delivery are further held back by {@link ReadHolds}, independent of the state.
 */
public enum ConnectionState {
    /** Reading and answering. */
    OPEN,
    /** The peer ended its input (or the drain reached the end of it): buffered lines are still answered. */
    INPUT_ENDED,
    /** Every received line was answered and the handler told; replies of pending work may still come. */
    HALF_CLOSED,
    /** No more input is handled: the connection closes once its output is flushed. */
    CLOSING,
    /** Closed; the handler heard it. Terminal. */
    CLOSED;

    /** Whether the move from this state to {@code next} is allowed. */
    boolean canMoveTo(ConnectionState next) {
        switch (this) {
            case OPEN:
                return next != OPEN;
            case INPUT_ENDED:
                return next == HALF_CLOSED || next == CLOSING || next == CLOSED;
            case HALF_CLOSED:
                return next == CLOSING || next == CLOSED;
            case CLOSING:
                return next == CLOSED;
            default:
                return false;
        }
    }

    /** Whether received lines and blocks are still delivered to the handler. */
    boolean handlesInput() {
        return this == OPEN || this == INPUT_ENDED;
    }
}
