package io.ringside.services.memcached.store;

/** The outcome of {@link CacheStore#reserve}: either the space is held, or why not (the caller then swallows the data block). */
public enum ReserveResult {
    /** The space is held by the reservation until it is committed or aborted. */
    RESERVED,
    /** Larger than the item size limit: reply {@code SERVER_ERROR object too large for cache}. */
    TOO_LARGE,
    /** No memory could be found or freed: reply {@code SERVER_ERROR out of memory storing object}. */
    OUT_OF_MEMORY
}
