package io.ringside.services.memcached;

/**
 * A byte array per worker thread for encoding a binary key (base64) before it is written, without allocating.
 * Values do not pass through it: they go from the store's pages to the connection with
 * {@link io.ringside.Connection#write(java.nio.ByteBuffer, int, int)}. One array per thread (not per connection):
 * thousands of idle connections cost nothing. Thread-confined by construction (a {@link ThreadLocal}).
 */
final class WorkerScratch {
    /** Bytes in the array: room for the base64 form of the longest key. */
    static final int BYTES = 1024;

    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[BYTES]);

    private WorkerScratch() {
    }

    /** The calling thread's array ({@link #BYTES} long). */
    static byte[] get() {
        return SCRATCH.get();
    }
}
