package io.ringside.internal.loop;

import java.net.InetSocketAddress;

/**
 * How a worker gives back the admission slot of a connection that closed (the acceptor took it).
 *
 * <p>Thread-safe: called by every worker.
 */
@FunctionalInterface
public interface AdmissionRelease {
    /** A connection admitted under {@code address} (null when addresses are not tracked) has closed. */
    void release(InetSocketAddress address);

    /** For connections no acceptor admitted (the test harness). */
    AdmissionRelease NONE = address -> { };
}
