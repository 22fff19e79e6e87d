package io.ringside.services.proxy;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the relays of one proxy did: relays opened, connects that failed, how often a side stopped reading for
 * back-pressure, and the largest pending output one side ever had (the memory bound per direction). Logged when
 * the proxy stops; read by the tests.
 *
 * <p>Thread-safe: every worker updates it. The counters are {@link LongAdder}s (striped: workers do not contend
 * on one cache line); the peak is read first and compared-and-set only when it grows, so the common write is a
 * plain read.
 */
public final class RelayStats {
    private final LongAdder relays = new LongAdder();
    private final LongAdder connectFailures = new LongAdder();
    private final LongAdder readPauses = new LongAdder();
    private final AtomicLong peakPendingOutput = new AtomicLong();

    void relayOpened() {
        relays.increment();
    }

    void connectFailed() {
        connectFailures.increment();
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

    public long readPauses() {
        return readPauses.sum();
    }

    /** The most output one side of any relay had pending, right after a relayed chunk was queued. */
    public long peakPendingOutput() {
        return peakPendingOutput.get();
    }

    /** One line for the log. */
    public String summary() {
        return "relayed " + relays() + " connections (" + connectFailures() + " connects failed), reading paused "
                + readPauses() + " times for back-pressure, largest pending output " + peakPendingOutput() + " bytes";
    }
}
