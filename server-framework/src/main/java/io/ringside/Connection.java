package io.ringside;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * A handler's view of its connection: write replies, close, pause, run work on the connection's own loop.
 *
 * <p>Threading: confined to the worker that owns the connection. Only {@link #execute},
 * {@link #schedule}, {@link #id()} and {@link #remoteAddress()} may be called from other threads;
 * {@code execute} and {@code schedule} hand the work over to the owning worker. The methods that change the
 * connection (writes, {@link #readBlock}, pause/resume, close) assert (with {@code -ea}) that they run on
 * the owning worker; the others must be called there too.
 *
 * <p>Writes are queued in the connection's output buffer and flushed once per read batch with one
 * gathering write. They never block and are never truncated while the connection stays open; above the
 * high watermark the connection stops reading until the peer catches up, above the hard cap it is
 * closed ({@link CloseReason#OUTPUT_OVERFLOW}). Writes after close are ignored.
 */
public interface Connection {

    /** Server-unique id, as in log lines ({@code [conn-42]}). */
    long id();

    /** The peer's address. */
    InetSocketAddress remoteAddress();

    /** Queues {@code len} bytes of {@code src} from {@code off}. */
    Connection write(byte[] src, int off, int len);

    /** Queues all bytes of {@code src}. */
    default Connection write(byte[] src) {
        return write(src, 0, src.length);
    }

    /** Queues the bytes of a span (a received line or block chunk) without copying it to the heap. */
    Connection write(ByteSpan span);

    /** Queues text encoded as UTF-8 (allocates for non-ASCII text; ASCII is copied directly). */
    Connection write(CharSequence text);

    /** Queues the configured reply terminator ({@link EndOfLine#replyTerminator()}). */
    Connection writeEndOfLine();

    /** Queues a span followed by the reply terminator: the echo of a received line. */
    default Connection writeLine(ByteSpan line) {
        return write(line).writeEndOfLine();
    }

    /** Queues text (UTF-8) followed by the reply terminator. */
    default Connection writeLine(CharSequence text) {
        return write(text).writeEndOfLine();
    }

    /** Bytes queued and not yet accepted by the socket. */
    long pendingOutputBytes();

    /**
     * Delivers the next {@code length} received bytes to {@link LineHandler#onBlock} (in one or more
     * chunks) instead of splitting them into lines; line mode resumes after them. Typically called
     * from {@link LineHandler#onLine} for a command announcing a payload (memcached's {@code set}).
     */
    void readBlock(long length);

    /** Stops delivering lines and reading from the socket until {@link #resumeReading()}. */
    void pauseReading();

    /** Undoes {@link #pauseReading()}; lines already buffered are delivered on the next loop turn. */
    void resumeReading();

    /** Closes at once; queued output is discarded. {@link LineHandler#onClose} follows with {@link CloseReason#LOCAL_CLOSE}. */
    void close();

    /** Stops reading and closes once every queued byte is flushed. */
    void closeAfterFlush();

    /** Whether the connection is open and not closing. */
    boolean isOpen();

    /** Runs {@code task} on the owning worker, after the current handler call. Thread-safe. */
    void execute(Runnable task);

    /**
     * Runs {@code task} on the owning worker after {@code delay}. Thread-safe. Timers of a closed
     * connection do not run.
     */
    ScheduledTask schedule(Duration delay, Runnable task);

    /** The object stored with {@link #attach}, or null. */
    Object attachment();

    /** Stores one object with the connection (per-connection state of the application). */
    void attach(Object attachment);
}
