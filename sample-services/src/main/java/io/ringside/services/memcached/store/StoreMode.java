package io.ringside.services.memcached.store;

/** The storage commands of the memcached text protocol, as the store applies them. */
public enum StoreMode {
    /** Store unconditionally. */
    SET,
    /** Store only if the key holds no live item ({@link StoreResult#NOT_STORED} otherwise). */
    ADD,
    /** Store only if the key holds a live item ({@link StoreResult#NOT_STORED} otherwise). */
    REPLACE,
    /** Add the bytes after the existing value; its flags and expiry are kept ({@link StoreResult#NOT_STORED} on a miss). */
    APPEND,
    /** Add the bytes before the existing value; its flags and expiry are kept ({@link StoreResult#NOT_STORED} on a miss). */
    PREPEND,
    /** Store only if the item's CAS unique equals the given one: {@link StoreResult#EXISTS} if not, {@link StoreResult#NOT_FOUND} on a miss. */
    CAS
}
