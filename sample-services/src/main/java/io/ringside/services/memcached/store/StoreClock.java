package io.ringside.services.memcached.store;

/**
 * The wall clock the store reads for expiry, last-access times and {@code flush_all} deadlines. Pluggable so
 * that tests can move time by hand. Implementations must be thread-safe and must not allocate.
 */
@FunctionalInterface
public interface StoreClock {
    /** The clock of the machine: {@link System#currentTimeMillis()}. */
    StoreClock SYSTEM = System::currentTimeMillis;

    /** Milliseconds since the Unix epoch (the store works in whole seconds, as memcached does). */
    long currentTimeMillis();
}
