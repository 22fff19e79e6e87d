package io.ringside.services.memcached.store;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The store's counters, kept per slab class where an event has one (a hit, an eviction, an item linked: what
 * memcached's {@code stats slabs} and {@code stats items} report per class) and in one unclassed row otherwise (a
 * miss); a store-wide value is the sum of the rows. One {@link LongAdder} per counter and row, so concurrent workers
 * add to per-thread cells and never meet on one cache line.
 *
 * <p>{@link #reset()} ({@code stats reset}) zeroes every counter but the gauges (items, bytes, open reservations)
 * by remembering the values at that moment and reporting what was added since: exact even with concurrent updates,
 * which {@link LongAdder#reset()} is not.
 *
 * <p>Thread-safe. A read sums the cells and may miss an update in flight.
 */
public final class StoreStats {
    private static final StoreCounter[] COUNTERS = StoreCounter.values();

    private final int classes;
    /** Row r (0 = unclassed, 1 + class id) of counter c at {@code r * COUNTERS.length + c}. */
    private final LongAdder[] adders;
    /** The values at the last reset, same indexing; replaced whole, never changed (volatile: pairs with reads). */
    private volatile long[] baseline;

    StoreStats(int classes) {
        this.classes = classes;
        this.adders = new LongAdder[(classes + 1) * COUNTERS.length];
        for (int i = 0; i < adders.length; i++) {
            adders[i] = new LongAdder();
        }
        this.baseline = new long[adders.length];
    }

    void add(StoreCounter counter, long delta) {
        adders[counter.ordinal()].add(delta);
    }

    void increment(StoreCounter counter) {
        adders[counter.ordinal()].increment();
    }

    /** An event of slab class {@code classId} (0-based). */
    void add(StoreCounter counter, int classId, long delta) {
        adders[(classId + 1) * COUNTERS.length + counter.ordinal()].add(delta);
    }

    /** An event of slab class {@code classId} (0-based). */
    void increment(StoreCounter counter, int classId) {
        adders[(classId + 1) * COUNTERS.length + counter.ordinal()].increment();
    }

    /** Slab classes with a row of their own. */
    public int classes() {
        return classes;
    }

    /** The current value of one counter, store-wide (since the last {@link #reset()}, unless a gauge). */
    public long value(StoreCounter counter) {
        long[] base = baseline;
        long sum = 0;
        for (int r = 0, i = counter.ordinal(); r <= classes; r++, i += COUNTERS.length) {
            sum += adders[i].sum() - base[i];
        }
        return sum;
    }

    /** One counter's value for slab class {@code classId} (0-based; events without a class are not in any). */
    public long value(StoreCounter counter, int classId) {
        if (classId < 0 || classId >= classes) {
            throw new IndexOutOfBoundsException("class " + classId + " of " + classes);
        }
        int i = (classId + 1) * COUNTERS.length + counter.ordinal();
        return adders[i].sum() - baseline[i];
    }

    /** {@code stats reset}: every counter but the gauges starts again from 0. */
    public synchronized void reset() {
        long[] base = baseline.clone();
        for (int i = 0; i < adders.length; i++) {
            if (!COUNTERS[i % COUNTERS.length].isGauge()) {
                base[i] = adders[i].sum();
            }
        }
        baseline = base;
    }

    /** Every counter by its memcached stats name, in declaration order. */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (StoreCounter c : COUNTERS) {
            out.put(c.statName(), value(c));
        }
        return out;
    }

    @Override
    public String toString() {
        return snapshot().toString();
    }
}
