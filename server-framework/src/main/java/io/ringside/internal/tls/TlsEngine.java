package io.ringside.internal.tls;

import io.ringside.CloseReason;
import io.ringside.internal.transport.Transport;
import io.ringside.internal.transport.TransportException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calls of one {@link TlsTransport} into its {@link SSLEngine}: wrap and unwrap through its
 * {@link TlsBuffers} (an engine's refusal becomes a {@link TransportException}, closing as
 * {@link CloseReason#TLS_HANDSHAKE_FAILED} during the handshake, counted by {@link TlsHandshake}, and as
 * {@link CloseReason#PREFACE_FAILED} after it), a client's start of the handshake, the close_notify of a close or a
 * half-close, and its delegated tasks handed to another thread.
 *
 * <p>Confined to the connection's worker, except the tasks, which run on the executor given.
 */
final class TlsEngine {
    private static final Logger LOG = LoggerFactory.getLogger(TlsEngine.class);

    private final SSLEngine engine;
    private final TlsBuffers buffers;
    private final TlsHandshake handshake;
    /** Whether the engine was given bytes to decrypt or asked to send: only then has it anything to close. */
    private boolean spoke;
    /** A half-close asked for: the socket's FIN waits for the close_notify to be written. */
    private boolean finPending;
    /**
     * The one-element array of an unwrap's target: {@code SSLEngine.unwrap(src, dst)} would allocate one per record
     * ({@code new ByteBuffer[] {dst}}, javax/net/ssl/SSLEngine.java); the array form takes this one.
     */
    private final ByteBuffer[] unwrapTarget = new ByteBuffer[1];
    private long wrapped;

    TlsEngine(SSLEngine engine, TlsBuffers buffers, TlsHandshake handshake) {
        this.engine = engine;
        this.buffers = buffers;
        this.handshake = handshake;
    }

    /**
     * Wraps record after record into the ciphertext buffer while data remains, the engine is not handshaking and
     * another record fits ({@link TlsBuffers#RECORDS_PER_IO}), so one socket write sends them all. Returns the last
     * wrap's result; {@link #wrapped()} is the plaintext all of them took.
     */
    SSLEngineResult wrapRecords(ByteBuffer[] srcs, int offset, int length, boolean established) throws IOException {
        wrapped = 0;
        SSLEngineResult r;
        do {
            r = wrap(srcs, offset, length, established);
            wrapped += r.bytesConsumed();
        } while (r.getStatus() == SSLEngineResult.Status.OK && r.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING
                && buffers.roomForAnotherRecord() && TlsBuffers.anyRemaining(srcs, offset, length));
        return r;
    }

    /** The plaintext bytes the last {@link #wrapRecords} took. */
    long wrapped() {
        return wrapped;
    }

    /** One wrap after the ciphertext not yet sent; the buffer grows once if the session's packets grew. */
    SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, boolean established) throws IOException {
        for (int tries = 0; ; tries++) {
            spoke = true;
            ByteBuffer out = buffers.ciphertextForWrap();
            SSLEngineResult r;
            try {
                r = engine.wrap(srcs, offset, length, out);
            } catch (SSLException | RuntimeException e) {
                throw failed(e, established, -1, -1);
            } finally {
                buffers.ciphertextWrapped();
            }
            if (r.getStatus() != SSLEngineResult.Status.BUFFER_OVERFLOW || tries > 0) {
                return r;
            }
            buffers.growCiphertextOut(engine.getSession());
        }
    }

    /** One unwrap of the ciphertext read into {@code target}. */
    SSLEngineResult unwrap(ByteBuffer target, boolean established) throws IOException {
        spoke = true;
        ByteBuffer in = buffers.netInForUnwrap();
        int start = in.position(); // an unwrap takes one record at most: the one starting here
        unwrapTarget[0] = target;
        try {
            return engine.unwrap(in, unwrapTarget, 0, 1);
        } catch (SSLException | RuntimeException e) { // a JDK parser's slip on hostile bytes is refused input too
            throw failed(e, established, byteAt(in, start), byteAt(in, start + 1)); // the refused record's type and major version
        } finally {
            unwrapTarget[0] = null; // the target is the connection's read buffer: not kept past the call
            buffers.netInUnwrapped();
        }
    }

    /** Whether the engine ever wrapped or unwrapped (a connection refused before its first TLS byte did not). */
    boolean spoke() {
        return spoke;
    }

    /**
     * The transport closes: the engine's close_notify (or the alert of a failure) goes out in one non-blocking
     * write at best, when {@code write} (no task holds the engine) and the engine ever spoke (a peer refused before
     * its first TLS byte, for its PROXY header, hears no TLS); then the socket closes and the buffers go back.
     */
    void close(Transport socket, boolean write) {
        if (spoke) {
            closeOutbound(socket, write);
        }
        socket.close();
        buffers.releaseAll();
    }

    /**
     * Ends this side's output: the close_notify (or the alert of a failure) is wrapped and written as far as
     * {@code socket} takes it now, best effort, without waiting (none is wrapped while a delegated task runs:
     * {@code write} false). Returns whether all of it is written.
     */
    private boolean closeOutbound(Transport socket, boolean write) {
        try {
            engine.closeOutbound();
            if (write) {
                for (int i = 0; i < 4 && buffers.writeCiphertext(socket) && !engine.isOutboundDone(); i++) {
                    engine.wrap(TlsBuffers.NONE, 0, 1, buffers.ciphertextForWrap());
                    buffers.ciphertextWrapped();
                }
                return buffers.writeCiphertext(socket) && engine.isOutboundDone();
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("TLS close_notify not sent: {}", e.toString());
        }
        return false;
    }

    /**
     * Half-close: this side's close_notify, then the socket's FIN as soon as it is written (now, or by
     * {@link #finishShutdown} once the socket has room). With TLS 1.3 the peer may go on sending (RFC 8446 6.1); a
     * TLS 1.2 peer answers with its own close_notify, which ends the input too (the JDK closes both directions).
     */
    void shutdownOutput(Transport socket, boolean write) throws IOException {
        spoke = true;
        finPending = true;
        if (closeOutbound(socket, write)) {
            finPending = false;
            socket.shutdownOutput();
        }
    }

    /** After the transport's own output was written: the FIN of a half-close whose close_notify waited. */
    void finishShutdown(Transport socket) throws IOException {
        if (finPending && engine.isOutboundDone() && buffers.writeCiphertext(socket)) {
            finPending = false;
            socket.shutdownOutput();
        }
    }

    /** A client's handshake starts on its side (an outbound connection): the engine then wants to wrap its ClientHello. */
    void beginHandshake() throws IOException {
        spoke = true;
        try {
            engine.beginHandshake();
        } catch (SSLException | RuntimeException e) {
            throw failed(e, false, -1, -1);
        }
    }

    private static int byteAt(ByteBuffer b, int i) {
        return i < b.limit() ? b.get(i) & 0xff : -1;
    }

    /** A refusal of the engine: during the handshake counted by kind ({@link TlsHandshake#failed}), after it a refused record. */
    private TransportException failed(Exception e, boolean established, int type, int major) {
        if (!established) {
            return handshake.failed(e, type, major);
        }
        String why = e instanceof SSLException ? e.getMessage() : e.toString();
        return new TransportException(CloseReason.PREFACE_FAILED, "TLS record refused: " + why, e);
    }

    /**
     * Runs the engine's delegated tasks on {@code tasks}, then posts {@code done} through {@code loop}.
     * Returns false when {@code tasks} refused them (the server is stopping): they ran here instead.
     */
    boolean startTasks(Executor tasks, Executor loop, Runnable done) {
        try {
            tasks.execute(() -> {
                try {
                    runTasks();
                } catch (RuntimeException e) {
                    LOG.debug("TLS task failed (the engine reports it on its next step)", e);
                }
                loop.execute(done);
            });
            return true;
        } catch (RejectedExecutionException stopping) {
            runTasks();
            return false;
        }
    }

    private void runTasks() {
        for (Runnable t = engine.getDelegatedTask(); t != null; t = engine.getDelegatedTask()) {
            t.run();
        }
    }
}
