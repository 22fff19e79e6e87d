package io.ringside.internal.tls;

import io.ringside.CloseReason;
import io.ringside.internal.stats.Counters;
import io.ringside.internal.transport.LayeredTransport;
import io.ringside.internal.transport.Transport;
import io.ringside.internal.transport.TransportException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;

/**
 * TLS with the JDK's {@link SSLEngine} over the socket's {@link Transport}: the connection above reads
 * and writes plaintext, this transport owns the handshake, the records and the close_notify. Its ciphertext
 * buffers are in {@link TlsBuffers}; the engine's delegated tasks (the handshake's key exchange and
 * signatures) run on {@code tasks}, off the worker, with reading off until they finish, and their end is
 * posted back to the loop, which then drives the connection again.
 *
 * <p>After the handshake it also answers what the engine needs (TLS 1.3 session tickets, KeyUpdate);
 * {@link TlsHandshake} counts how the handshake ended and refuses a TLS 1.2 renegotiation started by the client.
 * A client engine ({@link TlsClients}, outbound) starts its handshake once the socket below connected ({@link #finishConnect}).
 *
 * <p>Confined to the connection's worker, except the delegated tasks, which run on {@code tasks} and
 * touch only the engine (whose methods are thread-safe) until they post their end to the loop.
 */
public final class TlsTransport extends LayeredTransport {
    /** Engine steps (wrap, unwrap, task start) per call at most: a broken engine cannot spin the worker. */
    private static final int MAX_STEPS = 64;

    /** The transport below: the socket, or one that reads a PROXY header off it first (its addresses are passed on). */
    private final Transport socket;
    private final SSLEngine engine;
    private final Executor tasks;
    private final TlsBuffers buffers;
    private final TlsEngine calls;
    /** The handshake's end, counted once in the worker's counters; the renegotiation check after it. */
    private final TlsHandshake handshake;
    /** Runs a task on the connection's loop and then has the loop drive the connection (read, flush). */
    private Executor loop = Runnable::run;
    private boolean established;
    /** The handshake ended outside a read (while flushing): the next read tells the connection, which opens its handler. */
    private boolean establishedUnread;
    /** A delegated task runs on {@code tasks}: the engine is not driven until its end is posted back. */
    private boolean taskRunning;
    /** The peer's close_notify arrived: what was decrypted before it is delivered, then end of stream. */
    private boolean inboundDone;
    private boolean socketEnded;
    private boolean closed;
    /** This drive: the last record did not fit the reader's buffer, so the next goes to the plaintext buffer. */
    private boolean dstTooSmall;
    private boolean wantRead = true;
    private boolean wantWrite;

    public TlsTransport(Transport socket, SSLEngine engine, Executor tasks) {
        super(socket); // its addresses are passed on
        this.socket = socket;
        this.engine = engine;
        this.tasks = tasks;
        this.buffers = new TlsBuffers(engine.getSession());
        this.handshake = new TlsHandshake(engine);
        this.calls = new TlsEngine(engine, buffers, handshake);
    }

    @Override
    public void bind(Executor onLoop) {
        this.loop = onLoop;
    }

    @Override
    public void bind(Executor onLoop, Counters counters) {
        this.loop = onLoop;
        handshake.bind(counters);
    }

    @Override
    public boolean established() {
        return established;
    }

    @Override
    public boolean hasBufferedInput() {
        // a record waiting while ciphertext cannot be sent waits for the socket's room, not for the next turn;
        // an end of stream (close_notify, or the socket's) read with the last data is reported next turn
        return !taskRunning && (buffers.hasPlaintext() || inboundDone || socketEnded || establishedUnread
                || (buffers.mayHoldRecord() && !buffers.hasCiphertextOut()) || socket.hasBufferedInput());
    }

