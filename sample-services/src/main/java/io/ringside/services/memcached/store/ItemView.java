package io.ringside.services.memcached.store;

import java.nio.ByteBuffer;

/**
 * One item as the meta protocol sees it during {@link CacheStore#metaGet}: its metadata (as it was before this
 * access: {@link #fetchedBefore()}, {@link #secondsSinceAccess()}), its recache state ({@link #stale()}, the win
 * token), and the changes {@code mg}'s flags make while the reply is written (a new TTL, taking the win token).
 *
 * <p>Caller-owned and reusable (one per connection, {@code new ItemView()}); the store binds it to an item only for
 * the duration of the {@link ItemVisitor} call, under the item's stripe lock. Confined to the calling thread; any
 * method used outside that call throws {@link IllegalStateException}.
 */
public final class ItemView {
    private SlabAllocator mem;
    private StoreTime time;
    private ByteBuffer page;
    private int at;
    private int ref;
    private int now;
    private boolean exclusive;
    private boolean created;

    /** Binds the view to a linked item; stripe lock held (exclusively if {@code exclusive}). */
    void bind(SlabAllocator mem, StoreTime time, int ref, int now, boolean exclusive, boolean created) {
        this.mem = mem;
        this.time = time;
        this.ref = ref;
        this.page = mem.page(ref);
        this.at = mem.offset(ref);
        this.now = now;
        this.exclusive = exclusive;
        this.created = created;
    }

    void unbind() {
        page = null;
    }

    private ByteBuffer page() {
        if (page == null) {
            throw new IllegalStateException("an ItemView is usable only during its visit");
        }
        return page;
    }

    /** Whether the item was created by this call ({@link ReadOptions#VIVIFY} on a miss). */
    public boolean created() {
        page();
        return created;
    }

    /** The CAS unique. */
    public long cas() {
        return ItemLayout.cas(page(), at);
    }

    /** Client flags (32-bit unsigned). */
    public int flags() {
        return ItemLayout.flags(page(), at);
    }

    /** Value length in bytes. */
    public int valueLength() {
        return ItemLayout.valueLength(page(), at);
    }

    /**
     * Seconds until the item expires (after any {@link #setExptime} of this visit), -1 if it never does; a TTL set in
     * this visit that has passed already is the difference as an unsigned 32-bit number, as memcached prints it.
     */
    public long ttl() {
        int expiry = ItemLayout.expiry(page(), at);
        return expiry == 0 ? -1 : Integer.toUnsignedLong(expiry - now);
    }

    /** Whether the item expires, and before the moment that {@code exptime} (memcached's rules) names ({@code mg R}). */
    public boolean expiresBefore(int exptime) {
        int expiry = ItemLayout.expiry(page(), at);
        return expiry != 0 && expiry < time.expiry(exptime, now);
    }

    /** Seconds since the item was last read or stored, before this access. */
    public int secondsSinceAccess() {
        return now - ItemLayout.time(page(), at);
    }

    /** Whether the item was read before this access. */
    public boolean fetchedBefore() {
        return (ItemLayout.meta(page(), at) & ItemLayout.FETCHED) != 0;
    }

    /** Whether the item was invalidated ({@code md I}, {@code ms I}) and not stored again since. */
    public boolean stale() {
        return (ItemLayout.meta(page(), at) & ItemLayout.STALE) != 0;
    }

    /** Whether a client already took the win token ({@link #takeWinToken()}) since the item was stored or invalidated. */
    public boolean winTokenTaken() {
        return (ItemLayout.meta(page(), at) & ItemLayout.WIN_TOKEN_SENT) != 0;
    }

    /** Whether the key was stored base64-encoded ({@code ms ... b}). */
    public boolean keyBinary() {
        return (ItemLayout.meta(page(), at) & ItemLayout.KEY_BINARY) != 0;
    }

    /** The item's slab class, numbered from 1 as memcached's. */
    public int slabClass() {
        return mem.classOf(ref) + 1;
    }

    /** Bytes the item takes in its chunk: header, key and value. */
    public int itemBytes() {
        ByteBuffer p = page();
        return ItemLayout.itemBytes(ItemLayout.keyLength(ItemLayout.meta(p, at)), ItemLayout.valueLength(p, at));
    }

    /**
     * Takes the win token (the right to recache the item, {@code mg W}): true if this call took it, false if some
     * client holds it already. Atomic, also under the shared lock: of concurrent callers exactly one gets true.
     */
    public boolean takeWinToken() {
        return ItemLayout.trySetBit(page(), at, ItemLayout.WIN_TOKEN_SENT);
    }

    /**
     * Gives the item a new exptime (memcached's rules; {@code mg T}, or {@code N} on an item just created). Only for
     * a {@link ReadOptions#TOUCH} read or a created item (the lock is then exclusive).
     */
    public void setExptime(int exptime) {
        ByteBuffer p = page();
        if (!exclusive) {
            throw new IllegalStateException("setExptime needs a TOUCH read");
        }
        p.putInt(at + ItemLayout.EXPIRY, time.expiry(exptime, now));
    }

    /** Passes the value to {@code sink} (see {@link ValueSink}'s rules). */
    public void value(ValueSink sink) {
        ByteBuffer p = page();
        int klen = ItemLayout.keyLength(ItemLayout.meta(p, at));
        sink.value(mem.view(ref), ItemLayout.valueOffset(at, klen), ItemLayout.valueLength(p, at),
                ItemLayout.flags(p, at), ItemLayout.cas(p, at));
    }
}
