package io.ringside.internal;

import io.ringside.ByteSpan;
import io.ringside.CloseReason;
import io.ringside.Connection;
import io.ringside.LineHandler;
import io.ringside.Metric;
import io.ringside.ScheduledTask;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One accepted connection: its socket, input buffer, framing state, output queue and handler.
 *
 * <p>Confined to its {@link WorkerLoop} from registration to close; every method but {@link #id()},
 * {@link #remoteAddress()}, {@link #execute} and {@link #schedule} asserts that. Input is read into a
 * pooled buffer that goes back to the pool as soon as every byte in it was consumed, so an idle
 * connection holds no buffer.
 */
public final class NioConnection implements Connection {
    private static final HandlerAccess HOOKS = HandlerAccess.get();
    /** While draining, reads per wake-up before the other connections get their turn. */
    private static final int MAX_READS_WHILE_DRAINING = 16;

    private final long id;
    private final WorkerLoop loop;
    private final SocketChannel channel;
    private final LineHandler handler;
    private final OutputQueue output;
    private InetSocketAddress remote;
    /** Loop time of the last complete line (or of the open): the idle timeout's start. */
    private long lastLineNanos;
    /** Loop time when the pending partial line started, 0 when none: the line timeout's start. */
    private long partialSinceNanos;
    private SelectionKey key;
    private int interestOps;

    private final InputBuffer input;

    private boolean userPaused;
    private boolean backpressured;
    private boolean inputDone;
    private boolean draining;
    private boolean closing;
    private boolean closed;
    /** Whether this connection sits in its loop's ready queue with lines left over from its budget. */
    boolean queuedReady;
    private CloseReason closeReason;
    private CloseReason closedBecause;
    private Object attachment;
    /** Index in the loop's connection table (swap-remove). */
    int slot = -1;

    NioConnection(long id, WorkerLoop loop, SocketChannel channel, LineHandler handler, InetSocketAddress remote, long nowNanos) {
        this.id = id;
        this.remote = remote;
        this.lastLineNanos = nowNanos;
        this.loop = loop;
        this.channel = channel;
        this.handler = handler;
        this.output = new OutputQueue(loop.writePool);
        this.input = new InputBuffer(loop.readPool, loop.framer);
    }

    void registered(SelectionKey key) {
        this.key = key;
        this.interestOps = key == null ? 0 : key.interestOps();
    }

    /** Calls the handler's onOpen and flushes what it wrote (a greeting). */
    void open() {
        try {
            HOOKS.open(handler, this);
        } catch (RuntimeException | Error e) {
            handlerFailed(e);
        }
        flush();
    }

    // ---- input ---------------------------------------------------------------------------------

    /** The socket is readable: one read (more while draining), then frame and dispatch, then flush. */
    void onReadable() {
        assert loop.inLoop();
        for (int reads = 0; !closed && wantsRead(); reads++) {
            if (reads == MAX_READS_WHILE_DRAINING) {
                loop.queueReady(this); // more next turn: one connection must not hold its worker (or the drain deadline)
                break;
            }
            int n;
            try {
                n = channel.read(input.forRead());
            } catch (IOException e) {
                loop.log.debug(this, "read failed", e);
                closeNow(CloseReason.IO_ERROR);
                return;
            }
            if (n < 0) {
                inputDone = true;
                closeReason = CloseReason.PEER_CLOSED;
            } else if (n == 0 && draining) {
                inputDone = true;
            } else if (n > 0) {
                loop.counters.add(Metric.BYTES_IN, n);
            }
            processInput();
            if (!draining || n <= 0) {
                break;
            }
        }
        afterBatch();
    }

    /**
     * The harness: takes as many bytes of {@code src} as the input buffer has room for, as if one read
     * returned them, and processes them. Returns how many were taken (0 when reading is paused).
     */
    int receive(ByteBuffer src) {
        assert loop.inLoop();
        if (closed || !wantsRead()) {
            return 0;
        }
        int n = input.copyFrom(src);
        loop.counters.add(Metric.BYTES_IN, n);
        processInput();
        afterBatch();
        return n;
    }

    /** The harness's end of stream. */
    void receiveEndOfStream() {
        inputDone = true;
        closeReason = CloseReason.PEER_CLOSED;
        processInput();
        afterBatch();
    }

    /** Lines left from the previous turn's budget (or after a resume): process them, then flush. */
    void onReady() {
        queuedReady = false;
        processInput();
        if (draining && !closed && wantsRead()) {
            onReadable(); // a draining connection must read to the end of what the kernel holds
        } else {
            afterBatch();
        }
    }

    private void processInput() {
        int budget = loop.linesPerWakeup;
        int lines = 0;
        InputSpan span = loop.span;
        while (!closed && !closing && !userPaused && !backpressured && input.hasBytes()) {
            if (input.inBlock()) {
                boolean last = input.nextBlockChunk(span);
                dispatch(span, last);
                continue;
            }
            if (budget == 0) {
                loop.queueReady(this);
                afterLines(lines);
                return;
            }
            int length = input.nextLine(span);
            if (length == InputBuffer.NO_LINE) {
                break;
            } else if (length == InputBuffer.TOO_LONG) {
                lineTooLong();
                break;
            }
            budget--;
            lines++;
            dispatch(span, null);
        }
        afterLines(lines);
        if (!closed) {
            input.compact();
        }
    }

    /** Counts the batch's lines and restarts the idle and line timeouts as they say. */
    private void afterLines(int lines) {
        long now = loop.turnNanos;
        if (lines > 0) {
            loop.counters.add(Metric.LINES_IN, lines);
            lastLineNanos = now;
            partialSinceNanos = 0;
        }
        if (!input.holdsPartialLine()) {
            partialSinceNanos = 0;
        } else if (partialSinceNanos == 0) {
            partialSinceNanos = now;
        }
    }

    /** The loop's periodic sweep: closes the connection past its idle or line timeout. */
    void checkTimeouts(long now, long idleTimeoutNanos, long lineTimeoutNanos) {
        if (closed) {
            return;
        }
        if (lineTimeoutNanos > 0 && partialSinceNanos != 0 && now - partialSinceNanos > lineTimeoutNanos) {
            loop.log.warnRateLimited(this, "line not finished within " + lineTimeoutNanos / 1_000_000 + " ms, closing");
            closeNow(CloseReason.LINE_TIMEOUT);
        } else if (idleTimeoutNanos > 0 && now - lastLineNanos > idleTimeoutNanos) {
            loop.log.debug(this, "idle timeout, closing", null);
            closeNow(CloseReason.IDLE_TIMEOUT);
        }
    }

    boolean admitted() {
        return channel != null;
    }

    /**
     * The address admission counted this connection under: the one the acceptor passed when admission
     * tracks addresses (the lazily looked-up one otherwise, which admission then ignores).
     */
    InetSocketAddress admittedAddress() {
        return remote;
    }

    /** Calls onLine (lastChunk null) or onBlock with the span; a throwing handler closes its connection. */
    private void dispatch(InputSpan span, Boolean lastChunk) {
        try {
            if (lastChunk == null) {
                HOOKS.line(handler, this, span);
            } else {
                HOOKS.block(handler, this, span, lastChunk);
            }
        } catch (RuntimeException | Error e) {
            handlerFailed(e);
        } finally {
            span.clear();
        }
    }

    private void lineTooLong() {
        loop.log.warnRateLimited(this, "line too long (max " + loop.framer.maxLineBytes() + " bytes), closing");
        try {
            HOOKS.lineTooLong(handler, this, loop.framer.maxLineBytes());
        } catch (RuntimeException | Error e) {
            handlerFailed(e);
            return;
        }
        discardInput();
        closeAfterFlush(CloseReason.LINE_TOO_LONG);
    }

    private void handlerFailed(Throwable e) {
        loop.counters.increment(Metric.HANDLER_ERRORS);
        loop.log.warnRateLimited(this, "handler failed, closing: " + e, e);
        if (e instanceof VirtualMachineError) {
            throw (VirtualMachineError) e;
        }
        try {
            HOOKS.error(handler, this, e);
        } catch (RuntimeException | Error again) {
            loop.log.debug(this, "onError failed too", again);
        }
        discardInput();
        closeAfterFlush(CloseReason.HANDLER_ERROR);
    }

    private void discardInput() {
        input.release();
        inputDone = true;
    }

    /** End of a read batch: close after the peer's end of stream, flush, update interest. */
    private void afterBatch() {
        if (!closed && inputDone && !closing && !queuedReady && !input.hasUnscanned()) {
            if (input.holdsPartialLine()) {
                loop.counters.increment(Metric.PARTIAL_LINES_DROPPED);
                loop.log.debug(this, "end of stream inside a line: its bytes are dropped", null);
            }
            closeAfterFlush(closeReason != null ? closeReason : CloseReason.SERVER_STOP);
        }
        flush();
    }

    // ---- output --------------------------------------------------------------------------------

    void onWritable() {
        flush();
    }

    /** Writes what the socket takes; applies the watermarks; completes a close-after-flush. */
    void flush() {
        if (closed) {
            return;
        }
        if (output.pending() > 0 && channel != null) {
            try {
                loop.counters.add(Metric.BYTES_OUT, output.writeTo(channel));
            } catch (IOException e) {
                loop.log.debug(this, "write failed", e);
                closeNow(CloseReason.IO_ERROR);
                return;
            }
        }
        long pending = output.pending();
        if (backpressured && pending <= loop.lowWatermark) {
            backpressured = false;
            if (input.hasUnscanned() || draining) {
                loop.queueReady(this); // a draining connection must go on to read to the end, see onReady
            }
        }
        if (closing && pending == 0) {
            closeNow(closeReason);
            return;
        }
        updateInterest();
    }

    private void afterAppend() {
        long pending = output.pending();
        if (pending >= loop.highWatermark) {
            if (pending > loop.hardCap) {
                loop.log.warnRateLimited(this, "pending output " + pending + " bytes passed the hard cap, closing");
                closeNow(CloseReason.OUTPUT_OVERFLOW);
                return;
            }
            backpressured = true;
        }
    }

    private boolean wantsRead() {
        return !closing && !inputDone && !userPaused && !backpressured && !queuedReady;
    }

    private void updateInterest() {
        int ops = (wantsRead() ? SelectionKey.OP_READ : 0) | (output.pending() > 0 ? SelectionKey.OP_WRITE : 0);
        if (ops != interestOps && key != null && key.isValid()) {
            key.interestOps(ops);
            interestOps = ops;
        }
    }

    // ---- close and drain -----------------------------------------------------------------------

    /** Closes the socket now, discarding queued output; tells the handler once. */
    void closeNow(CloseReason reason) {
        if (closed) {
            return;
        }
        closed = true;
        closedBecause = reason;
        if (key != null) {
            key.cancel();
        }
        input.release();
        long lost = output.discard();
        loop.connectionClosed(this, reason, lost); // counted before the peer can see the close
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                loop.log.debug(this, "close failed", e);
            }
        }
        try {
            HOOKS.close(handler, this, reason);
        } catch (RuntimeException | Error e) {
            loop.counters.increment(Metric.HANDLER_ERRORS);
            loop.log.warnRateLimited(this, "onClose failed: " + e, e);
        }
    }

    private void closeAfterFlush(CloseReason reason) {
        if (!closing && !closed) {
            closing = true;
            closeReason = reason;
        }
    }

    /** The server is stopping: read what the kernel holds, answer it, then close after the flush. */
    void beginDrain() {
        draining = true;
        if (closed) {
            return;
        }
        if (channel == null || inputDone || closing) {
            inputDone = true;
            afterBatch();
        } else {
            onReadable();
        }
    }

    void drainOutputTo(java.io.ByteArrayOutputStream sink) {
        output.drainTo(sink);
        flush();
    }

    /** The benchmarks' stand-in for a socket that takes everything: drops what is queued; returns how much. */
    long discardOutput() {
        long dropped = output.discard();
        flush();
        return dropped;
    }

    boolean isClosed() {
        return closed;
    }

    /** Why the connection closed, or null while open. */
    CloseReason closedBecause() {
        return closedBecause;
    }

    // ---- Connection ----------------------------------------------------------------------------

    @Override
    public long id() {
        return id;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        InetSocketAddress r = remote;
        if (r == null && channel != null) {
            try {
                r = (InetSocketAddress) channel.getRemoteAddress();
            } catch (IOException e) {
                r = null;
            }
            if (loop.inLoop()) {
                remote = r; // cached only by the owning worker (the field is confined to it)
            }
        }
        return r;
    }

    @Override
    public Connection write(byte[] src, int off, int len) {
        assert loop.inLoop() : "write outside the connection's worker";
        java.util.Objects.checkFromIndexSize(off, len, src.length);
        if (!closed) {
            output.append(src, off, len);
            afterAppend();
        }
        return this;
    }

    @Override
    public Connection write(ByteSpan span) {
        assert loop.inLoop() : "write outside the connection's worker";
        if (closed) {
            return this;
        }
        if (span instanceof InputSpan) {
            InputSpan s = (InputSpan) span;
            output.append(s.buffer(), s.offset(), s.length());
        } else {
            byte[] copy = span.toByteArray();
            output.append(copy, 0, copy.length);
        }
        afterAppend();
        return this;
    }

    @Override
    public Connection write(CharSequence text) {
        assert loop.inLoop() : "write outside the connection's worker";
        if (closed) {
            return this;
        }
        int n = text.length();
        for (int i = 0; i < n; i++) {
            if (text.charAt(i) >= 0x80) {
                byte[] utf8 = text.toString().getBytes(StandardCharsets.UTF_8);
                return write(utf8, 0, utf8.length);
            }
        }
        output.appendAscii(text, 0, n);
        afterAppend();
        return this;
    }

    @Override
    public Connection writeEndOfLine() {
        byte[] t = loop.framer.replyTerminator();
        return write(t, 0, t.length);
    }

    @Override
    public long pendingOutputBytes() {
        assert loop.inLoop();
        return output.pending();
    }

    @Override
    public void readBlock(long length) {
        assert loop.inLoop();
        if (length < 0) {
            throw new IllegalArgumentException("negative block length " + length);
        }
        input.addBlock(length);
    }

    @Override
    public void pauseReading() {
        assert loop.inLoop();
        userPaused = true;
        updateInterest();
    }

    @Override
    public void resumeReading() {
        assert loop.inLoop();
        if (userPaused) {
            userPaused = false;
            if (input.hasUnscanned() || draining) {
                loop.queueReady(this);
            }
            updateInterest();
        }
    }

    @Override
    public void close() {
        assert loop.inLoop();
        closeNow(CloseReason.LOCAL_CLOSE);
    }

    @Override
    public void closeAfterFlush() {
        assert loop.inLoop();
        closeAfterFlush(CloseReason.LOCAL_CLOSE);
        flush();
    }

    @Override
    public boolean isOpen() {
        return !closed && !closing;
    }

    @Override
    public void execute(Runnable task) {
        loop.execute(() -> runOnLoop(task));
    }

    @Override
    public ScheduledTask schedule(Duration delay, Runnable task) {
        return loop.schedule(delay.toNanos(), () -> runOnLoop(task), this);
    }

    /** Runs a task of this connection's on its loop, unless closed, then flushes what it wrote. */
    private void runOnLoop(Runnable task) {
        if (closed) {
            return;
        }
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            handlerFailed(e);
        }
        flush();
    }

    @Override
    public Object attachment() {
        return attachment;
    }

    @Override
    public void attach(Object attachment) {
        this.attachment = attachment;
    }

    @Override
    public String toString() {
        return "conn-" + id;
    }
}
