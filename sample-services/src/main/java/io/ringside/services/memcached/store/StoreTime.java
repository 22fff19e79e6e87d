package io.ringside.services.memcached.store;

/**
 * memcached's clock rules: times are whole seconds relative to the store's start ("rel time"), so an item's times
 * fit in 32 bits. Thread-safe (immutable).
 *
 * <p>An exptime is 0 (never expires), negative (already expired), at most 30 days (2,592,000 s: seconds from now)
 * or larger (an absolute Unix time; one at or before the start is already expired).
 */
final class StoreTime {
    /** memcached REALTIME_MAXDELTA: larger exptimes are absolute Unix times. */
    static final int MAX_RELATIVE_SECONDS = 60 * 60 * 24 * 30;
    /** An expiry that is always in the past (rel now is at least {@link #START}). */
    static final int ALREADY_EXPIRED = 1;

    /**
     * Rel time at the start: memcached's process_started is {@code time(0) - ITEM_UPDATE_INTERVAL - 2}, so its clock
     * starts at 62, and a TTL set in the past shows as the same wrapped {@code t} on both.
     */
    static final int START = 62;

    private final StoreClock clock;
    /** Unix seconds at rel time 0: {@link #START} seconds before the start, as memcached's process_started. */
    private final long epochSeconds;

    StoreTime(StoreClock clock) {
        this.clock = clock;
        this.epochSeconds = Math.floorDiv(clock.currentTimeMillis(), 1000) - START;
    }

    /** Now, in rel seconds. */
    int now() {
        return (int) (Math.floorDiv(clock.currentTimeMillis(), 1000) - epochSeconds);
    }

    /** The rel expiry for a protocol exptime (0 = never). */
    int expiry(int exptime, int now) {
        if (exptime == 0) {
            return 0;
        }
        if (exptime < 0) {
            return ALREADY_EXPIRED;
        }
        if (exptime <= MAX_RELATIVE_SECONDS) {
            return now + exptime;
        }
        long rel = exptime - epochSeconds;
        return rel <= ALREADY_EXPIRED ? ALREADY_EXPIRED : (int) Math.min(rel, Integer.MAX_VALUE);
    }

    /** Whether a rel expiry has passed. */
    static boolean expired(int expiry, int now) {
        return expiry != 0 && expiry <= now;
    }
}
