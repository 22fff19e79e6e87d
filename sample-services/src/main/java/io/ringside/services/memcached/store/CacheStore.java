package io.ringside.services.memcached.store;

import java.nio.ByteBuffer;

/**
 * The item store of a memcached-compatible daemon: one instance shared by every worker thread, bounded by a memory
 * limit, evicting with CLOCK (an LRU approximation), with memcached 1.6's semantics for every storage and retrieval
 * command. The protocol handler sits on top; this class knows nothing of the wire format.
 *
 * <h2>Threading</h2>
 * Every public method is thread-safe and may be called from any number of threads at once; none blocks except
 * briefly on a lock stripe. The index is split into {@link StoreConfig#stripes()} stripes (a power of two, at least
 * 8 per worker) by the top bits of the key's hash; each stripe has a {@link java.util.concurrent.locks.StampedLock}:
 * lookups ({@code get}) share it, changes take it exclusively, and no method holds two stripes. Item memory is
 * taken and given back <em>outside</em> the stripe lock, through striped free lists (see {@link SlabAllocator}).
 * So: two operations on keys of different stripes never wait for each other; on one key they are linearizable.
 * A {@link ValueSink} runs under the stripe's shared lock and must not call back into the store.
 *
 * <h2>Memory layout, and why</h2>
 * Items live off-heap in slab pages carved into chunks of one slab class each, an item (32-byte header, key, value)
 * in one chunk, indexed by one chained hash table per stripe whose buckets are direct memory too: the garbage
 * collector sees a few thousand long-lived objects whatever the item count, and neither a {@code get} nor a
 * {@code set} allocates. The package documentation has the layout, what an item costs against memcached, and why.
 *
 * <h2>Keys and values</h2>
 * Keys are byte ranges of 1 to {@value #MAX_KEY_LENGTH} bytes; the store accepts any bytes (the protocol decides
 * which keys are legal) and copies them, so the caller may reuse its array at once. Values are written in from a
 * {@code byte[]} or {@link ByteBuffer} range, or through a {@link Reservation} when they arrive in pieces, and are
 * read out through a {@link ValueSink}. Flags are 32-bit unsigned, exptimes follow memcached (see
 * {@link StoreTime}), CAS uniques are unique across the store and never 0.
 */
public final class CacheStore {
    /** memcached's KEY_MAX_LENGTH. */
    public static final int MAX_KEY_LENGTH = 250;
    /** What memcached 1.6 adds to key + value when it checks {@code -I}: its 48-byte header, CAS, NUL, "\r\n". */
    static final int MEMCACHED_ITEM_OVERHEAD = 59;

    private final StoreConfig config;
    private final StoreStats stats;
    private final StoreTime time;
    private final SlabAllocator mem;
    private final Items items;
    private final ItemReads reads;
    private final ItemWrites writes;
    private final ItemRewrites rewrites;
    private final MetaReads meta;

    /**
     * A store with the given settings; takes no item memory until items arrive.
     *
     * @throws IllegalStateException if the JVM's direct memory limit is below the memory limit (the store would
     *     silently hold fewer items): start the JVM with {@code -XX:MaxDirectMemorySize} of at least the limit
     */
    public CacheStore(StoreConfig config) {
        long direct = SlabPages.directMemoryLimit();
        if (config.memoryLimitBytes() > direct) {
            long m = config.memoryLimitBytes() >> 20;
            throw new IllegalStateException("memory limit of " + config.memoryLimitBytes() + " bytes is above this JVM's "
                    + "direct memory limit of " + direct + " bytes: start it with -XX:MaxDirectMemorySize="
                    + (m + m / 8 + 64) + "m (item memory, an eighth more for the index, the connections' buffers)");
        }
        this.config = config;
        this.time = new StoreTime(config.clock());
        SlabClass[] classes = SlabClass.buildAll(config, SlabClass.listsFor(config.workers()));
        this.stats = new StoreStats(classes.length);
        this.mem = new SlabAllocator(config, classes, stats);
        this.items = new Items(config, mem, time, stats);
        this.reads = new ItemReads(items);
        this.rewrites = new ItemRewrites(items);
        this.writes = new ItemWrites(items, rewrites);
        this.meta = new MetaReads(items);
        Victims victims = new IndexedVictims(items);
        mem.attach(new ClockSweep(mem, victims), new PageMover(mem, victims, stats), victims);
    }

    /** The settings. */
    public StoreConfig config() {
        return config;
    }

    /** The counters (thread-safe, read racily). */
    public StoreStats stats() {
        return stats;
    }

    /**
     * get / gets: on a hit, calls the sink once and returns true; false on a miss (an expired or flushed item is a
     * miss, and is unlinked if that needs no waiting). Threading: any thread; holds the key's stripe lock shared
     * (concurrent reads of one stripe proceed together) for the lookup and the sink call.
     */
    public boolean get(byte[] key, int off, int len, ValueSink sink) {
        return reads.read(key, off, len, sink, false, 0);
    }

