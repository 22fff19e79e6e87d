package io.ringside.services.memcached;

import io.ringside.Connection;
import io.ringside.services.memcached.store.CacheStore;
import io.ringside.services.memcached.store.DeltaStatus;
import io.ringside.services.memcached.store.DeltaValue;
import io.ringside.services.memcached.store.ItemMeta;
import io.ringside.services.memcached.store.StoreMode;
import io.ringside.services.memcached.store.StoreResult;

/**
 * The meta commands without a data block besides {@code mg}: {@code md <key> <flag>*} and
 * {@code ma <key> <flag>*}, with memcached 1.6.18's replies (taken from the real server). Both answer any flag
 * error with {@code CLIENT_ERROR invalid or duplicate flag}; {@code q} hides {@code HD} (and {@code ma}'s
 * {@code VA}), never {@code NF}, {@code NS} or {@code EX}.
 *
 * <p>{@code md}: {@code C} compares the CAS unique atomically with the removal ({@code EX} if it differs);
 * {@code I} (mark stale) is refused as an invalid flag, {@code T} without it is ignored as memcached does.
 * {@code ma}: {@code D} delta (default 1), {@code M} mode {@code I + D -}, {@code N} creates a missing item with
 * the {@code J} value (default 0) and that TTL, returned as it is (memcached answers that case {@code HD} even
 * with {@code q}; a {@code T} there gives the new item its TTL); {@code T} sets the TTL after a change (a second
 * store call, not atomic with it; a {@code t} before the {@code T} reports the old TTL, as memcached 1.6.18); {@code t} and {@code c} report the TTL and CAS after the change ({@code t} by a second read,
 * which counts as a get); {@code C} compares the CAS unique atomically with the change ({@code EX} if it differs).
 *
 * <p>Confined to its connection's worker (one instance per handler); allocation-free.
 */
final class MetaCommands {
    private final CacheStore store;
    private final MetaFlags flags;
    private final MetaKey key;
    private final DeltaValue delta = new DeltaValue();
    private final ItemMeta meta = new ItemMeta();
    private final byte[] number = new byte[20];

    MetaCommands(CacheStore store, MetaFlags flags, MetaKey key) {
        this.store = store;
        this.flags = flags;
        this.key = key;
    }

    /** Writes the {@code O} and {@code k} flags of words {@code first..}, in the request's order. */
    static void echo(Connection c, RequestLine r, MetaFlags f, int first) {
        for (int w = first; w < r.words(); w++) {
            byte letter = r.span().byteAt(r.start(w));
            if (letter == 'O') {
                c.write(" ").write(r.span(), r.start(w), r.end(w));
            } else if (letter == 'k') {
                MetaKey.echo(c, r, f);
            }
        }
    }

    /** Parses the key and flags of md / ma; returns the key length, or -1 after replying an error. */
    private int prepare(Connection c, RequestLine r, String refused) {
        if (MetaKey.tooLong(r)) {
            c.write(Replies.BAD_FORMAT);
            return -1;
        }
        if (MetaFlags.tooMany(r)) {
            c.write(MetaReplies.TOO_MANY_FLAGS);
            return -1;
        }
        byte[] error = flags.parse(r, 2);
        for (int i = 0; error == null && i < refused.length(); i++) {
            if (flags.has(refused.charAt(i))) {
                error = MetaReplies.INVALID_OR_DUPLICATE;
            }
        }
        if (error != null) {
            c.write(error == MetaReplies.OPAQUE_TOO_LONG ? error : MetaReplies.INVALID_OR_DUPLICATE);
            return -1;
        }
        int n = key.decode(r, flags);
        if (n <= 0) {
            c.write(MetaReplies.DECODING_KEY);
            return -1;
        }
        return n;
    }

    /** {@code md}: HD (deleted), NF, EX. */
    void delete(Connection c, RequestLine r) {
        int n = prepare(c, r, "I");
        if (n < 0) {
            return;
        }
        StoreResult result = flags.has('C')
                ? store.deleteIfCas(key.key, 0, n, flags.cas())
                : store.delete(key.key, 0, n) ? StoreResult.STORED : StoreResult.NOT_FOUND;
        byte[] code = result == StoreResult.STORED ? MetaReplies.HD
                : result == StoreResult.EXISTS ? MetaReplies.EX : MetaReplies.NF;
        if (code == MetaReplies.HD && flags.has('q')) {
            return;
        }
        c.write(code);
        echo(c, r, flags, 2);
        c.write(Replies.CRLF);
    }

