package io.ringside.loadgen;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * The counters and latencies of one worker thread.
 *
 * <p>Threading: the counters are plain fields written only by the worker thread; the coordinator
 * reads them after the worker has ended (its latch/join gives the happens-before), and while it runs
 * only through {@link #publish()}'s volatile snapshot. Latencies go into a {@link SingleWriterRecorder}
 * (wait-free for the worker); only the coordinator calls {@link #drainLatencies()}, which moves them
 * into this worker's cumulative {@link Histogram}, merged with the others' at the end.
 */
final class WorkerStats {
    /** Highest latency tracked; longer ones are recorded as this value. */
    static final long HIGHEST_NANOS = TimeUnit.HOURS.toNanos(1);
    private static final int DIGITS = 3;

    private final SingleWriterRecorder recorder = new SingleWriterRecorder(1, HIGHEST_NANOS, DIGITS);
    private final Histogram cumulative = newHistogram();
    private Histogram spare;

    private long replies;
    private long requests;
    private long mismatches;
    private long connectionErrors;
    private long connectFailures;
    private long connects;
    private long measuredConnects;
    private long sentLines;
    private long retiredLines;
    private long lostLines;
    private long bytesSent;
    private long bytesReceived;
    private long skippedTicks;
    private long repeated;
    private long reconnects;
    private long resets;
    private long resentLines;
    private int heldAtEnd;
    private long handshakes;
    private long measuredHandshakes;
    /** The protocol and suite of the first handshake, and how many later ones negotiated something else. */
    private String negotiated;
    private long otherNegotiated;

    private volatile long publishedReplies;
    private volatile long publishedErrors;

    static Histogram newHistogram() {
        return new Histogram(1, HIGHEST_NANOS, DIGITS);
    }

    /** A correct reply; only measured ones count as requests and have their latency recorded. */
    void reply(long latencyNanos, boolean measured) {
        replies++;
        if (measured) {
            requests++;
            recorder.recordValue(Math.max(1, Math.min(latencyNanos, HIGHEST_NANOS)));
        }
    }

    void mismatch() {
        mismatches++;
    }

    /** A connection broke (early close, reset, I/O error) with {@code lost} lines in flight. */
    void connectionError(int lost) {
        connectionErrors++;
        lostLines += lost;
    }

    /** A wrong reply that repeated the reply to a line answered before (also a mismatch). */
    void repeat() {
        repeated++;
    }

    /** Reconnect mode: the server closed ({@code reset}: reset) a connection, which will be opened again. */
    void reconnect(boolean reset) {
        reconnects++;
        if (reset) {
            resets++;
        }
    }

    /** Reconnect mode: {@code lines} kept in flight were written again on a new connection. */
    void resent(int lines) {
        resentLines += lines;
    }

    void connectFailure() {
        connectFailures++;
    }

    void connected(boolean measured) {
        connects++;
        if (measured) {
            measuredConnects++;
        }
    }

    /** A TLS handshake ended, negotiating {@code protocolAndSuite}; {@code measured}: in the measured window. */
    void handshake(boolean measured, String protocolAndSuite) {
        handshakes++;
        if (measured) {
            measuredHandshakes++;
        }
        if (negotiated == null) {
            negotiated = protocolAndSuite;
        } else if (!negotiated.equals(protocolAndSuite)) {
            otherNegotiated++;
        }
    }

    void sent(int lines) {
        sentLines += lines;
    }

    void retired(int lines) {
        retiredLines += lines;
    }

    void bytesSent(int n) {
        bytesSent += n;
    }

    void bytesReceived(int n) {
        bytesReceived += n;
    }

    /** Paced mode: {@code n} ticks passed without a line (not connected, or depth lines unanswered). */
    void skipped(long n) {
        skippedTicks += n;
    }

    /**
     * Paced mode, at the end: {@code n} lines on live connections were still unanswered a whole
     * interval after they were sent; they count as lost, not as in flight.
     */
    void overdue(int n) {
        lostLines += n;
    }

    /** Connections still up when the worker ended. */
    void heldAtEnd(int n) {
        heldAtEnd = n;
    }

    /** Makes the progress counters visible to the coordinator (once per event-loop turn). */
    void publish() {
        publishedReplies = replies;
        publishedErrors = errors();
    }

    long publishedReplies() {
        return publishedReplies;
    }

    long publishedErrors() {
        return publishedErrors;
    }

    /** Coordinator only: moves the latencies recorded so far into the cumulative histogram. */
    Histogram drainLatencies() {
        spare = recorder.getIntervalHistogram(spare);
        cumulative.add(spare);
        return cumulative;
    }

    long requests() { return requests; }
    long mismatches() { return mismatches; }
    long connectionErrors() { return connectionErrors; }
    long connectFailures() { return connectFailures; }
    long connects() { return connects; }
    long measuredConnects() { return measuredConnects; }
    long lostLines() { return lostLines; }
    long bytesSent() { return bytesSent; }
    long bytesReceived() { return bytesReceived; }
    long skippedTicks() { return skippedTicks; }
    long replies() { return replies; }
    long sentLines() { return sentLines; }
    long repeats() { return repeated; }
    long reconnects() { return reconnects; }
    long resets() { return resets; }
    long resentLines() { return resentLines; }
    int heldAtEnd() { return heldAtEnd; }
    long handshakes() { return handshakes; }
    long measuredHandshakes() { return measuredHandshakes; }
    String negotiated() { return negotiated; }
    long otherNegotiated() { return otherNegotiated; }

    /** Lines sent and neither answered nor lost with their connection. */
    long unansweredLines() {
        return sentLines - retiredLines - lostLines;
    }

    long errors() {
        return mismatches + connectionErrors + connectFailures;
    }
}
