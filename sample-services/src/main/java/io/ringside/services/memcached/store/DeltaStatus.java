package io.ringside.services.memcached.store;

/** The outcome of {@link CacheStore#incr} / {@link CacheStore#decr}. */
public enum DeltaStatus {
    /** Done; the new value and CAS unique are in the caller's {@link DeltaValue}. */
    OK,
    /** No live item: {@code NOT_FOUND}. */
    NOT_FOUND,
    /** The value is not a decimal number below 2^64: {@code CLIENT_ERROR cannot increment or decrement non-numeric value}. */
    NON_NUMERIC,
    /** {@link CacheStore#deltaIfCas}: the item's CAS unique is not the given one; nothing changed. */
    EXISTS,
    /** The longer number needed a new item and no memory was found: {@code SERVER_ERROR out of memory}. */
    OUT_OF_MEMORY
}
