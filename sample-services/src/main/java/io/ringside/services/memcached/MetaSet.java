package io.ringside.services.memcached;

import io.ringside.ByteSpan;
import io.ringside.Connection;
import io.ringside.services.memcached.store.CacheStore;
import io.ringside.services.memcached.store.StoreMode;
import io.ringside.services.memcached.store.StoreResult;

/**
 * {@code ms <key> <datalen> <flag>*} then {@code <data>\r\n}, as memcached 1.6.18 answers it: {@code HD}
 * (stored), {@code NS}, {@code EX}, {@code NF}, then the {@code O}, {@code k} and {@code c} flags in the request's
 * order ({@code c0} when nothing was stored); {@code q} hides {@code HD} only. Flags: {@code T} exptime, {@code F}
 * client flags, {@code M} mode {@code S E A P R}, {@code C} CAS compare (with {@code S} or {@code R} a {@code cas};
 * {@code E} ignores it; {@code A} and {@code P} compare it, {@code EX} if it differs), {@code I} with a {@code C}
 * below the item's stores the value as stale (memcached's invalidation: the old TTL and win token kept), {@code b}
 * (the item remembers its key was base64). A bad key or datalen is {@code CLIENT_ERROR bad command line format}
 * and the data line is then read as a command; any later error (a flag, the mode, the key's base64) is replied
 * and the data block swallowed, as memcached does.
 *
 * <p>The data block goes through {@link StorageCommands}' reservation (one per connection), like {@code set}.
 * Confined to its connection's worker (one instance per handler); allocation-free.
 */
final class MetaSet {
    private static final int MAX_TAIL = 2 * CacheStore.MAX_KEY_LENGTH + 2 * MetaFlags.MAX_OPAQUE_TOKEN + 16;

    private final StorageCommands storage;
    private final MetaFlags flags;
    private final MetaKey key;
    // The reply flags of the pending block, copied from the line (which is gone when the block ends).
    private final byte[] tail = new byte[MAX_TAIL];
    private int tailLength;
    private int casAt;
    private boolean quiet;

    MetaSet(StorageCommands storage, MetaFlags flags, MetaKey key) {
        this.storage = storage;
        this.flags = flags;
        this.key = key;
    }

    /** {@code ms}; the dispatcher checked that a key is there. */
    void handle(Connection c, RequestLine r) {
        ByteSpan s = r.span();
        long n = r.words() < 3 ? MemcachedNumbers.INVALID : MemcachedNumbers.int32(s, r.start(2), r.end(2));
        if (MetaKey.tooLong(r) || n == MemcachedNumbers.INVALID || n < 0) {
            c.write(Replies.BAD_FORMAT);
            return;
        }
        if (MetaFlags.tooMany(r)) {
            c.write(MetaReplies.TOO_MANY_FLAGS); // the block is then read as commands, as memcached does
            return;
        }
        byte[] error = flags.parse(r, 3, key);
        StoreMode mode = error == null ? mode(flags.mode()) : null;
        if (error == null && mode == null) {
            error = MetaReplies.BAD_MS_MODE;
        }
        if (error == null && flags.longOpaque() >= 0) {
            error = MetaReplies.OPAQUE_TOO_LONG; // memcached checks it after the mode
        }
        if (error == null && flags.has('C') && (mode == StoreMode.SET || mode == StoreMode.REPLACE)) {
            mode = StoreMode.CAS; // memcached: a replace with a CAS is a cas; add ignores it, append compares it
        }
        int keyLength = key.length();
        if (error != null) {
            c.write(error);
            storage.swallow(c, n);
            return;
        }
        quiet = flags.has('q');
        copyTail(r);
        long cas = mode == StoreMode.ADD ? 0 : flags.cas();
        storage.handleMeta(c, key.key, keyLength, (int) n, mode, flags.clientFlags(), flags.ttl(), cas,
                flags.has('b'), mode == StoreMode.CAS && flags.has('I'), this);
    }

    private static StoreMode mode(byte m) {
        switch (m) {
            case 0:
            case 'S':
                return StoreMode.SET;
            case 'E':
                return StoreMode.ADD;
            case 'A':
                return StoreMode.APPEND;
            case 'P':
                return StoreMode.PREPEND;
            case 'R':
                return StoreMode.REPLACE;
            default:
                return null;
        }
    }

    private void copyTail(RequestLine r) {
        tailLength = 0;
        casAt = -1;
        ByteSpan s = r.span();
        for (int w = 3; w < r.words(); w++) {
            byte letter = s.byteAt(r.start(w));
            if (letter == 'O') {
                tail[tailLength++] = ' ';
                tailLength += r.copy(w, tail, tailLength);
            } else if (letter == 'k') {
                tail[tailLength++] = ' ';
                tail[tailLength++] = 'k';
                if (key.binary()) {
                    tailLength += key.encode(tail, tailLength);
                    tail[tailLength++] = ' ';
                    tail[tailLength++] = 'b';
                } else {
                    tailLength += r.copy(1, tail, tailLength);
                }
            } else if (letter == 'c') {
                casAt = tailLength;
            }
        }
    }

    /** The block was stored (or not): called by {@link StorageCommands} with the reservation's new CAS. */
    void reply(Connection c, StoreResult result, long cas) {
        byte[] code;
        switch (result) {
            case STORED:
                if (quiet) {
                    return;
                }
                code = MetaReplies.HD;
                break;
            case NOT_STORED:
                code = MetaReplies.NS;
                break;
            case EXISTS:
                code = MetaReplies.EX;
                break;
            case NOT_FOUND:
                code = MetaReplies.NF;
                break;
            case TOO_LARGE:
                c.write(Replies.TOO_LARGE);
                return;
            default:
                c.write(Replies.NO_MEMORY_STORING);
                return;
        }
        c.write(code);
        if (casAt < 0) {
            c.write(tail, 0, tailLength);
        } else {
            c.write(tail, 0, casAt).write(" c").writeUnsignedAscii(result == StoreResult.STORED ? cas : 0)
                    .write(tail, casAt, tailLength - casAt);
        }
        c.write(Replies.CRLF);
    }
}