    /**
     * gat / gats: a hit also gets the new exptime, atomically with the read. Threading: any thread; holds the
     * stripe lock exclusively for the lookup, the touch and the sink call.
     */
    public boolean getAndTouch(byte[] key, int off, int len, int exptime, ValueSink sink) {
        return reads.read(key, off, len, sink, true, exptime);
    }

    /**
     * mg / me: on a hit calls {@code visitor} once, with {@code view} bound to the item, and returns true; with
     * {@link ReadOptions#VIVIFY} a miss creates an empty item (flags 0, no expiry, a new CAS) and visits that
     * ({@link ItemView#created()}); else false (a miss, nothing called). {@code options} are {@link ReadOptions}
     * bits. The item is bumped after the visit (unless {@link ReadOptions#NO_BUMP}), so the view reports the state
     * before this access. Threading: any thread; the visit runs under the key's stripe lock, held shared unless
     * {@link ReadOptions#TOUCH} (or while a created item is linked); {@code view} belongs to the caller.
     */
    public boolean metaGet(byte[] key, int off, int len, int options, ItemView view, ItemVisitor visitor) {
        return meta.read(key, off, len, options, view, visitor);
    }

    // ------------------------------------------------------------------------------------------------ writes

    /**
     * set / add / replace / append / prepend / cas with the whole value at hand in {@code value[valueOff,
     * valueOff + valueLen)}. {@code casUnique} is compared by {@link StoreMode#CAS}, and by append / prepend when
     * it is not 0 (EXISTS if it differs); flags and exptime are ignored by append and prepend.
     *
     * <p>Threading: any thread. The chunk is taken and filled with no stripe lock held (this is where eviction
     * happens, if memory is full); the stripe lock is then held exclusively only to check the mode and swap the
     * index entry. append / prepend read the old item under the shared lock and retry if it changed meanwhile.
     */
    public StoreResult store(StoreMode mode, byte[] key, int keyOff, int keyLen, byte[] value, int valueOff,
            int valueLen, int flags, int exptime, long casUnique) {
        checkRange(value.length, valueOff, valueLen);
        return writes.store(mode, key, keyOff, keyLen, value, null, valueOff, valueLen, flags, exptime, casUnique);
    }

    /** As {@link #store(StoreMode, byte[], int, int, byte[], int, int, int, int, long)}, the value in a buffer (absolute range; its position is not used or changed). */
    public StoreResult store(StoreMode mode, byte[] key, int keyOff, int keyLen, ByteBuffer value, int valueOff,
            int valueLen, int flags, int exptime, long casUnique) {
        checkRange(value.capacity(), valueOff, valueLen);
        return writes.store(mode, key, keyOff, keyLen, null, value, valueOff, valueLen, flags, exptime, casUnique);
    }

    /** A reusable reservation bound to this store, for one connection (allocates; call once per connection). */
    public Reservation newReservation() {
        return new Reservation(this);
    }

    /**
     * Takes space for a value of {@code valueLength} bytes under a key, to be filled with {@link Reservation#write}
     * and then {@link #commit}ted or {@link Reservation#abort()}ed. On anything but {@link ReserveResult#RESERVED}
     * nothing is held (the caller swallows the data block and replies the error).
     *
     * <p>Threading: any thread, holding no store lock afterwards; may evict to find the space. The reservation
     * then belongs to the calling connection until {@link #commit} or {@link Reservation#abort()}.
     *
     * @throws IllegalStateException if the reservation is already open
     */
    public ReserveResult reserve(Reservation r, byte[] key, int keyOff, int keyLen, int valueLength) {
        if (r.store != this) {
            throw new IllegalArgumentException("reservation of another store");
        }
        if (r.isOpen()) {
            throw new IllegalStateException("reservation already open: commit or abort it first");
        }
        if (valueLength < 0) {
            throw new IllegalArgumentException("valueLength < 0: " + valueLength);
        }
        return writes.reserve(r, key, keyOff, keyLen, valueLength);
    }

    /**
     * Stores a filled reservation under its key, as {@link #store} would; the reservation is closed afterwards
     * whatever the result (its {@link Reservation#cas()} tells the new CAS unique if it stored). Threading: the
     * reservation's connection; holds the stripe lock exclusively to link.
     *
     * @throws IllegalStateException if it is not open or not completely written
     */
    public StoreResult commit(Reservation r, StoreMode mode, int flags, int exptime, long casUnique) {
        if (r.store != this || !r.isOpen()) {
            throw new IllegalStateException("reservation is not open on this store");
        }
        if (r.remaining() != 0) {
            throw new IllegalStateException("reservation not filled: " + r.remaining() + " bytes missing");
        }
        return writes.commit(r, mode, flags, exptime, casUnique);
    }

    /**
     * Gives a reservation's space back; does nothing if it is not open. Same as {@link Reservation#abort()}.
     * Threading: the reservation's connection (its close hook, when it dies mid-value); takes no stripe lock.
     */
    public void abort(Reservation r) {
        if (r.store == this && r.isOpen()) {
            writes.abort(r);
        }
    }

