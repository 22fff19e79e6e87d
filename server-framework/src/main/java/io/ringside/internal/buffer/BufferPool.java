package io.ringside.internal.buffer;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Free direct buffers of one size, reused by one worker's connections so that a connection holds a
 * buffer only while it has bytes in it.
 *
 * <p>Confined to its worker: no locking. Buffers of another size (grown for a long line) are not
 * taken back; they go to the garbage collector. {@link #inUseBytes} alone may be read on any thread (metrics).
 */
public final class BufferPool {
    private final int bufferSize;
    private final int maxRetained;
    private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();
    /** Pooled-size buffers handed out and not taken back; written by the worker (lazySet), read by a metrics scrape. */
    private final AtomicInteger inUse = new AtomicInteger();

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
        inUse.lazySet(inUse.get() + 1);
        return b;
    }

    /** Takes a buffer back for reuse; the caller must not touch it afterwards. */
    public void release(ByteBuffer b) {
        if (b.capacity() == bufferSize) {
            inUse.lazySet(inUse.get() - 1);
        }
        if (b.capacity() == bufferSize && b.isDirect() && free.size() < maxRetained) {
            b.clear();
            free.addLast(b);
        }
    }

    /** Any thread: bytes of the pooled-size buffers handed out now (whole buffers, full or not). */
    public long inUseBytes() {
        return (long) inUse.get() * bufferSize;
    }
}
