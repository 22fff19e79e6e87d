package io.ringside.services.memcached.store;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The bytes of one item inside its slab chunk, and the accessors for them. Stateless, thread-safe; who may touch
 * which field when is stated per field.
 *
 * <pre>
 *  offset  size  linked / reserved item                     free chunk (in a free list)
 *  0       8     cas unique                                  int next free, int previous free
 *  8       4     meta: state (bits 0-2), key length (8-15),  meta: state FREE, the free list it is in
 *                item bits (16-23), spare (24-31)            (bits 8-23)
 *  12      4     value length
 *  16      4     client flags
 *  20      4     expiry, store-relative seconds (0 = never)
 *  24      4     last access, store-relative seconds
 *  28      4     next item of the index bucket (0: none)
 *  32      k     key
 *  32+k    v     value (no "\r\n": the protocol adds it)
 * </pre>
 *
 * The meta word is the only field read without the stripe lock (by the CLOCK sweep and the page mover), so it is
 * only ever changed with atomic read-modify-write operations ({@link #META_WORD}); everything else is written
 * either by the thread that owns a {@link #RESERVED} chunk or under the stripe's write lock, and read under the
 * stripe lock.
 */
final class ItemLayout {
    /** Header bytes before the key. memcached's item header is 48 bytes plus 8 for the CAS. */
    static final int HEADER = 32;

    static final int CAS = 0;
    static final int META = 8;
    static final int VALUE_LENGTH = 12;
    static final int FLAGS = 16;
    static final int EXPIRY = 20;
    static final int TIME = 24;
    /** The index chain ({@link IndexStripe}): written under the stripe's write lock, read under its lock. */
    static final int NEXT = 28;
    static final int NEXT_FREE = 0;
    static final int PREV_FREE = 4;

    /** Never carved (fresh zeroed page memory). */
    static final int UNUSED = 0;
    /** In a free list; changes only under that free list's lock. */
    static final int FREE = 1;
    /** Owned by one thread (being filled, being freed, or held by a {@link Reservation}). */
    static final int RESERVED = 2;
    /** Reachable from the index; changes only under its stripe's write lock. */
    static final int LINKED = 3;
    /** Taken out of circulation by the page mover; owned by the mover. */
    static final int MOVED = 4;
    static final int STATE_MASK = 0x7;

    /** CLOCK reference bit: set on access, cleared by the sweep; an item without it is the next victim. */
    static final int REFERENCED = 1 << 16;
    /** Read at least once since stored (memcached ITEM_FETCHED; {@code mg h}, {@code *_unfetched} stats). */
    static final int FETCHED = 1 << 17;
    /** Invalidated, served as stale until replaced ({@code md I}, {@code ms I}; {@code mg} reports {@code X}). */
    static final int STALE = 1 << 18;
    /** A client holds the recache token ({@code mg} answered {@code W}; later ones get {@code Z}). */
    static final int WIN_TOKEN_SENT = 1 << 19;
    /** The key was sent base64-encoded ({@code ms ... b}): the meta protocol shows it encoded (memcached ITEM_KEY_BINARY). */
    static final int KEY_BINARY = 1 << 20;
    static final int BITS_MASK = 0xFF << 16;

    /**
     * Atomic access to the meta word in a page buffer (aligned: chunks start at multiples of 8 and direct buffers
     * are at least 8-aligned). Pairs: a LINKED set by setRelease under the stripe lock is read with getAcquire by the
     * sweep, and every bit change is a getAndBitwise* so that concurrent readers' bits are never lost.
     */
    static final VarHandle META_WORD = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private ItemLayout() {
    }

    static int meta(ByteBuffer page, int off) {
        return (int) META_WORD.getAcquire(page, off + META);
    }

    static int state(int meta) {
        return meta & STATE_MASK;
    }

    static int keyLength(int meta) {
        return (meta >>> 8) & 0xFF;
    }

    /** A new meta word: the state and key length; no bits. */
    static int newMeta(int state, int keyLength) {
        return state | (keyLength << 8);
    }

    /** Replaces the state, keeping key length and bits (atomic: readers may be setting bits). */
    static void setState(ByteBuffer page, int off, int state) {
        int m;
        do {
            m = (int) META_WORD.getVolatile(page, off + META);
        } while (!META_WORD.compareAndSet(page, off + META, m, (m & ~STATE_MASK) | state));
    }

    /** The meta word of a free chunk in free list {@code list}: the list id sits where the key length would. */
    static int freeMeta(int list) {
        return FREE | (list << 8);
    }

    /** The free list id of a FREE meta word. */
    static int freeList(int meta) {
        return (meta >>> 8) & 0xFFFF;
    }

    /** Writes a whole meta word (only by the owner of a chunk no other thread can reach). */
    static void initMeta(ByteBuffer page, int off, int meta) {
        META_WORD.setRelease(page, off + META, meta);
    }

    /** CAS the state from one value to another, keeping the rest; false if the state was not {@code from}. */
    static boolean casState(ByteBuffer page, int off, int from, int to) {
        int m = (int) META_WORD.getVolatile(page, off + META);
        while ((m & STATE_MASK) == from) {
            if (META_WORD.compareAndSet(page, off + META, m, (m & ~STATE_MASK) | to)) {
                return true;
            }
            m = (int) META_WORD.getVolatile(page, off + META);
        }
        return false;
    }

    /** Sets bits unless they are all set already (a read of a hot item does not dirty its cache line). */
    static void setBits(ByteBuffer page, int off, int bits) {
        int m = (int) META_WORD.getOpaque(page, off + META);
        if ((m & bits) != bits) {
            META_WORD.getAndBitwiseOr(page, off + META, bits);
        }
    }

    /** Sets {@code bit}; true if this call set it (it was clear), false if it was set already. Atomic. */
    static boolean trySetBit(ByteBuffer page, int off, int bit) {
        return ((int) META_WORD.getAndBitwiseOr(page, off + META, bit) & bit) == 0;
    }

    static void clearBits(ByteBuffer page, int off, int bits) {
        META_WORD.getAndBitwiseAnd(page, off + META, ~bits);
    }

    static long cas(ByteBuffer page, int off) {
        return page.getLong(off + CAS);
    }

    static int valueLength(ByteBuffer page, int off) {
        return page.getInt(off + VALUE_LENGTH);
    }

    static int flags(ByteBuffer page, int off) {
        return page.getInt(off + FLAGS);
    }

    static int expiry(ByteBuffer page, int off) {
        return page.getInt(off + EXPIRY);
    }

    static int time(ByteBuffer page, int off) {
        return page.getInt(off + TIME);
    }

    /** Offset of the value: after the header and the key. */
    static int valueOffset(int off, int keyLength) {
        return off + HEADER + keyLength;
    }

    /** Bytes an item needs in its chunk. */
    static int itemBytes(int keyLength, int valueLength) {
        return HEADER + keyLength + valueLength;
    }

    /**
     * Writes the header of a chunk this thread owns (state RESERVED): everything but the CAS, which is assigned
     * when the item is linked.
     */
    static void writeHeader(ByteBuffer page, int off, int keyLength, int valueLength, int flags, int expiry, int now) {
        page.putLong(off + CAS, 0L);
        page.putInt(off + VALUE_LENGTH, valueLength);
        page.putInt(off + FLAGS, flags);
        page.putInt(off + EXPIRY, expiry);
        page.putInt(off + TIME, now);
        initMeta(page, off, newMeta(RESERVED, keyLength));
    }
}
