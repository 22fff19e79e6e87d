package io.ringside.services.memcached;

import io.ringside.Connection;
import io.ringside.services.memcached.store.CacheStore;
import io.ringside.services.memcached.store.DeltaStatus;
import io.ringside.services.memcached.store.DeltaValue;
import io.ringside.services.memcached.store.ItemView;
import io.ringside.services.memcached.store.ItemVisitor;
import io.ringside.services.memcached.store.ReadOptions;
import io.ringside.services.memcached.store.StoreMode;
import io.ringside.services.memcached.store.StoreResult;

/**
 * The meta commands without a data block besides {@code mg}: {@code md <key> <flag>*} and
 * {@code ma <key> <flag>*}, with memcached 1.6.18's replies (taken from the real server). Both answer any flag
 * error with {@code CLIENT_ERROR invalid or duplicate flag}; {@code q} hides {@code HD} (and {@code ma}'s
 * {@code VA}), never {@code NF}, {@code NS} or {@code EX}.
 *
 * <p>{@code md}: {@code C} compares the CAS unique atomically with the removal ({@code EX} if it differs);
 * {@code I} marks the item stale instead (a new CAS unique, the win token free again; {@code mg} then answers
 * {@code X}), and only with {@code I} does {@code T} set a new TTL, as memcached does.
 * {@code ma}: {@code D} delta (default 1), {@code M} mode {@code I + D -}, {@code N} creates a missing item with
 * the {@code J} value (default 0) and that TTL, returned as it is (memcached answers that case {@code HD} even
 * with {@code q}; a {@code T} there gives the new item its TTL); {@code T} sets the TTL after a change (a second
 * store call, not atomic with it; a {@code t} before the {@code T} reports the old TTL, as memcached 1.6.18);
 * {@code t} and {@code c} report the TTL and CAS after the change (the TTL by a second read, uncounted and without
 * a bump); {@code C} compares the CAS unique atomically with the change ({@code EX} if it differs).
 *
 * <p>Confined to its connection's worker (one instance per handler); allocation-free.
 */
final class MetaCommands implements ItemVisitor {
    private final CacheStore store;
    private final MetaFlags flags;
    private final MetaKey key;
    private final DeltaValue delta = new DeltaValue();
    private final ItemView view = new ItemView();
    private final byte[] number = new byte[20];
    // settle()'s request and what its visit saw of the item (visit() runs on this thread, inside settle()).
    private RequestLine settlingLine;
    private boolean settlingCreated;
    private long readTtl;
    private long readCas;

    MetaCommands(CacheStore store, MetaFlags flags, MetaKey key) {
        this.store = store;
        this.flags = flags;
        this.key = key;
    }

    /** Writes the {@code O} and {@code k} flags of words {@code first..}, in the request's order. */
    static void echo(Connection c, RequestLine r, MetaKey key, int first) {
        for (int w = first; w < r.words(); w++) {
            byte letter = r.span().byteAt(r.start(w));
            if (letter == 'O') {
                c.write(" ").write(r.span(), r.start(w), r.end(w));
            } else if (letter == 'k') {
                key.echo(c);
            }
        }
    }

    /** Parses the key and flags of md / ma; returns the key length, or -1 after replying an error. */
    private int prepare(Connection c, RequestLine r) {
        if (MetaKey.tooLong(r)) {
            c.write(Replies.BAD_FORMAT);
            return -1;
        }
        if (MetaFlags.tooMany(r)) {
            c.write(MetaReplies.TOO_MANY_FLAGS);
            return -1;
        }
        if (flags.parse(r, 2, key) != null) {
            c.write(MetaReplies.INVALID_OR_DUPLICATE); // md and ma say so for any error of the flags or key
            return -1;
        }
        return key.length();
    }

    /** {@code md}: HD (deleted, or marked stale with {@code I}), NF, EX. */
    void delete(Connection c, RequestLine r) {
        int n = prepare(c, r);
        if (n < 0) {
            return;
        }
        if (flags.longOpaque() >= 0) {
            c.write(MetaReplies.OPAQUE_TOO_LONG);
            return;
        }
        StoreResult result;
        if (flags.has('I')) {
            result = store.invalidate(key.key, 0, n, flags.has('C'), flags.cas(), flags.has('T'), flags.ttl());
        } else if (flags.has('C')) {
            result = store.deleteIfCas(key.key, 0, n, flags.cas());
        } else {
            result = store.delete(key.key, 0, n) ? StoreResult.STORED : StoreResult.NOT_FOUND;
        }
        byte[] code = result == StoreResult.STORED ? MetaReplies.HD
                : result == StoreResult.EXISTS ? MetaReplies.EX : MetaReplies.NF;
        if (code == MetaReplies.HD && flags.has('q')) {
            return;
        }
        c.write(code);
        echo(c, r, key, 2);
        c.write(Replies.CRLF);
    }

