package io.ringside.services.memcached.store;

import java.nio.ByteBuffer;

/**
 * Receives the value of a hit. The store calls it while it holds the item's stripe lock, so the value cannot change
 * or be freed during the call; the bytes must be copied out before returning (into the connection's output queue).
 *
 * <p>Rules for implementations: use {@code src} only with absolute methods ({@code get(int)},
 * {@code dst.put(dstIndex, src, offset, length)}); never change its position, limit or mark (it is shared by all
 * threads); never keep it after returning; never call back into the store (the stripe lock is not reentrant:
 * that would deadlock); do not block. Called on the thread that called the store.
 */
@FunctionalInterface
public interface ValueSink {
    /**
     * One hit.
     *
     * @param src    read-only memory holding the value at {@code [offset, offset + length)}
     * @param offset where the value starts in {@code src}
     * @param length the value's length in bytes
     * @param flags  the client flags, a 32-bit unsigned number ({@link Integer#toUnsignedString(int)})
     * @param cas    the CAS unique (for {@code gets} / {@code gats})
     */
    void value(ByteBuffer src, int offset, int length, int flags, long cas);
}
