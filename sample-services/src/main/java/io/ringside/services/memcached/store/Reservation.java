package io.ringside.services.memcached.store;

import java.nio.ByteBuffer;

/**
 * Space for a value that arrives in pieces (a 1 MiB {@code set} spans many reads): {@link CacheStore#reserve}
 * takes a chunk of item memory, {@link #write} fills it as the bytes arrive, and {@link CacheStore#commit} links it
 * under the key in one step, so no reader ever sees a partly written value. {@link #abort()} gives the memory back;
 * a connection that closes with a reservation open must abort it (the handler's close hook), or the chunk stays
 * out of use. Until then the chunk is invisible to readers, the CLOCK sweep and the page mover.
 *
 * <p>Reusable: one per connection, from {@link CacheStore#newReservation()}, reserved again after each commit or
 * abort, so a stored value costs no allocation. Confined: one thread at a time (the connection's worker); the
 * hand-over between reserve, writes and commit needs no synchronisation beyond that confinement.
 */
public final class Reservation implements AutoCloseable {
    final CacheStore store;
    /** The key, copied at reserve time (the caller's scratch array may be reused before commit). */
    final byte[] key = new byte[CacheStore.MAX_KEY_LENGTH];
    int keyLength;
    long hash;
    /** The reserved chunk, or 0 when not open. */
    int ref;
    ByteBuffer page;
    int valueStart;
    int valueLength;
    int written;
    /** CAS unique of what the last commit stored, 0 if it stored nothing. */
    long cas;
    /** Set by {@link #binaryKey()}, cleared at reserve time. */
    boolean binaryKey;
    /** Set by {@link #invalidate()}, cleared at reserve time. */
    boolean invalidate;

    Reservation(CacheStore store) {
        this.store = store;
    }

    /** Whether space is held (reserved, not yet committed or aborted). */
    public boolean isOpen() {
        return ref != 0;
    }

    /**
     * The CAS unique of the item the last {@link CacheStore#commit} stored, or 0 if it stored nothing (for the
     * meta protocol's {@code ms ... c}).
     */
    public long cas() {
        return cas;
    }

    /**
     * Marks the key of the item this reservation stores as sent in base64 ({@code ms ... b}), so the meta protocol
     * shows it encoded; for this reservation only (cleared by the next {@link CacheStore#reserve}).
     */
    public void binaryKey() {
        binaryKey = true;
    }

    /**
     * For a commit in {@link StoreMode#CAS} ({@code ms ... C I}): a CAS unique lower than the item's still stores,
     * as a stale item that keeps the old one's expiry and win token; for this reservation only.
     */
    public void invalidate() {
        invalidate = true;
    }

    /** Bytes still to write before {@link CacheStore#commit} may be called. */
    public int remaining() {
        return valueLength - written;
    }

    /** Appends {@code src[off, off + len)} to the value; at most {@link #remaining()} bytes. */
    public void write(byte[] src, int off, int len) {
        checkWrite(len);
        page.put(valueStart + written, src, off, len);
        written += len;
    }

    /** Appends {@code src[off, off + len)} (absolute: the buffer's position is not changed). */
    public void write(ByteBuffer src, int off, int len) {
        checkWrite(len);
        page.put(valueStart + written, src, off, len);
        written += len;
    }

    /** Appends {@code src[from, to)}, copied by the source straight into the reserved chunk. */
    public void write(ValueSource src, int from, int to) {
        int len = to - from;
        checkWrite(len);
        src.copyTo(from, to, page, valueStart + written);
        written += len;
    }

    /** Appends all of {@code src}'s remaining bytes and advances its position past them. */
    public void write(ByteBuffer src) {
        int len = src.remaining();
        write(src, src.position(), len);
        src.position(src.position() + len);
    }

    /** Gives the space back; nothing is stored. Does nothing if not open. */
    public void abort() {
        store.abort(this);
    }

    /** Same as {@link #abort()}: a reservation left open by an exception is released. */
    @Override
    public void close() {
        abort();
    }

    private void checkWrite(int len) {
        if (ref == 0) {
            throw new IllegalStateException("reservation is not open");
        }
        if (len < 0 || len > valueLength - written) {
            throw new IllegalArgumentException("writing " + len + " bytes, " + (valueLength - written) + " remain");
        }
    }

    @Override
    public String toString() {
        return ref == 0 ? "Reservation[closed]" : "Reservation[" + written + "/" + valueLength + " bytes]";
    }
}
