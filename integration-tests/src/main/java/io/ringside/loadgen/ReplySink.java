package io.ringside.loadgen;

/**
 * Receives the outcome of checking reply bytes against the lines in flight on one connection
 * ({@link InFlightLines#verify}).
 *
 * <p>Threading: called on the thread that calls {@code verify}, i.e. the connection's worker thread.
 */
public interface ReplySink {
    /** A reply matched its line byte for byte; {@code latencyNanos} is send-to-reply. */
    void replied(long latencyNanos, long nowNanos);

    /**
     * A reply differs from the line it should answer.
     *
     * @param conn     connection id
     * @param seq      sequence number of the line the reply should answer
     * @param offset   offset in the reply of the first wrong byte
     * @param got      the byte received there
     * @param expected the expected reply, {@code expectedLen} bytes at {@code expectedOff}
     */
    void mismatched(int conn, long seq, int offset, byte got, byte[] expected, int expectedOff, int expectedLen);

    /**
     * A wrong reply (already reported by {@link #mismatched}) was the reply to line {@code seq}, which had
     * been answered before: a line answered twice.
     */
    void repeated(int conn, long seq);

    /** {@code bytes} bytes arrived while no line was in flight on connection {@code conn}. */
    void unexpected(int conn, int bytes);
}
