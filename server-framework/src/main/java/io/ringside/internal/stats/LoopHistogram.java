package io.ringside.internal.stats;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A histogram of durations with fixed buckets, for the worker loop's turn time and lag: recording is a
 * few comparisons and two ordered stores, with no allocation, no lock and no read-modify-write fence.
 *
 * <p>Single writer: only the owning loop calls {@link #record} (plain read, ordered write, as in
 * {@link Counters}); any thread may read the counts. A reader racing the writer may see a bucket and the
 * sum one sample apart; the count it reports is the sum of the buckets it read, so the buckets and the
 * count always agree.
 */
public final class LoopHistogram {
    /** Upper bounds of the buckets, in nanoseconds (the last bucket, +Inf, has no bound here). */
    private static final long[] BOUNDS_NANOS = {
        10_000L, 50_000L, 100_000L, 500_000L, 1_000_000L, 5_000_000L, 10_000_000L, 50_000_000L,
        100_000_000L, 500_000_000L, 1_000_000_000L, 5_000_000_000L, 10_000_000_000L,
    };

    /** One slot per bound, one for +Inf, then the sum in nanoseconds; lazySet pairs with the reads' volatile get. */
    private final AtomicLongArray values = new AtomicLongArray(BOUNDS_NANOS.length + 2);

    /** The upper bounds in seconds, +Inf excluded (a copy). */
    public static double[] upperBoundsSeconds() {
        double[] b = new double[BOUNDS_NANOS.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = BOUNDS_NANOS[i] / 1e9;
        }
        return b;
    }

    /** Owner only: counts one sample (a negative one, from a clock that went back, counts as 0). */
    public void record(long nanos) {
        long n = Math.max(0, nanos);
        int i = 0;
        while (i < BOUNDS_NANOS.length && n > BOUNDS_NANOS[i]) {
            i++;
        }
        values.lazySet(i, values.get(i) + 1);
        int sum = BOUNDS_NANOS.length + 1;
        values.lazySet(sum, values.get(sum) + n);
    }

    /** Any thread: the count of each bucket (not cumulative), the +Inf bucket last. */
    public long[] bucketCounts() {
        long[] counts = new long[BOUNDS_NANOS.length + 1];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = values.get(i);
        }
        return counts;
    }

    /** Any thread: the sum of every sample, in nanoseconds. */
    public long sumNanos() {
        return values.get(BOUNDS_NANOS.length + 1);
    }
}