    @Override
    public boolean hasBufferedOutput() {
        return buffers.hasCiphertextOut();
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        establishedUnread = false;
        if (closed || taskRunning) {
            return closed ? -1 : 0;
        }
        int n = buffers.takePlaintext(dst);
        if (n > 0 || dst.remaining() == 0) {
            return n;
        }
        if (!inboundDone && !socketEnded && buffers.netIn().hasRemaining()) {
            socketEnded = socket.read(buffers.netIn()) < 0;
        }
        try {
            n = drive(dst);
        } catch (TransportException e) {
            throw established ? e : handshake.refused(e);
        }
        if (n > 0) {
            return n;
        }
        if (inboundDone) {
            return -1;
        }
        if (socketEnded && !taskRunning) {
            return buffers.endOfStream(established); // without the peer's close_notify
        }
        return 0;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        if (closed) {
            throw new IOException("TLS transport closed");
        }
        if (!established || taskRunning || !buffers.writeCiphertext(socket)) {
            return 0;
        }
        long taken = 0;
        for (int step = 0; step < MAX_STEPS && TlsBuffers.anyRemaining(srcs, offset, length); step++) {
            SSLEngineResult r = calls.wrapRecords(srcs, offset, length, established);
            taken += calls.wrapped();
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                throw new IOException("TLS outbound side closed");
            }
            HandshakeStatus hs = r.getHandshakeStatus();
            if (!buffers.writeCiphertext(socket) || !afterStep(hs)) {
                break;
            }
            if (hs != HandshakeStatus.NOT_HANDSHAKING && hs != HandshakeStatus.FINISHED) {
                drive(null); // the engine needs a task or a wrap of its own (a KeyUpdate) before more data
                break;
            }
        }
        return taken;
    }

    @Override
    public void writeBuffered() throws IOException {
        if (closed || taskRunning || !buffers.writeCiphertext(socket)) {
            return;
        }
        HandshakeStatus hs = engine.getHandshakeStatus();
        if (hs == HandshakeStatus.NEED_WRAP || hs == HandshakeStatus.NEED_TASK) {
            drive(null); // a handshake message, a ticket, a KeyUpdate or an alert the socket had no room for
        }
        calls.finishShutdown(socket);
    }

    @Override
    public void interest(boolean read, boolean write) {
        wantRead = read;
        wantWrite = write;
        updateInterest();
    }

    private void updateInterest() {
        boolean r = !taskRunning && !closed && (wantRead || !established) && !inboundDone && !socketEnded;
        boolean w = buffers.hasCiphertextOut() || (wantWrite && established && !taskRunning);
        socket.interest(r, w);
    }

    /**
     * Makes the engine progress as far as it can now: wraps what it needs to send, starts its tasks,
     * decrypts the records read into {@code dst} (then into the plaintext buffer when {@code dst} is full;
     * a null {@code dst}: no decrypting, as on a writable socket). Returns the plaintext bytes put into {@code dst}.
     */
    private int drive(ByteBuffer dst) throws IOException {
        int start = dst == null ? 0 : dst.position();
        dstTooSmall = false;
        for (int step = 0; step < MAX_STEPS; step++) {
            HandshakeStatus hs = engine.getHandshakeStatus();
            if (hs == HandshakeStatus.NEED_TASK) {
                startTasks();
                if (taskRunning) {
                    break;
                }
                continue; // refused (the server stops): they ran here
            }
            if (hs == HandshakeStatus.NEED_WRAP) {
                if (!buffers.writeCiphertext(socket)) {
                    break;
                }
                afterStep(calls.wrap(TlsBuffers.NONE, 0, 1, established).getHandshakeStatus());
                if (!buffers.writeCiphertext(socket)) {
                    break;
                }
                continue;
            }
            if (dst == null || inboundDone || buffers.hasPlaintext() || !unwrapOne(dst)) {
                break;
            }
        }
        buffers.releaseIdle();
        return dst == null ? 0 : dst.position() - start;
    }

    /** One record from the ciphertext read: false when nothing more can be decrypted now. */
    private boolean unwrapOne(ByteBuffer dst) throws IOException {
        if (buffers.netInBytes() == 0) {
            return false;
        }
        boolean intoDst = !dstTooSmall && dst.remaining() > 0;
        ByteBuffer target = intoDst ? dst : buffers.plaintextForUnwrap(engine.getSession());
        SSLEngineResult r = calls.unwrap(target, established);
        if (!intoDst) {
            buffers.plaintextUnwrapped();
        }
        switch (r.getStatus()) {
            case BUFFER_UNDERFLOW:
                buffers.roomForRecord(engine.getSession()); // a record longer than the buffer is refused there
                return false;
            case BUFFER_OVERFLOW:
                if (!intoDst) { // the buffer was empty and as large as the session says a record can be
                    throw new TransportException(CloseReason.PREFACE_FAILED, "TLS record larger than the session's buffer");
                }
                dstTooSmall = true;
                return true; // this record goes into the plaintext buffer next
            case CLOSED:
                inboundDone = true; // answered by close(), with this side's close_notify after the replies
                return false;
            default:
                return afterStep(r.getHandshakeStatus()) && (r.bytesConsumed() > 0 || r.bytesProduced() > 0);
        }
    }

    /** After a wrap or unwrap: notes the handshake's end and refuses a renegotiation. */
    private boolean afterStep(HandshakeStatus hs) throws TransportException {
        if (hs == HandshakeStatus.FINISHED && !established) {
            established = true;
            establishedUnread = true;
            handshake.finished();
        } else if (established) {
            handshake.afterHandshake(hs);
        }
        return true;
    }

    /** Runs the engine's tasks off the loop; reading waits until their end is posted back. */
    private void startTasks() {
        taskRunning = true;
        updateInterest();
        Runnable done = () -> { // on the loop: the tasks ended; the connection is driven next (read, flush)
            taskRunning = false;
            updateInterest();
        };
        if (!calls.startTasks(tasks, loop, done)) {
            taskRunning = false; // the server is stopping: they ran here, and the drive goes on
        }
    }

    /** Closed for {@code why} before the handshake ended: a timeout or a peer gone is counted as the handshake's end. */
    @Override
    public void close(CloseReason why) {
        if (!closed && !established) {
            handshake.closedEarly(why, socket.established(), calls.spoke());
        }
        close();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            calls.close(socket, !taskRunning);
        }
    }

    /** An outbound connection: connects the socket below, then starts the client's handshake (its ClientHello goes now). */
    @Override
    public boolean finishConnect() throws IOException {
        boolean connected = socket.finishConnect();
        if (connected) {
            calls.beginHandshake();
            writeBuffered();
        }
        return connected;
    }

    /** Half-close: the close_notify, then the socket's FIN ({@link TlsEngine#shutdownOutput}); reading goes on. */
    @Override
    public void shutdownOutput() throws IOException {
        calls.shutdownOutput(socket, !taskRunning);
    }
}
