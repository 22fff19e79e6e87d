package io.ringside.services.memcached;

import io.ringside.ByteSpan;
import io.ringside.Connection;
import io.ringside.EndOfLine;
import io.ringside.services.memcached.store.CacheStore;
import io.ringside.services.memcached.store.Reservation;
import io.ringside.services.memcached.store.ReserveResult;
import io.ringside.services.memcached.store.StoreMode;
import io.ringside.services.memcached.store.StoreResult;
import io.ringside.services.memcached.store.ValueSource;
import java.nio.ByteBuffer;

/**
 * {@code set|add|replace|append|prepend <key> <flags> <exptime> <bytes> [noreply]} and
 * {@code cas <key> <flags> <exptime> <bytes> <cas unique> [noreply]}, then the {@code <data>\r\n} block.
 *
 * <p>The checks and their order are memcached 1.6.18's {@code process_update_command}: key over 250 bytes, or a
 * flags / exptime / bytes / unique that does not parse, is {@code CLIENT_ERROR bad command line format} and the
 * data line is then read as a command (memcached does the same). Space for the value is reserved in the store when
 * the line arrives; if the value is too large or no memory is found, the error is replied at once, the block
 * ({@code bytes + 2}) is swallowed unread, and a {@code set} drops the key's old value (memcached does, to avoid
 * serving stale data). A block not followed by {@code \r\n} is {@code CLIENT_ERROR bad data chunk}. {@code noreply}
 * silences every reply of the command, errors included.
 *
 * <p>Confined to its connection's worker (one instance per handler). Allocation-free: the block's chunks are
 * copied from the input buffer straight into the one {@link Reservation} of the connection (one bulk copy).
 */
final class StorageCommands {
    private static final int MAX_BLOCK = Integer.MAX_VALUE - 2;

    private final MemcachedContext context;
    private final CacheStore store;
    private final Reservation reservation;
    private final byte[] key = new byte[CacheStore.MAX_KEY_LENGTH];
    /** The chunk being stored, adapted to the store (one per connection: no allocation per chunk). */
    private final ChunkSource source = new ChunkSource();
    // The pending block: set by handle(), used by onBlock() / onBlockEndMismatch().
    private StoreMode mode;
    private int flags;
    private int exptime;
    private long casUnique;
    private boolean noreply;
    private boolean swallowing;
    /** The {@code ms} waiting for its block, or null for a classic storage command. */
    private MetaSet meta;

    StorageCommands(MemcachedContext context) {
        this.context = context;
        this.store = context.store;
        this.reservation = store.newReservation();
    }

    /** A storage command line; the token count is checked by the dispatcher. */
    void handle(Connection c, RequestLine r, StoreMode m) {
        noreply = r.noreply();
        if (r.length(1) > CacheStore.MAX_KEY_LENGTH) {
            Replies.send(c, Replies.BAD_FORMAT, noreply);
            return;
        }
        ByteSpan s = r.span();
        long f = MemcachedNumbers.flags(s, r.start(2), r.end(2));
        long e = MemcachedNumbers.int32(s, r.start(3), r.end(3));
        long n = MemcachedNumbers.int32(s, r.start(4), r.end(4));
        if (f == MemcachedNumbers.INVALID || e == MemcachedNumbers.INVALID || n == MemcachedNumbers.INVALID) {
            Replies.send(c, Replies.BAD_FORMAT, noreply);
            return;
        }
        if (m == StoreMode.CAS) {
            long u = MemcachedNumbers.unsigned64(s, r.start(5), r.end(5));
            if (!MemcachedNumbers.isValidUnsigned(u, s, r.start(5), r.end(5))) {
                Replies.send(c, Replies.BAD_FORMAT, noreply);
                return;
            }
            casUnique = u;
        } else {
            casUnique = 0; // append / prepend compare a non-zero one
        }
        if (n < 0 || n > MAX_BLOCK) {
            Replies.send(c, Replies.BAD_FORMAT, noreply);
            return;
        }
        int keyLength = r.copy(1, key);
        ReserveResult reserved = store.reserve(reservation, key, 0, keyLength, (int) n);
        if (reserved != ReserveResult.RESERVED) {
            refuse(c, m, keyLength, reserved, n);
            return;
        }
        mode = m;
        flags = (int) f;
        exptime = (int) e;
        swallowing = false;
        meta = null;
        c.readBlock(n, EndOfLine.CRLF);
    }

