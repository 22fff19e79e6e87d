package io.ringside.internal;

import io.ringside.CloseReason;
import io.ringside.Connection;
import io.ringside.LineHandler;
import io.ringside.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * A connection with no socket, driven by the calling thread through the real framing, buffering and
 * handler dispatch: the engine behind {@code io.ringside.testing.HandlerHarness}.
 *
 * <p>Confined to the thread that created it (it becomes the connection's loop thread).
 */
public final class DetachedConnection {
    private final WorkerLoop loop;
    private final NioConnection connection;
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();

    public DetachedConnection(ServerConfig config, LineHandler handler) {
        loop = WorkerLoop.detached(config, () -> handler);
        loop.bindToCurrentThread();
        connection = loop.adoptDetached(handler);
        collect();
    }

    public Connection connection() {
        return connection;
    }

    /** Delivers bytes as reads, serving left-over lines and due work after each; output is collected. */
    public void receive(ByteBuffer bytes) {
        deliver(bytes, true);
    }

    /**
     * {@link #receive}, but the output is dropped, as by a socket that takes everything, instead of
     * collected (collecting copies it into fresh arrays): allocates nothing once the pools are warm, so
     * the benchmarks measure allocation per line with it. Returns the bytes dropped.
     */
    public long receiveDiscardingOutput(ByteBuffer bytes) {
        return deliver(bytes, false);
    }

    private long deliver(ByteBuffer bytes, boolean collectOutput) {
        long dropped = 0;
        while (bytes.hasRemaining() && !connection.isClosed()) {
            int taken = connection.receive(bytes);
            runLocalWork();
            if (collectOutput) {
                collect();
            } else {
                dropped += connection.discardOutput();
            }
            if (taken == 0 && !connection.queuedReady) {
                if (bytes.hasRemaining() && !connection.isClosed() && connection.isOpen()) {
                    throw new IllegalStateException("the connection stopped reading (paused?) with " + bytes.remaining() + " bytes undelivered");
                }
                break;
            }
        }
        return dropped;
    }

    public void endOfStream() {
        connection.receiveEndOfStream();
        settle();
    }

    /** Runs tasks, timers due now and connections with lines left over from their budget. */
    public void settle() {
        runLocalWork();
        collect();
    }

    private void runLocalWork() {
        for (int rounds = 0; rounds < 1_000_000 && (connection.queuedReady || loop.hasLocalWork()); rounds++) {
            loop.runLocalWork();
        }
    }

    /** Everything written since the last call. */
    public byte[] takeOutput() {
        collect();
        byte[] bytes = written.toByteArray();
        written.reset();
        return bytes;
    }

    /** Why the connection closed, or null while it is open. */
    public CloseReason closeReason() {
        collect();
        return connection.closedBecause();
    }

    /** The connection's loop (tests of the loop's machinery). */
    WorkerLoop loop() {
        return loop;
    }

    /** Stands for the socket accepting everything queued; completes a pending close-after-flush. */
    private void collect() {
        if (!connection.isClosed()) {
            connection.drainOutputTo(written);
        }
    }
}
