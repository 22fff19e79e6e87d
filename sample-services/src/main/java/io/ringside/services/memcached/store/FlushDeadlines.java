package io.ringside.services.memcached.store;

/**
 * The delayed {@code flush_all} deadlines, and the rule that tells whether an item is gone by one. (An immediate
 * flush is recorded per stripe instead: {@link IndexStripe#flushNow()}.)
 *
 * <p>Thread-safe: both deadlines live in one volatile long, so a lookup reads them consistently without a lock;
 * {@link #schedule} writes it under {@link #lock}.
 */
final class FlushDeadlines {
    /**
     * flush_all deadlines in rel seconds: the high half the latest that has passed, the low half a pending one
     * (0 = none). Items last stored or read before a passed deadline are gone. Written under lock.
     */
    private volatile long deadlines;
    private final Object lock = new Object();

    /** A flush_all with this deadline (rel seconds), replacing a pending one, as memcached does. */
    void schedule(int deadline, int now) {
        synchronized (lock) {
            long f = deadlines;
            int passed = (int) (f >>> 32);
            int pending = (int) f;
            if (pending != 0 && pending <= now) {
                passed = Math.max(passed, pending);
            }
            pending = deadline > now ? deadline : 0;
            deadlines = ((long) passed << 32) | (pending & 0xFFFFFFFFL);
        }
    }

    /**
     * Whether an item last stored or read at rel time {@code t} is gone by a delayed flush_all. Lock-free.
     * As memcached 1.6.18 (its oldest_live is the deadline minus one second, active once reached): a flush
     * with deadline D takes effect at D - 1 for every item stored before D, so {@code flush_all 1} acts at
     * once, also on items stored during the current second.
     */
    boolean flushed(int t, int now) {
        long f = deadlines;
        int pending = (int) f;
        return t < (int) (f >>> 32) || (pending != 0 && now >= pending - 1 && t < pending);
    }
}
