package io.ringside.internal.loop;

import java.net.InetSocketAddress;

/**
 * How a worker gives back the admission slot of a connection that closed (the acceptor took it), and moves
 * it to the real client's address once a PROXY header named it.
 *
 * <p>Thread-safe: called by every worker.
 */
@FunctionalInterface
public interface AdmissionRelease {
    /** A connection admitted under {@code address} (null when addresses are not tracked) has closed. */
    void release(InetSocketAddress address);

    /**
     * A connection admitted under {@code counted} (null: not counted per address yet) comes from
     * {@code client} (its PROXY header says so): counts it under {@code client} instead and returns null, or
     * returns why it is refused (the client is at its per-address limit; the connection then stays counted
     * under {@code counted} until it is released).
     */
    default String readmit(InetSocketAddress counted, InetSocketAddress client) {
        return null;
    }

    /** For connections no acceptor admitted (the test harness). */
    AdmissionRelease NONE = address -> { };
}
