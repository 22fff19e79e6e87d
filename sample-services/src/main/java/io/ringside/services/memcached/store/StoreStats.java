package io.ringside.services.memcached.store;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The store's counters: one {@link LongAdder} each, so concurrent workers add to per-thread cells and never meet on
 * one cache line. Thread-safe. A read sums the cells and may miss an update in flight.
 */
public final class StoreStats {
    private final LongAdder[] adders = new LongAdder[StoreCounter.values().length];

    StoreStats() {
        for (int i = 0; i < adders.length; i++) {
            adders[i] = new LongAdder();
        }
    }

    void add(StoreCounter counter, long delta) {
        adders[counter.ordinal()].add(delta);
    }

    void increment(StoreCounter counter) {
        adders[counter.ordinal()].increment();
    }

    /** The current value of one counter. */
    public long value(StoreCounter counter) {
        return adders[counter.ordinal()].sum();
    }

    /** Every counter by its memcached stats name, in declaration order. */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (StoreCounter c : StoreCounter.values()) {
            out.put(c.statName(), value(c));
        }
        return out;
    }

    @Override
    public String toString() {
        return snapshot().toString();
    }
}
