package io.ringside.services.memcached;

import io.ringside.ByteSpan;
import io.ringside.CloseReason;
import io.ringside.Connection;
import io.ringside.LineHandler;
import io.ringside.services.memcached.store.StoreMode;

/**
 * One connection of the memcached daemon: reads a command line, dispatches it as memcached 1.6.18's
 * {@code process_command_ascii} does (by first letter, then exact name and token count: a wrong count is
 * {@code ERROR}), and hands data blocks to the storage command waiting for them.
 *
 * <p>Lines: {@value #MAX_NON_GET_LINE} bytes of a line without its newline close the connection without a
 * reply unless it is a {@code get}/{@code gets} (memcached: "this _has_ to be a large multiget"; a complete
 * long line is processed, as there); an unknown command whose last word starts
 * with {@code HTTP/} closes it too; a line longer than the server's {@code max-line-bytes} closes silently.
 * Bytes after a NUL are ignored, as C string handling does in memcached.
 *
 * <p>Threading: confined to its connection's worker loop, like its command objects; the store and the
 * {@link MemcachedContext} are shared and thread-safe. A get hit and a set allocate nothing.
 */
public final class MemcachedHandler extends LineHandler {
    /** memcached closes a connection whose non-get line has 2048 bytes without a newline. */
    static final int MAX_NON_GET_LINE = 2048;

    private final RequestLine request = new RequestLine();
    private final RetrievalCommands retrieval;
    private final StorageCommands storage;
    private final KeyCommands keys;
    private final AdminCommands admin;
    private final MetaGet metaGet;
    private final MetaCommands metaCommands;
    private final MetaSet metaSet;
    private final MetaDebug metaDebug;
    private final MemcachedContext context;
    private boolean quitting;

    public MemcachedHandler(MemcachedContext context) {
        this.context = context;
        this.retrieval = new RetrievalCommands(context.store);
        this.storage = new StorageCommands(context);
        this.keys = new KeyCommands(context.store);
        this.admin = new AdminCommands(context);
        MetaFlags metaFlags = new MetaFlags();
        MetaKey metaKey = new MetaKey();
        this.metaGet = new MetaGet(context.store, metaFlags, metaKey);
        this.metaCommands = new MetaCommands(context.store, metaFlags, metaKey);
        this.metaSet = new MetaSet(storage, metaFlags, metaKey);
        this.metaDebug = new MetaDebug(context, metaKey);
    }

    /** memcached's try_read_command_ascii: over 2048 bytes without a newline, only a multi-get may go on. */
    @Override
    public void onPartialLine(Connection c, ByteSpan soFar) {
        if (soFar.length() > MAX_NON_GET_LINE && !isMultiGet(soFar)) {
            c.close();
        }
    }

    @Override
    public void onLine(Connection c, ByteSpan line) {
        if (quitting) {
            return; // lines pipelined after quit: memcached never reads them
        }
        RequestLine r = request.reset(line);
        if (r.ntokens() < 2 || r.length(0) < 2) {
            c.write(Replies.ERROR);
            return;
        }
        byte first = line.byteAt(r.start(0));
        if (first == 'm' && r.length(0) == 2) {
            meta(c, r);
        } else if (first == 'g') {
            get(c, r);
        } else if (first == 's' || first == 'a' || first == 'r' || first == 'p' || first == 'c') {
            storageOrStats(c, r);
        } else if (first == 'i' || first == 'd' || first == 't') {
            keyCommand(c, r);
        } else {
            other(c, r);
        }
    }

    private void get(Connection c, RequestLine r) {
        if (r.ntokens() < 3) {
            c.write(Replies.ERROR);
        } else if (r.is(0, "get")) {
            retrieval.handle(c, r, false, false);
        } else if (r.is(0, "gets")) {
            retrieval.handle(c, r, true, false);
        } else if (r.is(0, "gat")) {
            retrieval.handle(c, r, false, true);
        } else if (r.is(0, "gats")) {
            retrieval.handle(c, r, true, true);
        } else {
            c.write(Replies.ERROR);
        }
    }

