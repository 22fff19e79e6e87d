package io.ringside.internal.tls;

import io.ringside.CloseReason;
import io.ringside.internal.transport.TransportException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calls of one {@link TlsTransport} into its {@link SSLEngine}: wrap and unwrap through its
 * {@link TlsBuffers} (an engine's refusal becomes a {@link TransportException}, closing as
 * {@link CloseReason#PREFACE_FAILED}), and its delegated tasks handed to another thread.
 *
 * <p>Confined to the connection's worker, except the tasks, which run on the executor given.
 */
final class TlsEngine {
    private static final Logger LOG = LoggerFactory.getLogger(TlsEngine.class);

    private final SSLEngine engine;
    private final TlsBuffers buffers;
    /**
     * The one-element array of an unwrap's target: {@code SSLEngine.unwrap(src, dst)} would allocate one per record
     * ({@code new ByteBuffer[] {dst}}, javax/net/ssl/SSLEngine.java); the array form takes this one.
     */
    private final ByteBuffer[] unwrapTarget = new ByteBuffer[1];

    TlsEngine(SSLEngine engine, TlsBuffers buffers) {
        this.engine = engine;
        this.buffers = buffers;
    }

    /** One wrap into the (empty) ciphertext buffer; it grows once if the session's packets grew. */
    SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, boolean established) throws IOException {
        for (int tries = 0; ; tries++) {
            ByteBuffer out = buffers.ciphertextForWrap();
            SSLEngineResult r;
            try {
                r = engine.wrap(srcs, offset, length, out);
            } catch (SSLException | RuntimeException e) {
                throw failed(e, established);
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
        ByteBuffer in = buffers.netInForUnwrap();
        unwrapTarget[0] = target;
        try {
            return engine.unwrap(in, unwrapTarget, 0, 1);
        } catch (SSLException | RuntimeException e) { // a JDK parser's slip on hostile bytes is refused input too
            throw failed(e, established);
        } finally {
            unwrapTarget[0] = null; // the target is the connection's read buffer: not kept past the call
            buffers.netInUnwrapped();
        }
    }

    private static TransportException failed(Exception e, boolean established) {
        String what = established ? "TLS record refused: " : "TLS handshake failed: ";
        String why = e instanceof SSLException ? e.getMessage() : e.toString();
        return new TransportException(CloseReason.PREFACE_FAILED, what + why, e);
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
