package io.ringside.internal.connection;

import java.net.InetAddress;

/**
 * One connection's input rate state: its own two token buckets (lines, bytes) as GCRA theoretical arrival times,
 * its address's shared buckets, and the current streak of pauses (how long it has been over its limits).
 *
 * <p>Confined to the connection's loop; made at the connection's first input when a rate limit is on.
 */
final class InputRate {
    long lines = Long.MIN_VALUE;
    long bytes = Long.MIN_VALUE;
    /** The client's shared buckets (null when no per-address rate is set) and the address they are kept under. */
    final AddressRates.Cell cell;
    final InetAddress address;
    /** When the current streak of pauses began (valid while {@code streak}), and when the last pause ended. */
    long overSince;
    long lastResume;
    boolean streak;

    InputRate(AddressRates.Cell cell, InetAddress address) {
        this.cell = cell;
        this.address = address;
    }

    /** Uses {@code cost} nanoseconds of a bucket of this connection's own: its new theoretical arrival time. */
    static long consume(long tat, long now, long cost) {
        return Math.max(tat, now) + cost;
    }
}
