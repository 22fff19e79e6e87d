package io.ringside.bench;

import io.ringside.internal.tls.TlsTransport;
import io.ringside.internal.transport.MemoryTransport;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A {@link TlsTransport} over an in-memory wire with a client {@link SSLEngine} at the other end, handshaken: the
 * server side of Ringside's TLS listener without a socket. The server engine is set up as the listener's factory
 * sets one up (server mode, TLS 1.3 and 1.2, no client certificate), from a self-signed EC key made by the JDK's
 * {@code keytool}; the client offers one protocol.
 *
 * <p>Threading: confined to the thread that made it (the transport runs its handshake tasks inline).
 */
final class TlsPair {
    private static final String PASSWORD = "changeit";
    private static final int MAX_STEPS = 1_000;

    final MemoryTransport wire;
    final TlsTransport server;
    final SSLEngine client;

    private TlsPair(MemoryTransport wire, TlsTransport server, SSLEngine client) {
        this.wire = wire;
        this.server = server;
        this.client = client;
    }

    /** A new pair whose handshake (and the server's session tickets) is done, over {@code protocol}. */
    static TlsPair handshake(String protocol) throws Exception {
        SSLEngine serverEngine = serverContext().createSSLEngine();
        serverEngine.setUseClientMode(false);
        SSLParameters p = serverEngine.getSSLParameters();
        p.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        serverEngine.setSSLParameters(p);
        SSLContext trustAny = SSLContext.getInstance("TLS");
        trustAny.init(null, new TrustManager[] {new TrustAny()}, null);
        SSLEngine client = trustAny.createSSLEngine();
        client.setUseClientMode(true);
        client.setEnabledProtocols(new String[] {protocol});
        MemoryTransport wire = new MemoryTransport();
        TlsTransport server = new TlsTransport(wire, serverEngine, Runnable::run);
        server.bind(Runnable::run);
        TlsPair pair = new TlsPair(wire, server, client);
        pair.run();
        if (!server.established() || !protocol.equals(serverEngine.getSession().getProtocol())) {
            throw new IllegalStateException("handshake not done: " + serverEngine.getSession().getProtocol());
        }
        return pair;
    }

    /** Drives both sides until the handshake is over and neither has anything left to send. */
    private void run() throws Exception {
        ByteBuffer toServer = ByteBuffer.allocate(1 << 17);
        ByteBuffer fromServer = ByteBuffer.allocate(1 << 17);
        ByteBuffer clientPlain = ByteBuffer.allocate(1 << 17);
        ByteBuffer serverPlain = ByteBuffer.allocate(1 << 15);
        ByteBuffer empty = ByteBuffer.allocate(0);
        client.beginHandshake();
        for (int step = 0; step < MAX_STEPS; step++) {
            runTasks();
            boolean clientSent = false;
            while (client.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                client.wrap(empty, toServer);
                runTasks();
                clientSent = true;
            }
            toServer.flip();
            wire.feed(ByteBuffer.wrap(copy(toServer)));
            toServer.clear();
            serverPlain.clear();
            if (server.read(serverPlain) != 0) {
                throw new IllegalStateException("plaintext during the handshake");
            }
            server.writeBuffered();
            byte[] out = wire.takeCollected();
            fromServer.put(out).flip();
            while (fromServer.hasRemaining()) {
                runTasks();
                if (client.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                    break;
                }
                SSLEngineResult r = client.unwrap(fromServer, clientPlain);
                if (r.getStatus() != SSLEngineResult.Status.OK) {
                    break;
                }
            }
            fromServer.compact();
            runTasks();
            boolean idle = !clientSent && out.length == 0 && fromServer.position() == 0
                    && client.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING;
            if (server.established() && idle) {
                return;
            }
        }
        throw new IllegalStateException("no handshake in " + MAX_STEPS + " steps");
    }

    private static byte[] copy(ByteBuffer b) {
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return bytes;
    }

    private void runTasks() {
        for (Runnable t = client.getDelegatedTask(); t != null; t = client.getDelegatedTask()) {
            t.run();
        }
    }

    private static SSLContext serverContext() throws Exception {
        Path dir = Files.createTempDirectory("ringside-bench-tls");
        Path p12 = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-validity", "2", "-keystore", p12.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD,
                "-keypass", PASSWORD)).redirectErrorStream(true).start();
        String out = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + out);
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        Files.delete(p12);
        Files.delete(dir);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD.toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    /** The client accepts the self-signed certificate: the benchmark measures records, not trust. */
    private static final class TrustAny implements X509TrustManager {
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType) { }
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType) { }
        @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
    }
}