    /** delete: true (DELETED) if a live item was removed, false (NOT_FOUND). Threading: any; stripe lock exclusive. */
    public boolean delete(byte[] key, int off, int len) {
        return writes.delete(key, off, len, false, 0) == StoreResult.STORED;
    }

    /**
     * delete only if the item's CAS unique is {@code casUnique} ({@code md ... C}): {@link StoreResult#STORED} if
     * it was removed, {@link StoreResult#EXISTS} if its CAS differs (it stays), {@link StoreResult#NOT_FOUND} on
     * a miss. The compare and the removal are one step under the stripe lock. Threading: any; stripe lock exclusive.
     */
    public StoreResult deleteIfCas(byte[] key, int off, int len, long casUnique) {
        return writes.delete(key, off, len, true, casUnique);
    }

    /**
     * md ... I: marks a live item stale ({@link ItemView#stale()}) instead of removing it, gives it a new CAS unique
     * and frees its win token; with {@code retime}, also the new {@code exptime}. If {@code compare}, only when its
     * CAS unique is {@code casUnique}. {@link StoreResult#STORED} (marked), {@link StoreResult#EXISTS} or
     * {@link StoreResult#NOT_FOUND}. Threading: any; stripe lock exclusive.
     */
    public StoreResult invalidate(byte[] key, int off, int len, boolean compare, long casUnique, boolean retime,
            int exptime) {
        return meta.invalidate(key, off, len, compare, casUnique, retime, exptime);
    }

    /**
     * incr: adds {@code delta} (64-bit unsigned) modulo 2^64; the new value and CAS go into {@code out}. The new
     * number replaces the old in place, padded with spaces to the old length, as memcached does; a longer number
     * gets a new item. Threading: any thread; the stripe lock is held exclusively while the number is read and
     * written, so concurrent increments never lose one; {@code out} belongs to the caller.
     */
    public DeltaStatus incr(byte[] key, int off, int len, long delta, DeltaValue out) {
        return rewrites.delta(key, off, len, delta, true, out);
    }

    /** decr: subtracts {@code delta} (64-bit unsigned), stopping at 0; otherwise as {@link #incr}. */
    public DeltaStatus decr(byte[] key, int off, int len, long delta, DeltaValue out) {
        return rewrites.delta(key, off, len, delta, false, out);
    }

    /**
     * incr ({@code increment} true) or decr only if the item's CAS unique is {@code casUnique} ({@code ma ... C}):
     * {@link DeltaStatus#EXISTS} if it differs, else as {@link #incr} / {@link #decr}. The compare and the change
     * are one step under the stripe lock. Threading: any thread.
     */
    public DeltaStatus deltaIfCas(byte[] key, int off, int len, long delta, boolean increment, long casUnique,
            DeltaValue out) {
        return rewrites.delta(key, off, len, delta, increment, true, casUnique, out);
    }

    /** touch: gives a live item a new exptime; true (TOUCHED) or false (NOT_FOUND). Threading: any; stripe lock exclusive. */
    public boolean touch(byte[] key, int off, int len, int exptime) {
        return reads.touch(key, off, len, exptime);
    }

    /**
     * flush_all: with {@code delay <= 0}, every item stored so far is gone now; with a delay (seconds, or an
     * absolute Unix time above 30 days, as exptimes), every item last stored or read before that moment is gone
     * from then on. A new flush_all replaces a pending delayed one, as in memcached. Memory is reclaimed lazily.
     * Threading: any thread; an immediate flush takes each stripe's lock in turn (never two at once).
     */
    public void flushAll(int delay) {
        items.flushAll(delay);
    }

    // ------------------------------------------------------------------------------------------- inspection

    /** Bytes of item memory taken so far (whole pages, as memcached's {@code total_malloced}). */
    public long allocatedBytes() {
        return (long) mem.pagesAllocated() * mem.pageBytes;
    }

    /** Bytes of direct memory taken for the index tables (off the heap), idle blocks included. */
    public long indexBytes() {
        return items.indexBytes();
    }

    /** Each slab class's chunks and pages now (racy), smallest chunks first; index i is class i of {@link StoreStats}. */
    public SlabUsage[] slabUsage() {
        SlabUsage[] out = new SlabUsage[mem.classes.length];
        for (int i = 0; i < out.length; i++) {
            SlabClass c = mem.classes[i];
            out[i] = new SlabUsage(c.chunkBytes, c.perPage, c.pageCount(), c.freeChunks());
        }
        return out;
    }

    /** Checks the consistency of a store no other thread is using (tests); throws IllegalStateException. */
    String audit() {
        return items.audit();
    }

    @Override
    public String toString() {
        return "CacheStore[" + stats.value(StoreCounter.CURR_ITEMS) + " items, " + allocatedBytes() + " of "
                + config.memoryLimitBytes() + " bytes]";
    }

    private static void checkRange(int capacity, int off, int len) {
        if (off < 0 || len < 0 || off > capacity - len) {
            throw new IndexOutOfBoundsException("range [" + off + ", " + off + " + " + len + ") of " + capacity);
        }
    }
}
