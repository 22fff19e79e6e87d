package io.ringside.internal.connection;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.IntFunction;

/**
 * A worker's connections by what they do now ({@link Shown}), counted as they change, not looked up when read: each
 * move of a connection's lifecycle ({@link ConnectionState}), of its read holds that show ({@link ReadHolds}: not
 * the transient left-over one), of its preface or its connect calls {@link #update}, which moves the connection's
 * one count from its last kind to its new one. A connection counts from its registration to its close, so the
 * kinds add up to the worker's open connections. The timeout sweep asserts the counts against a fresh look at every
 * connection (tests run with {@code -ea}).
 *
 * <p>Single writer, the worker (ordered stores); any thread reads (the metrics scrape).
 */
public final class StateGauge {
    /** What an open connection does now; each connection is of exactly one kind. */
    public enum Shown {
        /** An outbound connection whose connect is pending. */
        CONNECTING,
        /** Its transport's preface (a PROXY header, a TLS handshake) is not done: the handler has not heard of it. */
        PREFACE,
        /** Reading and answering. */
        OPEN,
        /** Reading held by the handler ({@code pauseReading}), a rate limit, or its offloaded calls in flight. */
        READ_PAUSED,
        /** Reading held by its output: above the high watermark, or paused by the process's output budget. */
        OUTPUT_PAUSED,
        /** Its input ended (the peer's end of stream, or a drain reached it): what it received is still answered. */
        HALF_CLOSED,
        /** Closing once its output is flushed (a close after flush, the end of a drain). */
        CLOSING;

        /** The label value on the metrics page: {@code read_paused}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final Shown[] SHOWN = Shown.values();
    private static final int OUTPUT_HOLDS = ReadHolds.BACKPRESSURE | ReadHolds.OUTPUT_BUDGET;
    private static final int READ_HOLDS = ReadHolds.PAUSED | ReadHolds.RATE | ReadHolds.OFFLOADS;

    /** Per kind; lazySet by the worker, read by the scrape (the pair of the ordered store). */
    private final AtomicLongArray counts = new AtomicLongArray(SHOWN.length);

    /** Any thread: the worker's connections of {@code kind} now. */
    public long count(Shown kind) {
        return counts.get(kind.ordinal());
    }

    /** The kind {@code c} is of now, as an ordinal; -1 once closed. */
    static int kindOf(TransportConnection c) {
        ConnectionState s = c.state;
        if (s == ConnectionState.CLOSED) {
            return -1;
        }
        if (c.connecting) {
            return Shown.CONNECTING.ordinal();
        }
        if (s == ConnectionState.CLOSING) {
            return Shown.CLOSING.ordinal();
        }
        if (!c.handlerOpened) {
            return Shown.PREFACE.ordinal();
        }
        if (s != ConnectionState.OPEN) {
            return Shown.HALF_CLOSED.ordinal(); // INPUT_ENDED or HALF_CLOSED
        }
        if ((c.holds & OUTPUT_HOLDS) != 0) {
            return Shown.OUTPUT_PAUSED.ordinal();
        }
        return (c.holds & READ_HOLDS) != 0 ? Shown.READ_PAUSED.ordinal() : Shown.OPEN.ordinal();
    }

    /** On the worker, after a change to {@code c}'s state, holds, preface or connect: moves its count. */
    public static void update(TransportConnection c) {
        int now = kindOf(c);
        int before = c.shownKind;
        if (now != before) {
            StateGauge g = c.context.stateGauge();
            if (before >= 0) {
                g.counts.lazySet(before, g.counts.get(before) - 1);
            }
            if (now >= 0) {
                g.counts.lazySet(now, g.counts.get(now) + 1);
            }
            c.shownKind = now;
        }
    }

    /** On the worker: whether the counts are those of a fresh look at its {@code size} connections. */
    public boolean matches(int size, IntFunction<TransportConnection> connection) {
        long[] fresh = new long[SHOWN.length];
        for (int i = 0; i < size; i++) {
            int k = kindOf(connection.apply(i));
            if (k >= 0) {
                fresh[k]++;
            }
        }
        for (int k = 0; k < fresh.length; k++) {
            if (fresh[k] != counts.get(k)) {
                return false;
            }
        }
        return true;
    }
}