    /** {@code ma}: HD or VA on success, NF, NS; the store's errors as incr / decr. */
    void arithmetic(Connection c, RequestLine r) {
        int n = prepare(c, r);
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
        if (status == DeltaStatus.OK && (created || flags.has('T') || flags.has('t'))) {
            settle(r, n, created);
        }
        if (flags.longOpaque() >= 0 && status != DeltaStatus.NON_NUMERIC && status != DeltaStatus.OUT_OF_MEMORY) {
            c.write(MetaReplies.OPAQUE_TOO_LONG); // memcached finds it while writing the reply: after the change
            return;
        }
        switch (status) {
            case OK:
                if (!created && flags.has('q')) {
                    return;
                }
                success(c, r, created);
                return;
            case NOT_FOUND:
                c.write(flags.has('N') ? MetaReplies.NS : MetaReplies.NF);
                echo(c, r, key, 2);
                c.write(Replies.CRLF);
                return;
            case EXISTS:
                c.write(MetaReplies.EX);
                echo(c, r, key, 2);
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
        if (flags.cas() != 0) { // memcached's ma compares a non-zero CAS only
            return store.deltaIfCas(key.key, 0, n, flags.delta(), increment, flags.cas(), delta);
        }
        return increment ? store.incr(key.key, 0, n, flags.delta(), delta)
                : store.decr(key.key, 0, n, flags.delta(), delta);
    }

    /** {@code N}: stores the {@code J} value (no TTL yet: {@link #settle} applies it), if no one else did first. */
    private boolean create(int n) {
        long v = flags.initial();
        int len = digits(v);
        for (int i = len - 1; i >= 0; i--) {
            number[i] = (byte) ('0' + Long.remainderUnsigned(v, 10));
            v = Long.divideUnsigned(v, 10);
        }
        return store.store(StoreMode.ADD, key.key, 0, n, number, 0, len, 0, 0, 0) == StoreResult.STORED;
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

    private void success(Connection c, RequestLine r, boolean created) {
        long value = created ? flags.initial() : delta.value();
        long cas = created ? readCas : delta.cas();
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
                key.echo(c);
            } else if (letter == 't') {
                c.write(" t").writeAscii(readTtl);
            } else if (letter == 'c') {
                c.write(" c").writeUnsignedAscii(cas);
            }
        }
        c.write(Replies.CRLF);
        if (flags.has('v')) {
            c.writeUnsignedAscii(value).write(Replies.CRLF);
        }
    }

    /**
     * After the change: applies {@code N} (to an item this {@code ma} created) and {@code T} in the request's order,
     * noting the TTL where {@code t} stands and the CAS unique, as memcached does while it writes the reply flags.
     * One more store call, not atomic with the change; not counted and without a bump (memcached's ma counts
     * neither a get nor a touch).
     */
    private void settle(RequestLine r, int n, boolean created) {
        readTtl = -1;
        readCas = 0;
        settlingLine = r;
        settlingCreated = created;
        boolean retime = flags.has('T') || (created && flags.has('N'));
        store.metaGet(key.key, 0, n, (retime ? ReadOptions.TOUCH : 0) | ReadOptions.NO_BUMP | ReadOptions.UNCOUNTED,
                view, this);
    }

    /** settle()'s visit, under the store's stripe lock. */
    @Override
    public void visit(ItemView item) {
        RequestLine r = settlingLine;
        int end = flags.longOpaque() >= 0 ? flags.longOpaque() : r.words(); // memcached stops at a too long O
        for (int w = 2; w < end; w++) {
            byte letter = r.span().byteAt(r.start(w));
            if (letter == 'N' && settlingCreated) {
                item.setExptime(flags.vivify());
            } else if (letter == 'T') {
                item.setExptime(flags.ttl());
            } else if (letter == 't') {
                readTtl = item.ttl();
            }
        }
        readCas = item.cas();
    }
}
