package io.ringside.services.memcached.store;

/**
 * The outcome of a storage command. The first four are the memcached replies of the same name; the last two are
 * the {@code SERVER_ERROR} cases.
 */
public enum StoreResult {
    /** Stored: {@code STORED}. */
    STORED,
    /** The condition of add / replace / append / prepend failed: {@code NOT_STORED}. */
    NOT_STORED,
    /** cas: the item changed since the client read it: {@code EXISTS}. */
    EXISTS,
    /** cas: no such item: {@code NOT_FOUND}. */
    NOT_FOUND,
    /** Larger than the item size limit ({@code -I}): {@code SERVER_ERROR object too large for cache}. */
    TOO_LARGE,
    /** No memory could be found or freed for it: {@code SERVER_ERROR out of memory storing object}. */
    OUT_OF_MEMORY
}
