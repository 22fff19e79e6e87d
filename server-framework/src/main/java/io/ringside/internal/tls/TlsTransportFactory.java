package io.ringside.internal.tls;

import io.ringside.TlsConfig;
import io.ringside.internal.transport.SocketTransport;
import io.ringside.internal.transport.Transport;
import io.ringside.internal.transport.TransportFactory;
import io.ringside.internal.transport.TransportLayer;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS listener's transports: each accepted socket gets a {@link TlsTransport} with a server engine
 * of the current context, its protocols and its client-certificate policy. {@link #reload} swaps the
 * context (new handshakes use it, open connections keep theirs); a file that does not load keeps the
 * old one. The engines' delegated tasks run on this factory's threads ({@code ringside-tls-N}, one per
 * core, started on demand, ended after a minute idle).
 *
 * <p>As a {@link TransportLayer} it lays TLS over another transport: behind a proxy ({@code tls-proxy-protocol}),
 * {@code proxyHeaders.then(tlsFactory)} reads the PROXY header off the socket first and hands TLS the bytes after it.
 *
 * <p>Thread-safe: {@link #open} runs on the workers, {@link #reload} on any thread.
 */
public final class TlsTransportFactory implements TransportFactory, TransportLayer, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TlsTransportFactory.class);

    private final TlsConfig tls;
    private final String[] protocols;
    private final ExecutorService tasks;
    /** Replaced whole by reload(); read by open() on the workers (volatile: the reload's writes before it). */
    private volatile SSLContext context;

    private TlsTransportFactory(TlsConfig tls, SSLContext context) {
        this.tls = tls;
        this.context = context;
        this.protocols = tls.protocols().toArray(new String[0]);
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "ringside-tls-" + n.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
        this.tasks = pool;
    }

    /**
     * Loads the certificate and key.
     *
     * @throws IOException with a one-line message naming the file when they cannot be used
     */
    public static TlsTransportFactory create(TlsConfig tls) throws IOException {
        TlsContextLoader.Loaded loaded = load(tls);
        LOG.info("TLS certificate: {}", loaded.description());
        return new TlsTransportFactory(tls, loaded.context());
    }

    private static TlsContextLoader.Loaded load(TlsConfig tls) throws IOException {
        try {
            return TlsContextLoader.load(tls);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException("TLS: no such file: " + e.getFile(), e);
        } catch (GeneralSecurityException e) {
            throw new IOException("TLS: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IOException("TLS: " + e, e);
        }
    }

    /**
     * Reads the certificate and key files again: new handshakes use them. When they do not load, the
     * old ones stay and the reason is logged. Returns whether the new ones are in use.
     */
    public boolean reload() {
        try {
            TlsContextLoader.Loaded loaded = load(tls);
            context = loaded.context();
            LOG.info("TLS certificate reloaded: {}", loaded.description());
            return true;
        } catch (IOException e) {
            LOG.warn("TLS reload failed, the previous certificate stays in use: {}", e.getMessage());
            return false;
        }
    }

    @Override
    public Transport open(SocketTransport socket) {
        return over(socket);
    }

    /** A server engine of the current context over {@code inner} (the socket, or the PROXY header reader over it). */
    @Override
    public Transport over(Transport inner) {
        return new TlsTransport(inner, newEngine(), tasks);
    }

    /**
     * A server engine of the current context, set up as each accepted connection's is: server mode, the
     * listener's protocols and client-certificate policy (also the socket-less harness's engine).
     */
    public SSLEngine newEngine() {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        SSLParameters p = engine.getSSLParameters();
        p.setProtocols(protocols);
        if (tls.clientAuth() == TlsConfig.ClientAuth.REQUIRED) {
            p.setNeedClientAuth(true);
        } else if (tls.clientAuth() == TlsConfig.ClientAuth.OPTIONAL) {
            p.setWantClientAuth(true);
        }
        engine.setSSLParameters(p);
        return engine;
    }

    @Override
    public long prefaceTimeoutNanos() {
        return tls.handshakeTimeout().toNanos();
    }

    /** Ends the task threads (a task still queued then runs on its worker). */
    @Override
    public void close() {
        tasks.shutdown();
    }
}
