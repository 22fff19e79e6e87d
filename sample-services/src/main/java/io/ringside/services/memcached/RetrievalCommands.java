package io.ringside.services.memcached;

import io.ringside.ByteSpan;
import io.ringside.Connection;
import io.ringside.SpanTokens;
import io.ringside.services.memcached.store.CacheStore;
import io.ringside.services.memcached.store.ValueSink;
import java.nio.ByteBuffer;

/**
 * {@code get|gets <key>*} and {@code gat|gats <exptime> <key>*}: one {@code VALUE} block per hit, in key order,
 * then {@code END}. As memcached 1.6.18: a key over 250 bytes anywhere in the line makes the whole reply
 * {@code CLIENT_ERROR bad command line format} (no VALUE lines), though the keys before it were fetched
 * (and, for gat, touched); a bad gat exptime is
 * {@code CLIENT_ERROR invalid exptime argument}; there is no {@code noreply}.
 *
 * <p>Confined to its connection's worker (one instance per handler). Allocation-free: the key is copied into a
 * scratch array, and the value is copied out of the store's page (under the stripe lock, in the sink) straight
 * into the connection's output, in one bulk copy.
 */
final class RetrievalCommands implements ValueSink {
    /** Takes a hit's value and drops it: the keys fetched before a bad key in the same line. */
    private static final ValueSink DISCARD = (src, offset, length, flags, cas) -> { };

    private final CacheStore store;
    private final byte[] key = new byte[CacheStore.MAX_KEY_LENGTH];
    private final SpanTokens keys = new SpanTokens();
    // The hit being written: set before each store call, read by value() on the same thread.
    private Connection out;
    private ByteSpan line;
    private int keyStart;
    private int keyEnd;
    private boolean withCas;

    RetrievalCommands(CacheStore store) {
        this.store = store;
    }

    /** {@code get}/{@code gets} ({@code touch} false) or {@code gat}/{@code gats}; {@code ntokens >= 3} checked. */
    void handle(Connection c, RequestLine r, boolean cas, boolean touch) {
        int exptime = 0;
        int firstKey = 1;
        if (touch) {
            long e = MemcachedNumbers.int32(r.span(), r.start(1), r.end(1));
            if (e == MemcachedNumbers.INVALID) {
                c.write(Replies.BAD_EXPTIME);
                return;
            }
            exptime = (int) e;
            firstKey = 2;
        }
        int from = firstKey < r.words() ? r.start(firstKey) : r.length();
        keys.reset(r.span(), from, r.length());
        int tooLong = -1;
        while (keys.next()) {
            if (keys.length() > CacheStore.MAX_KEY_LENGTH) {
                tooLong = keys.start();
                break;
            }
        }
        if (tooLong >= 0) {
            // memcached fetches (and for gat touches) the keys before the bad one, then drops its reply
            keys.reset(r.span(), from, tooLong);
            while (keys.next()) {
                int n = keys.end() - keys.start();
                r.span().copyTo(keys.start(), keys.end(), key, 0);
                if (touch) {
                    store.getAndTouch(key, 0, n, exptime, DISCARD);
                } else {
                    store.get(key, 0, n, DISCARD);
                }
            }
            c.write(Replies.BAD_FORMAT);
            return;
        }
        out = c;
        line = r.span();
        withCas = cas;
        keys.reset(r.span(), from, r.length());
        while (keys.next()) {
            keyStart = keys.start();
            keyEnd = keys.end();
            int n = keyEnd - keyStart;
            line.copyTo(keyStart, keyEnd, key, 0);
            if (touch) {
                store.getAndTouch(key, 0, n, exptime, this);
            } else {
                store.get(key, 0, n, this);
            }
        }
        out = null;
        line = null;
        c.write(Replies.END);
    }

    /** A hit: {@code VALUE <key> <flags> <bytes>[ <cas>]\r\n<data>\r\n}. Runs under the store's stripe lock. */
    @Override
    public void value(ByteBuffer src, int offset, int length, int flags, long cas) {
        Connection c = out;
        c.write(Replies.VALUE).write(line, keyStart, keyEnd).write(" ").writeUnsignedAscii(flags & 0xffffffffL)
                .write(" ").writeAscii(length);
        if (withCas) {
            c.write(" ").writeUnsignedAscii(cas);
        }
        c.write(Replies.CRLF);
        c.write(src, offset, length);
        c.write(Replies.CRLF);
    }
}
