package io.ringside.services.memcached.store;

/**
 * Caller-owned, reusable holder for the result of {@link CacheStore#incr} / {@link CacheStore#decr}, so that the
 * call allocates nothing. Confined to the thread that passes it (one per connection).
 */
public final class DeltaValue {
    long value;
    long cas;

    /** The new value, a 64-bit unsigned number: print it with {@link Long#toUnsignedString(long)} or an equivalent. */
    public long value() {
        return value;
    }

    /** The item's new CAS unique. */
    public long cas() {
        return cas;
    }
}
