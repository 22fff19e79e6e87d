package io.ringside.services.memcached;

import io.ringside.Connection;
import io.ringside.services.memcached.store.CacheStore;
import io.ringside.services.memcached.store.ItemMeta;
import io.ringside.services.memcached.store.ValueSink;
import java.nio.ByteBuffer;

/**
 * {@code mg <key> <flag>*}, as memcached 1.6.18 answers it: a hit is {@code VA <size> <flags>*\r\n<data>\r\n}
 * with {@code v}, else {@code HD <flags>*}; a miss is {@code EN} (with the {@code O} and {@code k} flags), nothing
 * with {@code q}. Returned flags follow the request's order: {@code c f h k l O s t}. {@code T} touches the item
 * atomically with the read (the reported {@code t} is the new TTL; a {@code t} before the {@code T} reports the old
 * one, as memcached does, and the touch then follows the read); {@code h} and {@code l} tell the state before
 * this read. {@code u} is accepted but the read still counts as an access; {@code N} and {@code R} (recache) are
 * refused as invalid flags: they need stub items and win tokens this store does not keep.
 *
 * <p>Confined to its connection's worker (one instance per handler); allocation-free.
 */
final class MetaGet implements ValueSink {
    private final CacheStore store;
    private final MetaFlags flags;
    private final MetaKey key;
    private final ItemMeta meta = new ItemMeta();
    // The hit being written: set before the store call, read by value() on the same thread.
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
        byte[] error = flags.parse(r, 2);
        if (error == null && (flags.has('N') || flags.has('R'))) {
            error = MetaReplies.INVALID_FLAG; // not implemented: see the class comment
        }
        if (error != null) {
            c.write(error);
            return;
        }
        int n = key.decode(r, flags);
        if (n <= 0) {
            c.write(MetaReplies.DECODING_KEY);
            return;
        }
        out = c;
        request = r;
        ValueSink sink = flags.has('v') ? this : null;
        // memcached applies T while it writes the flags: a t before the T reports the old TTL (then: read, touch)
        boolean touchAfter = flags.has('T') && flags.has('t') && flags.word('t') < flags.word('T');
        boolean hit = flags.has('T') && !touchAfter
                ? store.getAndTouch(key.key, 0, n, flags.ttl(), meta, sink)
                : store.get(key.key, 0, n, meta, sink);
        if (hit && touchAfter) {
            store.touch(key.key, 0, n, flags.ttl());
        }
        out = null;
        request = null;
        if (!hit) {
            if (!flags.has('q')) {
                c.write(MetaReplies.EN);
                MetaCommands.echo(c, r, flags, 2);
                c.write(Replies.CRLF);
            }
        } else if (sink == null) {
            c.write(MetaReplies.HD);
            hitFlags(c, r);
            c.write(Replies.CRLF);
        }
    }

    /** A hit with {@code v}: runs under the store's stripe lock, {@link #meta} already filled. */
    @Override
    public void value(ByteBuffer src, int offset, int length, int clientFlags, long cas) {
        Connection c = out;
        c.write(MetaReplies.VA).writeAscii(length);
        hitFlags(c, request);
        c.write(Replies.CRLF);
        WorkerScratch.copy(src, offset, length, c);
        c.write(Replies.CRLF);
    }

    private void hitFlags(Connection c, RequestLine r) {
        for (int w = 2; w < r.words(); w++) {
            byte f = r.span().byteAt(r.start(w));
            switch (f) {
                case 'c':
                    c.write(" c").writeUnsignedAscii(meta.cas());
                    break;
                case 'f':
                    c.write(" f").writeUnsignedAscii(meta.flags() & 0xffffffffL);
                    break;
                case 'h':
                    c.write(meta.fetchedBefore() ? " h1" : " h0");
                    break;
                case 'k':
                    MetaKey.echo(c, r, flags);
                    break;
                case 'l':
                    c.write(" l").writeAscii(meta.secondsSinceAccess());
                    break;
                case 'O':
                    c.write(" ").write(r.span(), r.start(w), r.end(w));
                    break;
                case 's':
                    c.write(" s").writeAscii(meta.valueLength());
                    break;
                case 't':
                    c.write(" t").writeAscii(meta.ttl());
                    break;
                default:
                    break;
            }
        }
    }
}
