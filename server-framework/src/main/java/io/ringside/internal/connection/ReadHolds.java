package io.ringside.internal.connection;

/**
 * Why a connection is not reading right now: reasons as bits of one int field of the connection, so
 * "may it read?" is one comparison and an idle connection pays four bytes for them.
 */
final class ReadHolds {
    /** The handler called pauseReading(). */
    static final int PAUSED = 1;
    /** Pending output reached the high watermark and has not fallen below the low one. */
    static final int BACKPRESSURE = 1 << 1;
    /** The connection waits in the loop's left-over queue (its lines are served from the buffer first). */
    static final int LEFT_OVER = 1 << 2;
    /** As many offloaded calls are in flight as one connection may have. */
    static final int OFFLOADS = 1 << 3;
    /** The process holds more output than max-buffered-output-bytes and this connection more than its share. */
    static final int OUTPUT_BUDGET = 1 << 4;
    /** Over a rate limit: a loop timer ends the hold when its tokens are back. */
    static final int RATE = 1 << 5;

    private ReadHolds() {
    }

    /** Whether line delivery is held: every hold but {@link #LEFT_OVER} stops delivery too. */
    static boolean deliveryHeld(int holds) {
        return (holds & ~LEFT_OVER) != 0;
    }

    static String describe(int holds) {
        return ((holds & PAUSED) != 0 ? "paused " : "") + ((holds & BACKPRESSURE) != 0 ? "backpressure " : "")
                + ((holds & LEFT_OVER) != 0 ? "left-over " : "") + ((holds & OFFLOADS) != 0 ? "offloads " : "")
                + ((holds & OUTPUT_BUDGET) != 0 ? "output-budget " : "") + ((holds & RATE) != 0 ? "rate" : "");
    }
}
