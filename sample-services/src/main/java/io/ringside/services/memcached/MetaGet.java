package io.ringside.services.memcached;

import io.ringside.Connection;
import io.ringside.services.memcached.store.CacheStore;
import io.ringside.services.memcached.store.ItemView;
import io.ringside.services.memcached.store.ItemVisitor;
import io.ringside.services.memcached.store.ReadOptions;
import io.ringside.services.memcached.store.ValueSink;
import java.nio.ByteBuffer;

/**
 * {@code mg <key> <flag>*}, as memcached 1.6.18's {@code process_mget_command}: a hit is {@code VA <size>
 * <flags>*\r\n<data>\r\n} with {@code v}, else {@code HD <flags>*}; a miss is {@code EN} (with the {@code O} and
 * {@code k} flags), nothing with {@code q}. The reply is written while the store holds the item's lock, walking the
 * flags in the request's order as memcached does, so a flag sees what the flags before it changed: {@code T} sets
 * the TTL where it stands (a {@code t} before it reports the old one), {@code N} on a miss creates an empty item
 * and sets its TTL (a win), {@code R} wins when the TTL at that point is below its token; {@code c f h k l O s t}
 * report ({@code h} and {@code l} the state before this read). Then {@code Z} if another client holds the win
 * token, {@code X} if the item is stale (and a win if no one holds the token), {@code W} for a win (the token is
 * taken). {@code u} reads without a bump.
 *
 * <p>Confined to its connection's worker (one instance per handler); allocation-free.
 */
final class MetaGet implements ItemVisitor, ValueSink {
    private final CacheStore store;
    private final MetaFlags flags;
    private final MetaKey key;
    private final ItemView view = new ItemView();
    // The request being answered: set before the store call, read by visit() on the same thread.
    private Connection out;
    private RequestLine request;

    MetaGet(CacheStore store, MetaFlags flags, MetaKey key) {
        this.store = store;
        this.flags = flags;
        this.key = key;
    }

    /** {@code mg}; the dispatcher checked that a key is there. */
    void handle(Connection c, RequestLine r) {
        if (MetaKey.tooLong(r)) {
            c.write(Replies.BAD_FORMAT);
            return;
        }
        if (MetaFlags.tooMany(r)) {
            c.write(MetaReplies.MG_TOO_MANY_FLAGS);
            return;
        }
        byte[] error = flags.parse(r, 2, key);
        if (error != null) {
            c.write(error);
            return;
        }
        int n = key.length();
        int options = (flags.has('T') ? ReadOptions.TOUCH : 0) | (flags.has('N') ? ReadOptions.VIVIFY : 0)
                | (flags.has('u') || flags.longOpaque() >= 0 ? ReadOptions.NO_BUMP : 0)
                | (flags.longOpaque() >= 0 ? ReadOptions.UNCOUNTED : 0);
        out = c;
        request = r;
        boolean hit;
        try {
            hit = store.metaGet(key.key, 0, n, options, view, this);
        } finally {
            out = null;
            request = null;
        }
        if (flags.longOpaque() >= 0) {
            c.write(MetaReplies.OPAQUE_TOO_LONG);
        } else if (!hit && !flags.has('q')) {
            c.write(MetaReplies.EN);
            MetaCommands.echo(c, r, key, 2);
            c.write(Replies.CRLF);
        }
    }

    /** The hit (or the item {@code N} created): runs under the store's stripe lock. */
    @Override
    public void visit(ItemView item) {
        Connection c = out;
        RequestLine r = request;
        if (flags.longOpaque() >= 0) {
            applyBefore(item, r, flags.longOpaque());
            return;
        }
        boolean value = flags.has('v');
        if (value) {
            c.write(MetaReplies.VA).writeAscii(item.valueLength());
        } else {
            c.write(MetaReplies.HD);
        }
        boolean won = false;
        for (int w = 2; w < r.words(); w++) {
            byte f = r.span().byteAt(r.start(w));
            if (f == 'T') {
                item.setExptime(flags.ttl());
            } else if (f == 'N') {
                if (item.created()) {
                    item.setExptime(flags.vivify());
                    won = true;
                }
            } else if (f == 'R') {
                won |= !item.winTokenTaken() && !item.created() && item.expiresBefore(flags.recache());
            } else {
                report(c, r, w, f, item);
            }
        }
        boolean taken = item.winTokenTaken();
        won |= item.stale() && !taken;
        if (won && !item.takeWinToken()) {
            won = false; // another client's mg took it since this one looked: it is theirs
            taken = true;
        }
        if (taken) {
            c.write(" Z");
        }
        if (item.stale()) {
            c.write(" X");
        }
        if (won) {
            c.write(" W");
        }
        c.write(Replies.CRLF);
        if (value) {
            item.value(this);
        }
    }

    /**
     * An {@code O} token too long at word {@code stop}: memcached finds it while it writes the reply, after the
     * {@code T} and {@code N} before it changed the item, and then answers only the error.
     */
    private void applyBefore(ItemView item, RequestLine r, int stop) {
        for (int w = 2; w < stop; w++) {
            byte f = r.span().byteAt(r.start(w));
            if (f == 'T') {
                item.setExptime(flags.ttl());
            } else if (f == 'N' && item.created()) {
                item.setExptime(flags.vivify());
            }
        }
    }

    /** A returned flag: {@code c f h k l O s t}; others print nothing. */
    private void report(Connection c, RequestLine r, int w, byte f, ItemView item) {
        switch (f) {
            case 'c':
                c.write(" c").writeUnsignedAscii(item.cas());
                break;
            case 'f':
                c.write(" f").writeUnsignedAscii(item.flags() & 0xffffffffL);
                break;
            case 'h':
                c.write(item.fetchedBefore() ? " h1" : " h0");
                break;
            case 'k':
                key.echo(c, item.keyBinary());
                break;
            case 'l':
                c.write(" l").writeAscii(item.secondsSinceAccess());
                break;
            case 'O':
                c.write(" ").write(r.span(), r.start(w), r.end(w));
                break;
            case 's':
                c.write(" s").writeAscii(item.valueLength());
                break;
            case 't':
                c.write(" t").writeAscii(item.ttl());
                break;
            default:
                break;
        }
    }

    /** The value of a hit with {@code v}, after its header line. */
    @Override
    public void value(ByteBuffer src, int offset, int length, int clientFlags, long cas) {
        out.write(src, offset, length);
        out.write(Replies.CRLF);
    }
}
