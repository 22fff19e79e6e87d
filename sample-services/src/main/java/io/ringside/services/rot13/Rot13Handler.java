package io.ringside.services.rot13;

import io.ringside.ByteSpan;
import io.ringside.Connection;
import io.ringside.LineHandler;

/**
 * Replies each line ROT13'd (the libevent book's example server).
 *
 * <p>Confined to its connection's worker. Allocates nothing per line: the line is copied into a
 * scratch array owned by the worker thread (not by the connection, so an idle connection holds none),
 * rotated there and queued.
 */
public final class Rot13Handler extends LineHandler {
    /** One scratch array per worker thread; grows to the longest line seen. */
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[256]);

    @Override
    public void onLine(Connection connection, ByteSpan line) {
        int n = line.length();
        byte[] scratch = SCRATCH.get();
        if (scratch.length < n) {
            scratch = new byte[Math.max(n, scratch.length * 2)];
            SCRATCH.set(scratch);
        }
        line.copyTo(scratch, 0);
        Rot13.applyInPlace(scratch, n);
        connection.write(scratch, 0, n).writeEndOfLine();
    }
}
