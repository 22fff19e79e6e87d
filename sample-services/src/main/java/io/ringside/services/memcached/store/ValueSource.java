package io.ringside.services.memcached.store;

import java.nio.ByteBuffer;

/**
 * Bytes of a value as they arrive, copied by {@link Reservation#write(ValueSource, int, int)} straight into item
 * memory, without a stop on the heap. The handler adapts its input to it (a connection's input span has exactly
 * this method). Implementations copy with absolute puts only ({@code dst.put(dstIndex, ...)}) and never change
 * {@code dst}'s position, limit or mark: it is a slab page shared by all threads. Called on the thread that writes
 * the reservation.
 */
@FunctionalInterface
public interface ValueSource {
    /** Copies this source's bytes {@code [from, to)} into {@code dst} at {@code dstIndex}. */
    void copyTo(int from, int to, ByteBuffer dst, int dstIndex);
}
