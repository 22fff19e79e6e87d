package io.ringside.services.proxy;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the relays of one proxy did: relays opened, connects and TLS handshakes to the target that failed, how often a side stopped reading for
 * back-pressure, and the largest pending output one side ever had (the memory bound per direction). Logged when
 * the proxy stops; read by the tests.
 *
 * <p>Thread-safe: every worker updates it. The counters are {@link LongAdder}s (striped: workers do not contend
 * on one cache line); the peak is read first and compared-and-set only when it grows, so the common write is a
 * plain read.
 */
public final class RelayStats {
    private static final Logger LOG = LoggerFactory.getLogger(RelayStats.class);
    private final LongAdder relays = new LongAdder();
    private final LongAdder connectFailures = new LongAdder();
    private final LongAdder tlsFailures = new LongAdder();
    /** Set by the first TLS failure, whose worker logs it (once, whichever worker it is). */
    private final AtomicBoolean tlsFailureLogged = new AtomicBoolean();
    private final LongAdder readPauses = new LongAdder();
    private final AtomicLong peakPendingOutput = new AtomicLong();

    void relayOpened() {
        relays.increment();
    }

    void connectFailed() {
        connectFailures.increment();
    }

    /** A TLS handshake with the target failed; logs the first one (the reason is in the framework's debug log). */
    void tlsFailed() {
        tlsFailures.increment();
        if (tlsFailureLogged.compareAndSet(false, true)) {
            LOG.info("proxy: a TLS handshake with the target failed (its certificate does not verify, or it does not speak TLS);"
                    + " the client was closed. The reason is logged at DEBUG (RINGSIDE_LOG_LEVEL=DEBUG); the stop summary counts them");
        }
    }

    void readingPaused() {
        readPauses.increment();
    }

    void pendingOutput(long bytes) {
        if (bytes > peakPendingOutput.get()) {
            peakPendingOutput.accumulateAndGet(bytes, Math::max);
        }
    }

    public long relays() {
        return relays.sum();
    }

    public long connectFailures() {
        return connectFailures.sum();
    }

    public long tlsFailures() {
        return tlsFailures.sum();
    }

    public long readPauses() {
        return readPauses.sum();
    }

    /** The most output one side of any relay had pending, right after a relayed chunk was queued. */
    public long peakPendingOutput() {
        return peakPendingOutput.get();
    }

    /** One line for the log. */
    public String summary() {
        return "relayed " + relays() + " connections (" + connectFailures() + " connects failed, " + tlsFailures()
                + " TLS handshakes failed), reading paused "
                + readPauses() + " times for back-pressure, largest pending output " + peakPendingOutput() + " bytes";
    }
}
