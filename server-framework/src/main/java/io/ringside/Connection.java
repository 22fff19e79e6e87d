package io.ringside;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * A handler's view of its connection: write replies, close, pause, run work on the connection's own loop.
 *
 * <p>Threading: confined to the worker that owns the connection. Only {@link #execute},
 * {@link #schedule}, {@link #id()}, {@link #remoteAddress()}, {@link #localAddress()} and
 * {@link #proxyAddress()} may be called
 * from other threads; {@code execute} and {@code schedule} hand the work over to the owning worker. Every
 * other method asserts (with {@code -ea}) that it runs on the owning worker.
 *
 * <p>Writes are queued in the connection's output buffer and flushed once per read batch with one
 * gathering write. They never block and are never truncated while the connection stays open; above the
 * high watermark the connection stops reading until the peer catches up ({@link LineHandler#onWritable}
 * says when), above the hard cap it is closed ({@link CloseReason#OUTPUT_OVERFLOW}). Writes after close
 * (or after {@link #shutdownOutput}) are ignored.
 *
 * <p>Outbound connections ({@link #connect}) are the same view on the same loop: a relay is two handlers
 * that write to each other's connection and pause each other ({@link #readRaw()}).
 */
public interface Connection {

    /** Server-unique id, as in log lines ({@code [conn-42]}). */
    long id();

    /**
     * The peer's address (null when it cannot be known, e.g. the socket is already gone): the client's, from
     * the PROXY header, on a listener that reads one (see {@link #proxyAddress()}).
     */
    InetSocketAddress remoteAddress();

    /**
     * This end's address (null when it cannot be known). Behind a proxy that sent a PROXY header, the
     * address the client connected to, as the header says.
     */
    InetSocketAddress localAddress();

    /**
     * The address of the proxy that connected on the client's behalf (the socket's peer) when the listener
     * reads a PROXY protocol header ({@code proxy-protocol}); null when it does not. {@link #remoteAddress()}
     * is then the client's address from the header, or the proxy's own for a header that names no client
     * (a {@code LOCAL} health check, {@code UNKNOWN}, a UNIX socket or an unspecified family).
     */
    default InetSocketAddress proxyAddress() {
        return null;
    }

    /** Queues {@code len} bytes of {@code src} from {@code off}. */
    Connection write(byte[] src, int off, int len);

    /** Queues all bytes of {@code src}. */
    default Connection write(byte[] src) {
        return write(src, 0, src.length);
    }

    /**
     * Queues {@code src}'s remaining bytes (heap or direct; copied, never truncated) and advances its
     * position to its limit, as a channel write would.
     */
    Connection write(ByteBuffer src);

    /**
     * Queues {@code src[offset, offset + length)} (heap or direct; copied) with absolute reads: {@code src}'s
     * position, limit and mark are not changed, so memory shared with other threads, such as a cache's
     * pages, can be written from without a duplicate or a stop on the heap.
     */
    Connection write(ByteBuffer src, int offset, int length);

    /** Queues the bytes of a span (a received line or block chunk, or a span of the application's). */
    default Connection write(ByteSpan span) {
        return write(span, 0, span.length());
    }

    /** Queues {@code span[from, to)} without copying it to the heap. */
    Connection write(ByteSpan span, int from, int to);

    /** Queues text encoded as UTF-8 (allocates for non-ASCII text; ASCII is copied directly). */
    Connection write(CharSequence text);

    /** Queues the decimal digits of {@code value} (a '-' first when negative), without a String. */
    Connection writeAscii(long value);

    /** Queues {@code value} as an unsigned 64-bit decimal (0 to 18446744073709551615), without a String. */
    Connection writeUnsignedAscii(long value);

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

    /** Bytes queued and not yet accepted by the peer. */
    long pendingOutputBytes();

    /** Whether pending output is below the high watermark (writing more does not stop reading). */
    boolean isWritable();

    /**
     * Delivers the next {@code length} received bytes to {@link LineHandler#onBlock} instead of splitting
     * them into lines; line mode resumes after them. Typically called from {@link LineHandler#onLine} for
     * a command announcing a payload.
     *
     * @throws IllegalStateException when a block is already pending
     */
    void readBlock(long length);

    /**
     * {@link #readBlock(long)} for a block followed by a terminator, as memcached's {@code <data>\r\n}
     * and RESP's bulk strings are: the {@code terminator}'s reply bytes ({@code \r\n} for CRLF and
     * CRLF_STRICT, {@code \n} for LF) must follow the block, or {@link LineHandler#onBlockEndMismatch} is
     * called. A block that fits in the read buffer arrives as one span.
     */
    void readBlock(long length, EndOfLine terminator);

    /**
     * Raw mode, for relays and tunnels: from now on every received byte goes to {@link LineHandler#onBlock} as it
     * arrives ({@code last} is always false; a chunk holds at most one read buffer), without line framing; bytes
     * already buffered come first. In raw mode the handler owns the stream:
     * <ul>
     * <li>its own pending output does not stop its reading (a relay's two directions are independent; the
     *     handler pauses the <em>other</em> side while {@link #isWritable()} is false, and resumes it in
     *     {@link LineHandler#onWritable}); the hard cap still closes it;</li>
     * <li>the end of input does not close it: {@link LineHandler#onInputEnd} is called and the connection stays
     *     open for output until the handler calls {@link #shutdownOutput()} (then it closes, {@link CloseReason#PEER_CLOSED}),
     *     {@link #closeAfterFlush()} or {@link #close()};</li>
     * <li>the idle timeout counts bytes in either direction; the line timeout does not apply.</li>
     * </ul>
     * There is no way back to line mode. Calling it again does nothing.
     *
     * @throws IllegalStateException when a data block ({@link #readBlock}) is pending
     */
    void readRaw();

    /**
     * Half-close: flushes what is queued, then shuts down this side's output (TCP FIN); reading goes on, and
     * later writes are ignored. A connection whose input has ended and whose output is shut down closes
     * ({@link CloseReason#PEER_CLOSED}). A relay calls it on one side when the other side's input ended.
     */
    void shutdownOutput();

    /**
     * Opens an outbound TCP connection to {@code address} on this connection's worker, served by {@code handler}
     * (the same {@link LineHandler} API and settings as accepted connections; it is not counted against the
     * connection limits). Returns its connection at once, not yet connected: writes queue and go out once it is,
     * under the same watermarks. The handler hears {@link LineHandler#onOpen} once connected; if the connect
     * fails (refused, unreachable, unresolved address) it hears only {@link LineHandler#onClose} with
     * {@link CloseReason#CONNECT_FAILED}, or {@link CloseReason#CONNECT_TIMEOUT} when not connected within
     * {@code timeout} (checked by the loop's timeout sweep: a quarter-second precision). Neither hook is called
     * during this call, and nothing is thrown for a network failure. {@code address} must be resolved: a name
     * lookup would block the worker (resolve it beforehand, or in {@link #offload}).
     *
     * @throws IllegalArgumentException when {@code timeout} is not positive
     */
    default Connection connect(InetSocketAddress address, Duration timeout, LineHandler handler) {
        return connect(address, timeout, ConnectOptions.PLAIN, handler);
    }

    /**
     * {@link #connect(InetSocketAddress, Duration, LineHandler)} with TLS and/or a PROXY header to send
     * ({@link ConnectOptions}): the handler hears onOpen once connected and, with TLS, once the handshake is done
     * (the server's certificate verified); the timeout covers both. A handshake or verification that fails ends
     * in onClose with {@link CloseReason#TLS_HANDSHAKE_FAILED}, never onOpen, and nothing is thrown.
     *
     * @throws IllegalArgumentException when {@code timeout} is not positive
     */
    Connection connect(InetSocketAddress address, Duration timeout, ConnectOptions options, LineHandler handler);

    /** Stops delivering lines and reading from the socket until {@link #resumeReading()}. */
    void pauseReading();

    /** Undoes {@link #pauseReading()}; lines already buffered are delivered on the next loop turn. */
    void resumeReading();

    /** Closes at once; queued output is discarded. {@link LineHandler#onClose} follows with {@link CloseReason#LOCAL_CLOSE}. */
    void close();

    /** Stops reading and closes once every queued byte is flushed (and pending offloaded calls answered). */
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

    /**
     * Runs a blocking {@code call} (a database, a file) off the worker (a virtual thread on JDK 21+, a
     * bounded pool on 17) and hands its outcome to {@code then} on this connection's worker. Outcomes are
     * delivered in the order of the calls on this connection, so replies written in {@code then} keep
     * request order. While {@code max-offloads-per-connection} calls are in flight, reading pauses.
     * Outcomes for a connection closed meanwhile are dropped.
     */
    <T> void offload(Callable<T> call, OffloadCallback<T> then);

    /** The object stored with {@link #attach}, or null. */
    Object attachment();

    /** Stores one object with the connection (per-connection state of the application). */
    void attach(Object attachment);
}
