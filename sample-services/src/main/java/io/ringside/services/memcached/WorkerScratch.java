package io.ringside.services.memcached;

import io.ringside.Connection;
import java.nio.ByteBuffer;

/**
 * A byte array per worker thread for moving value bytes between the store's pages and a connection without
 * allocating: {@link Connection#write(ByteBuffer)} would move the shared page's position, which a
 * {@link io.ringside.services.memcached.store.ValueSink} must not touch, so bytes are copied with absolute reads
 * into this array and written from it. One array per thread (not per connection): thousands of idle
 * connections cost nothing. Thread-confined by construction (a {@link ThreadLocal}).
 */
final class WorkerScratch {
    /** Bytes per copy step; a larger value goes through in several steps. */
    static final int BYTES = 16 * 1024;

    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[BYTES]);

    private WorkerScratch() {
    }

    /** The calling thread's array ({@link #BYTES} long). */
    static byte[] get() {
        return SCRATCH.get();
    }

    /** Writes {@code src[offset, offset + length)} to {@code c}, leaving {@code src}'s position alone. */
    static void copy(ByteBuffer src, int offset, int length, Connection c) {
        byte[] buf = SCRATCH.get();
        for (int done = 0; done < length; ) {
            int n = Math.min(buf.length, length - done);
            src.get(offset + done, buf, 0, n);
            c.write(buf, 0, n);
            done += n;
        }
    }
}
