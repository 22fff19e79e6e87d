package io.ringside.internal.buffer;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Free direct buffers of one size, reused by one worker's connections so that a connection holds a
 * buffer only while it has bytes in it.
 *
 * <p>Confined to its worker: no locking. Buffers of another size (grown for a long line) are not
 * taken back; they go to the garbage collector.
 */
public final class BufferPool {
    private final int bufferSize;
    private final int maxRetained;
    private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();

    public BufferPool(int bufferSize, int maxRetained) {
        this.bufferSize = bufferSize;
        this.maxRetained = maxRetained;
    }

    /** The size of the pooled buffers. */
    public int bufferSize() {
        return bufferSize;
    }

    /** A cleared buffer of {@code bufferSize} bytes. */
    public ByteBuffer acquire() {
        ByteBuffer b = free.pollLast();
        if (b == null) {
            b = ByteBuffer.allocateDirect(bufferSize);
        }
        return b;
    }

    /** Takes a buffer back for reuse; the caller must not touch it afterwards. */
    public void release(ByteBuffer b) {
        if (b.capacity() == bufferSize && b.isDirect() && free.size() < maxRetained) {
            b.clear();
            free.addLast(b);
        }
    }
}
