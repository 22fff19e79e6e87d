package io.ringside.internal.transport;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * An in-memory peer: the bytes it was fed are what the connection reads; what the connection writes is
 * collected (or dropped, as by a socket that takes everything). The peer can be slow (takes at most so
 * many bytes per write) or stalled (takes nothing), so back-pressure is testable without sockets.
 *
 * <p>Confined to the thread that drives it (the harness's thread, which is the connection's loop).
 */
public final class MemoryTransport implements Transport {
    private static final InetSocketAddress PEER = InetSocketAddress.createUnresolved("harness-peer", 1);
    private static final InetSocketAddress LOCAL = InetSocketAddress.createUnresolved("harness", 2);

    private final ArrayDeque<ByteBuffer> incoming = new ArrayDeque<>();
    private final ByteArrayOutputStream collected = new ByteArrayOutputStream();
    private boolean endOfStream;
    private boolean discardOutput;
    private long discarded;
    private long peerTakesAtMost = Long.MAX_VALUE;
    private boolean wantsRead = true;
    private boolean wantsWrite;
    private boolean closed;
    private boolean outputShutDown;

    /** The peer sends {@code bytes} (delivered by later reads, in order). */
    public void feed(ByteBuffer bytes) {
        if (bytes.hasRemaining()) {
            incoming.addLast(bytes);
        }
    }

    /** The peer shuts down its output: reads return -1 once the fed bytes are read. */
    public void feedEndOfStream() {
        endOfStream = true;
    }

    /** Fed bytes the connection has not read yet. */
    public long unread() {
        long n = 0;
        for (ByteBuffer b : incoming) {
            n += b.remaining();
        }
        return n;
    }

    /** Whether a read would return something now (bytes or the end of stream). */
    public boolean readable() {
        return !closed && (!incoming.isEmpty() || endOfStream);
    }

    /** The peer reads at most {@code bytes} per write of the connection (0: it has stalled). */
    public void peerTakesAtMost(long bytes) {
        this.peerTakesAtMost = bytes;
    }

    /** How many bytes the peer takes per write now (0: stalled). */
    public long peerLimit() {
        return peerTakesAtMost;
    }

    /** From now on the peer takes everything and drops it (allocates nothing: the benchmarks' peer). */
    public void discardOutput(boolean discard) {
        this.discardOutput = discard;
    }

    /** Bytes dropped while {@link #discardOutput} was on. */
    public long discarded() {
        return discarded;
    }

    /** Everything the connection wrote since the last call. */
    public byte[] takeCollected() {
        byte[] bytes = collected.toByteArray();
        collected.reset();
        return bytes;
    }

    public boolean wantsRead() {
        return wantsRead && !closed;
    }

    public boolean wantsWrite() {
        return wantsWrite && !closed;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Whether the connection shut down its output (the peer would read the end of stream). */
    public boolean outputShutDown() {
        return outputShutDown;
    }

    @Override
    public void shutdownOutput() {
        outputShutDown = true;
    }

    @Override
    public int read(ByteBuffer dst) {
        ByteBuffer next = incoming.peekFirst();
        if (next == null) {
            return endOfStream ? -1 : 0;
        }
        int n = Math.min(next.remaining(), dst.remaining());
        dst.put(dst.position(), next, next.position(), n);
        dst.position(dst.position() + n);
        next.position(next.position() + n);
        if (!next.hasRemaining()) {
            incoming.pollFirst();
        }
        return n;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) {
        long budget = peerTakesAtMost;
        long taken = 0;
        for (int i = offset; i < offset + length && budget > 0; i++) {
            ByteBuffer b = srcs[i];
            int n = (int) Math.min(b.remaining(), budget);
            if (discardOutput) {
                b.position(b.position() + n);
                discarded += n;
            } else {
                for (int j = 0; j < n; j++) {
                    collected.write(b.get());
                }
            }
            budget -= n;
            taken += n;
        }
        return taken;
    }

    @Override
    public void interest(boolean read, boolean write) {
        wantsRead = read;
        wantsWrite = write;
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return PEER;
    }

    @Override
    public InetSocketAddress localAddress() {
        return LOCAL;
    }
}