    /**
     * {@code ms}: reserves {@code n} bytes for the already-decoded key and reads the block, as {@link #handle}
     * does; {@code reply} answers when it is stored. The errors before the block are replied as for {@code set}.
     */
    void handleMeta(Connection c, byte[] k, int keyLength, int n, StoreMode m, int f, int e, long cas, boolean binaryKey,
            boolean invalidate, MetaSet reply) {
        noreply = false;
        ReserveResult reserved = store.reserve(reservation, k, 0, keyLength, n);
        if (reserved != ReserveResult.RESERVED) {
            System.arraycopy(k, 0, key, 0, keyLength);
            refuse(c, StoreMode.SET, keyLength, reserved, n); // ms drops the old value in every mode, as memcached
            return;
        }
        if (binaryKey) {
            reservation.binaryKey();
        }
        if (invalidate) {
            reservation.invalidate();
        }
        mode = m;
        flags = f;
        exptime = e;
        casUnique = cas;
        swallowing = false;
        meta = reply;
        c.readBlock(n, EndOfLine.CRLF);
    }

    /** Reads and drops a block of {@code n} bytes and its terminator, unchecked (memcached's conn_swallow). */
    void swallow(Connection c, long n) {
        swallowing = true;
        c.readBlock(n + 2);
    }

    private void refuse(Connection c, StoreMode m, int keyLength, ReserveResult why, long n) {
        if (why == ReserveResult.TOO_LARGE) {
            context.storeTooLarge.increment();
            Replies.send(c, Replies.TOO_LARGE, noreply);
        } else {
            context.storeNoMemory.increment();
            Replies.send(c, Replies.NO_MEMORY_STORING, noreply);
        }
        if (m == StoreMode.SET) {
            store.delete(key, 0, keyLength);
        }
        swallowing = true;
        c.readBlock(n + 2); // memcached's conn_swallow: the bytes and the terminator, unchecked
    }

    /** A chunk of the pending block. */
    void onBlock(Connection c, ByteSpan chunk, boolean last) {
        if (swallowing) {
            swallowing = !last;
            return;
        }
        source.span = chunk;
        reservation.write(source, 0, chunk.length());
        source.span = null;
        if (last) {
            StoreResult result = store.commit(reservation, mode, flags, exptime, casUnique);
            if (meta != null) {
                meta.reply(c, result, reservation.cas());
            } else {
                Replies.send(c, reply(result), noreply);
            }
        }
    }

    /** The block was not followed by {@code \r\n}: nothing is stored. */
    void onBlockEndMismatch(Connection c) {
        reservation.abort();
        Replies.send(c, Replies.BAD_DATA_CHUNK, noreply);
    }

    /** The connection closed, maybe mid-value: give the space back. */
    void onClose() {
        reservation.abort();
    }

    /** A chunk of the block as the store's {@link ValueSource}. */
    private static final class ChunkSource implements ValueSource {
        ByteSpan span;

        @Override
        public void copyTo(int from, int to, ByteBuffer dst, int dstIndex) {
            span.copyTo(from, to, dst, dstIndex);
        }
    }

    private static byte[] reply(StoreResult result) {
        switch (result) {
            case STORED:
                return Replies.STORED;
            case NOT_STORED:
                return Replies.NOT_STORED;
            case EXISTS:
                return Replies.EXISTS;
            case NOT_FOUND:
                return Replies.NOT_FOUND;
            case TOO_LARGE:
                return Replies.TOO_LARGE;
            default:
                return Replies.NO_MEMORY_STORING;
        }
    }
}
