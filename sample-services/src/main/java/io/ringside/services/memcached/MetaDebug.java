package io.ringside.services.memcached;

import io.ringside.Connection;
import io.ringside.services.memcached.store.CacheStore;
import io.ringside.services.memcached.store.ItemView;
import io.ringside.services.memcached.store.ItemVisitor;
import io.ringside.services.memcached.store.ReadOptions;

/**
 * {@code me <key> [b]}, memcached 1.6.18's meta debug: {@code ME <key> exp=<seconds> la=<seconds> cas=<unique>
 * fetch=<yes|no> cls=<slab class> size=<bytes>\r\n} for a hit, {@code EN\r\n} for a miss. As there, {@code exp} is
 * -1 for an item that never expires and otherwise now minus the expiry (negative while it lives), the key is shown
 * base64-encoded if it was stored so ({@code ms ... b}), the read neither bumps the item nor counts as a get, and
 * each answered {@code me} counts in {@code cmd_meta}. A missing or too long key, or a key that does not decode
 * with {@code b}, is {@code CLIENT_ERROR bad command line format}. {@code cls} and {@code size} are this store's
 * own: its slab class (from 1) and the bytes the item takes in its chunk.
 *
 * <p>Confined to its connection's worker (one instance per handler); allocates nothing on a miss, and on a hit
 * nothing beyond the connection's output.
 */
final class MetaDebug implements ItemVisitor {
    private final MemcachedContext context;
    private final CacheStore store;
    private final MetaKey key;
    private final ItemView view = new ItemView();
    private Connection out;

    MetaDebug(MemcachedContext context, MetaKey key) {
        this.context = context;
        this.store = context.store;
        this.key = key;
    }

    void handle(Connection c, RequestLine r) {
        if (r.ntokens() < 3 || MetaKey.tooLong(r)) {
            c.write(Replies.BAD_FORMAT);
            return;
        }
        boolean base64 = r.ntokens() >= 4 && r.is(2, "b");
        int n = key.decode(r, base64);
        if (n <= 0) {
            c.write(Replies.BAD_FORMAT);
            return;
        }
        out = c;
        boolean hit;
        try {
            hit = store.metaGet(key.key, 0, n, ReadOptions.NO_BUMP | ReadOptions.UNCOUNTED, view, this);
        } finally {
            out = null;
        }
        if (!hit) {
            c.write(MetaReplies.EN).write(Replies.CRLF);
        }
        context.cmdMeta.increment();
    }

    /** The hit, under the store's stripe lock. */
    @Override
    public void visit(ItemView item) {
        Connection c = out;
        c.write("ME ");
        if (item.keyBinary()) {
            byte[] scratch = WorkerScratch.get();
            c.write(scratch, 0, key.encode(scratch, 0));
        } else {
            c.write(key.key, 0, key.length());
        }
        long ttl = item.ttl();
        c.write(" exp=").writeAscii(ttl == -1 ? -1 : -(int) ttl);
        c.write(" la=").writeAscii(item.secondsSinceAccess());
        c.write(" cas=").writeUnsignedAscii(item.cas());
        c.write(item.fetchedBefore() ? " fetch=yes" : " fetch=no");
        c.write(" cls=").writeAscii(item.slabClass());
        c.write(" size=").writeAscii(item.itemBytes()).write(Replies.CRLF);
    }
}