    /** {@code ma}: HD or VA on success, NF, NS; the store's errors as incr / decr. */
    void arithmetic(Connection c, RequestLine r) {
        int n = prepare(c, r, "");
        if (n < 0) {
            return;
        }
        byte m = flags.mode();
        boolean increment = m == 0 || m == 'I' || m == '+';
        if (!increment && m != 'D' && m != '-') {
            c.write(MetaReplies.BAD_MA_MODE);
            return;
        }
        DeltaStatus status = change(n, increment);
        boolean created = false;
        if (status == DeltaStatus.NOT_FOUND && flags.has('N')) {
            created = create(n);
            status = created ? DeltaStatus.OK : change(n, increment); // lost a race with another creator: apply
        }
        boolean ttlRead = false;
        if (status == DeltaStatus.OK && !created && flags.has('T')) {
            // memcached 1.6.18 applies T while it writes the reply flags: a t before it shows the old TTL
            ttlRead = flags.has('t') && flags.word('t') < flags.word('T');
            if (ttlRead) {
                store.get(key.key, 0, n, meta, null);
            }
            store.touch(key.key, 0, n, flags.ttl());
        }
        switch (status) {
            case OK:
                if (!created && flags.has('q')) {
                    return;
                }
                success(c, r, n, created, ttlRead);
                return;
            case NOT_FOUND:
                c.write(flags.has('N') ? MetaReplies.NS : MetaReplies.NF);
                echo(c, r, flags, 2);
                c.write(Replies.CRLF);
                return;
            case EXISTS:
                c.write(MetaReplies.EX);
                echo(c, r, flags, 2);
                c.write(Replies.CRLF);
                return;
            case NON_NUMERIC:
                c.write(Replies.NON_NUMERIC);
                return;
            default:
                c.write(Replies.NO_MEMORY);
        }
    }

    private DeltaStatus change(int n, boolean increment) {
        if (flags.has('C')) {
            return store.deltaIfCas(key.key, 0, n, flags.delta(), increment, flags.cas(), delta);
        }
        return increment ? store.incr(key.key, 0, n, flags.delta(), delta)
                : store.decr(key.key, 0, n, flags.delta(), delta);
    }

    /** {@code N}: stores the {@code J} value with the {@code N} TTL, if no one else did first. */
    private boolean create(int n) {
        long v = flags.initial();
        int len = digits(v);
        for (int i = len - 1; i >= 0; i--) {
            number[i] = (byte) ('0' + Long.remainderUnsigned(v, 10));
            v = Long.divideUnsigned(v, 10);
        }
        // N and T set one exptime in memcached: the later one wins
        int exptime = flags.has('T') && flags.word('T') > flags.word('N') ? flags.ttl() : flags.vivify();
        return store.store(StoreMode.ADD, key.key, 0, n, number, 0, len, 0, exptime, 0) == StoreResult.STORED;
    }

    /** Decimal digits of a 64-bit unsigned number. */
    private static int digits(long v) {
        int n = 1;
        while (Long.compareUnsigned(v, 10) >= 0) {
            v = Long.divideUnsigned(v, 10);
            n++;
        }
        return n;
    }

    private void success(Connection c, RequestLine r, int n, boolean created, boolean ttlRead) {
        long value = created ? flags.initial() : delta.value();
        boolean needMeta = created || (flags.has('t') && !ttlRead);
        if (needMeta) {
            store.get(key.key, 0, n, meta, null);
        }
        long cas = created ? meta.cas() : delta.cas();
        if (flags.has('v')) {
            c.write(MetaReplies.VA).writeAscii(digits(value));
        } else {
            c.write(MetaReplies.HD);
        }
        for (int w = 2; w < r.words(); w++) {
            byte letter = r.span().byteAt(r.start(w));
            if (letter == 'O') {
                c.write(" ").write(r.span(), r.start(w), r.end(w));
            } else if (letter == 'k') {
                MetaKey.echo(c, r, flags);
            } else if (letter == 't') {
                c.write(" t").writeAscii(meta.ttl());
            } else if (letter == 'c') {
                c.write(" c").writeUnsignedAscii(cas);
            }
        }
        c.write(Replies.CRLF);
        if (flags.has('v')) {
            c.writeUnsignedAscii(value).write(Replies.CRLF);
        }
    }
}
