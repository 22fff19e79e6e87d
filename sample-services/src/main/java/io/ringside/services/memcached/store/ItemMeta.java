package io.ringside.services.memcached.store;

/**
 * Caller-owned, reusable holder for what the meta protocol ({@code mg}) reports about an item besides its value:
 * filled by {@link CacheStore#get(byte[], int, int, ItemMeta, ValueSink)} before the sink is called. Confined to
 * the thread that passes it (one per connection).
 */
public final class ItemMeta {
    int flags;
    long cas;
    int valueLength;
    int ttl;
    int secondsSinceAccess;
    int bits;

    /** Client flags (32-bit unsigned). */
    public int flags() {
        return flags;
    }

    /** CAS unique. */
    public long cas() {
        return cas;
    }

    /** Value length in bytes ({@code mg s}). */
    public int valueLength() {
        return valueLength;
    }

    /** Seconds until the item expires, -1 if it never does ({@code mg t}). */
    public int ttl() {
        return ttl;
    }

    /** Seconds since the item was last read or stored, before this access ({@code mg l}). */
    public int secondsSinceAccess() {
        return secondsSinceAccess;
    }

    /** Whether the item was read before this access ({@code mg h}). */
    public boolean fetchedBefore() {
        return (bits & ItemLayout.FETCHED) != 0;
    }

    /** Whether the item was marked stale by an invalidation ({@code mg X}); reserved for the meta protocol. */
    public boolean stale() {
        return (bits & ItemLayout.STALE) != 0;
    }

    /** Whether a client already holds the recache token for it ({@code mg Z}); reserved for the meta protocol. */
    public boolean winTokenSent() {
        return (bits & ItemLayout.WIN_TOKEN_SENT) != 0;
    }
}
