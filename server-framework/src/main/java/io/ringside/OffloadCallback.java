package io.ringside;

/**
 * Receives the outcome of a {@link Connection#offload} call, on the connection's worker, in the order
 * the calls were made on that connection.
 */
@FunctionalInterface
public interface OffloadCallback<T> {
    /** {@code failure} is null when the call returned {@code result}; otherwise what it threw. */
    void complete(Connection connection, T result, Throwable failure);
}