    private void storageOrStats(Connection c, RequestLine r) {
        StoreMode mode = storeMode(r);
        int n = r.ntokens();
        if (mode == StoreMode.CAS ? (n == 7 || n == 8) : mode != null && (n == 6 || n == 7)) {
            storage.handle(c, r, mode);
        } else if (mode != null) {
            c.write(Replies.ERROR);
        } else if (r.is(0, "stats")) {
            admin.stats(c, r);
        } else if (r.is(0, "shutdown")) {
            c.write(Replies.SHUTDOWN_DISABLED);
        } else {
            c.write(Replies.ERROR);
        }
    }

    private static StoreMode storeMode(RequestLine r) {
        if (r.is(0, "set")) {
            return StoreMode.SET;
        } else if (r.is(0, "add")) {
            return StoreMode.ADD;
        } else if (r.is(0, "replace")) {
            return StoreMode.REPLACE;
        } else if (r.is(0, "append")) {
            return StoreMode.APPEND;
        } else if (r.is(0, "prepend")) {
            return StoreMode.PREPEND;
        } else if (r.is(0, "cas")) {
            return StoreMode.CAS;
        }
        return null;
    }

    private void keyCommand(Connection c, RequestLine r) {
        int n = r.ntokens();
        boolean fourOrFive = n == 4 || n == 5;
        if (r.is(0, "incr") && fourOrFive) {
            keys.arithmetic(c, r, true);
        } else if (r.is(0, "decr") && fourOrFive) {
            keys.arithmetic(c, r, false);
        } else if (r.is(0, "touch") && fourOrFive) {
            keys.touch(c, r);
        } else if (r.is(0, "delete") && n >= 3 && n <= 5) {
            keys.delete(c, r);
        } else {
            c.write(Replies.ERROR);
        }
    }

    private void meta(Connection c, RequestLine r) {
        if (r.is(0, "mn")) {
            c.write(Replies.MN);
            return;
        }
        if (r.is(0, "me")) {
            metaDebug.handle(c, r);
            return;
        }
        boolean keyed = r.ntokens() >= 3;
        if (keyed && r.is(0, "mg")) {
            metaGet.handle(c, r);
        } else if (keyed && r.is(0, "ms")) {
            metaSet.handle(c, r);
        } else if (keyed && r.is(0, "md")) {
            metaCommands.delete(c, r);
        } else if (keyed && r.is(0, "ma")) {
            metaCommands.arithmetic(c, r);
        } else {
            c.write(Replies.ERROR); // a meta command without a key, or an unknown one
        }
    }

    private void other(Connection c, RequestLine r) {
        int n = r.ntokens();
        if (r.is(0, "flush_all") && n >= 2 && n <= 4) {
            admin.flushAll(c, r);
        } else if (r.is(0, "version")) {
            c.write(Replies.VERSION);
        } else if (r.is(0, "quit")) {
            quitting = true;
            c.closeAfterFlush();
        } else if (r.is(0, "verbosity") && (n == 3 || n == 4)) {
            admin.verbosity(c, r);
        } else if (r.span().equalsAscii(r.start(n - 2), Math.min(r.end(n - 2), r.start(n - 2) + 5), "HTTP/")) {
            c.close(); // an HTTP request line: memcached hangs up
        } else {
            c.write(Replies.ERROR);
        }
    }

    /** memcached's test for a long line it keeps reading: at most 100 leading spaces, then "get " or "gets ". */
    private static boolean isMultiGet(ByteSpan line) {
        int i = 0;
        while (i < line.length() && line.byteAt(i) == ' ') {
            i++;
        }
        return i <= 100 && (line.equalsAscii(i, Math.min(line.length(), i + 4), "get ")
                || line.equalsAscii(i, Math.min(line.length(), i + 5), "gets "));
    }

    @Override
    public void onBlock(Connection c, ByteSpan chunk, boolean last) {
        storage.onBlock(c, chunk, last);
    }

    @Override
    public void onBlockEndMismatch(Connection c) {
        storage.onBlockEndMismatch(c);
    }

    @Override
    public void onLineTooLong(Connection c, int maxLineBytes) {
        // memcached closes without a word; the framework closes after this hook
    }

    @Override
    public void onClose(Connection c, CloseReason reason) {
        storage.onClose();
    }
}
