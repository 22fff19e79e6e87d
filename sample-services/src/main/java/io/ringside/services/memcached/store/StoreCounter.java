package io.ringside.services.memcached.store;

import java.util.Locale;

/** The store's counters; each is named as the memcached {@code stats} line it feeds (its {@link #statName()}). */
public enum StoreCounter {
    /** Items linked now (expired ones count until they are reclaimed, as in memcached). */
    CURR_ITEMS,
    /** Items ever stored. */
    TOTAL_ITEMS,
    /** Bytes of the linked items (header, key and value; chunk rounding not included). */
    BYTES,
    /** Live items dropped to make room. */
    EVICTIONS,
    /** Evicted items that were never read. */
    EVICTED_UNFETCHED,
    /** Expired or flushed items whose memory was reused. */
    RECLAIMED,
    /** Expired items that were never read. */
    EXPIRED_UNFETCHED,
    /** Lookups by get, gets, gat, gats. */
    CMD_GET,
    GET_HITS,
    GET_MISSES,
    /** Misses on an expired item. */
    GET_EXPIRED,
    /** Misses on an item invalidated by flush_all. */
    GET_FLUSHED,
    /** Storage commands (set, add, replace, append, prepend, cas). */
    CMD_SET,
    CMD_TOUCH,
    TOUCH_HITS,
    TOUCH_MISSES,
    DELETE_HITS,
    DELETE_MISSES,
    INCR_HITS,
    INCR_MISSES,
    DECR_HITS,
    DECR_MISSES,
    CAS_HITS,
    CAS_MISSES,
    /** cas on an item whose CAS unique differed. */
    CAS_BADVAL,
    CMD_FLUSH,
    /** Stores refused for lack of memory. */
    OUTOFMEMORY,
    /** Pages moved from one slab class to another. */
    SLABS_MOVED,
    /** Live items copied within their class while their page was moved. */
    SLAB_REASSIGN_RESCUES,
    /** Page moves given up because a chunk stayed reserved (a slow client's value). */
    SLAB_REASSIGN_BUSY,
    /** Reservations open now (values being received). */
    RESERVATIONS_OPEN,
    /** Slab pages or index memory the JVM refused (raise -XX:MaxDirectMemorySize: the memory limit, an eighth more for the index). */
    DIRECT_MEMORY_FAILURES;

    /** Whether this counts what is there now (items, bytes, open reservations): {@code stats reset} keeps it. */
    public boolean isGauge() {
        return this == CURR_ITEMS || this == BYTES || this == RESERVATIONS_OPEN;
    }

    /** The memcached stats name, e.g. {@code get_hits}. */
    public String statName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
