package io.ringside.services.memcached;

import io.ringside.ByteSpan;
import io.ringside.Connection;
import io.ringside.services.memcached.store.CacheStore;
import io.ringside.services.memcached.store.DeltaStatus;
import io.ringside.services.memcached.store.DeltaValue;

/**
 * The one-key commands without a data block: {@code delete <key> [0] [noreply]},
 * {@code incr|decr <key> <delta> [noreply]}, {@code touch <key> <exptime> [noreply]}, with memcached 1.6.18's
 * argument checks and replies ({@code noreply} silences errors too). The token counts are checked by the
 * dispatcher.
 *
 * <p>Confined to its connection's worker (one instance per handler); allocation-free.
 */
final class KeyCommands {
    private final CacheStore store;
    private final byte[] key = new byte[CacheStore.MAX_KEY_LENGTH];
    private final DeltaValue delta = new DeltaValue();

    KeyCommands(CacheStore store) {
        this.store = store;
    }

    /** {@code delete}: a second word must be {@code 0} or {@code noreply}, a third {@code noreply} after {@code 0}. */
    void delete(Connection c, RequestLine r) {
        boolean noreply = false;
        int ntokens = r.ntokens();
        if (ntokens > 3) {
            boolean holdIsZero = r.is(2, "0");
            noreply = r.noreply();
            boolean valid = (ntokens == 4 && (holdIsZero || noreply)) || (ntokens == 5 && holdIsZero && noreply);
            if (!valid) {
                Replies.send(c, Replies.DELETE_USAGE, noreply);
                return;
            }
        }
        if (r.length(1) > CacheStore.MAX_KEY_LENGTH) {
            Replies.send(c, Replies.BAD_FORMAT, noreply);
            return;
        }
        int n = r.copy(1, key);
        Replies.send(c, store.delete(key, 0, n) ? Replies.DELETED : Replies.NOT_FOUND, noreply);
    }

    /** {@code incr} ({@code increment} true) or {@code decr}: replies the new value in decimal. */
    void arithmetic(Connection c, RequestLine r, boolean increment) {
        boolean noreply = r.noreply();
        if (r.length(1) > CacheStore.MAX_KEY_LENGTH) {
            Replies.send(c, Replies.BAD_FORMAT, noreply);
            return;
        }
        ByteSpan s = r.span();
        long d = MemcachedNumbers.unsigned64(s, r.start(2), r.end(2));
        if (!MemcachedNumbers.isValidUnsigned(d, s, r.start(2), r.end(2))) {
            Replies.send(c, Replies.BAD_DELTA, noreply);
            return;
        }
        int n = r.copy(1, key);
        DeltaStatus status = increment ? store.incr(key, 0, n, d, delta) : store.decr(key, 0, n, d, delta);
        switch (status) {
            case OK:
                if (!noreply) {
                    c.writeUnsignedAscii(delta.value()).write(Replies.CRLF);
                }
                break;
            case NOT_FOUND:
                Replies.send(c, Replies.NOT_FOUND, noreply);
                break;
            case NON_NUMERIC:
                Replies.send(c, Replies.NON_NUMERIC, noreply);
                break;
            default:
                Replies.send(c, Replies.NO_MEMORY, noreply);
                break;
        }
    }

    /** {@code touch}: a new exptime for a live item. */
    void touch(Connection c, RequestLine r) {
        boolean noreply = r.noreply();
        if (r.length(1) > CacheStore.MAX_KEY_LENGTH) {
            Replies.send(c, Replies.BAD_FORMAT, noreply);
            return;
        }
        long e = MemcachedNumbers.int32(r.span(), r.start(2), r.end(2));
        if (e == MemcachedNumbers.INVALID) {
            Replies.send(c, Replies.BAD_EXPTIME, noreply);
            return;
        }
        int n = r.copy(1, key);
        Replies.send(c, store.touch(key, 0, n, (int) e) ? Replies.TOUCHED : Replies.NOT_FOUND, noreply);
    }
}
