package io.ringside.bench;

import io.ringside.ByteSpan;
import io.ringside.Connection;
import io.ringside.LineHandler;
import io.ringside.ServerConfig;
import io.ringside.testing.HandlerHarness;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A connection of Ringside's TLS listener without a socket ({@link HandlerHarness#overTls}: the listener's engine
 * set-up, the TLS transport, framing and dispatch, over an in-memory wire) with a client {@link SSLEngine} at the
 * other end, handshaken. Its handler counts the lines it gets and answers none. The server's identity is a
 * self-signed EC key made by the JDK's {@code keytool} (a PKCS#12 file, loaded as the listener loads one).
 *
 * <p>Threading: confined to the thread that made it (the harness and the client run their tasks inline).
 */
final class TlsPair {
    private static final String PASSWORD = "changeit";
    private static final int MAX_STEPS = 100;

    final HandlerHarness server;
    final SSLEngine client;
    final LineCounter lines = new LineCounter();

    /** Counts the lines it receives; writes nothing. */
    static final class LineCounter extends LineHandler {
        long count;

        @Override
        public void onLine(Connection connection, ByteSpan line) {
            count++;
        }
    }

    private TlsPair(String protocol) throws Exception {
        Path dir = Files.createTempDirectory("ringside-bench-tls");
        Path p12 = dir.resolve("server.p12");
        keytool(p12);
        try {
            server = HandlerHarness.overTls(ServerConfig.builder().tlsPort(0).tlsCert(p12.toString())
                    .tlsKeyPassword(PASSWORD).build(), lines);
        } finally {
            Files.delete(p12);
            Files.delete(dir);
        }
        SSLContext trustAny = SSLContext.getInstance("TLS");
        trustAny.init(null, new TrustManager[] {new TrustAny()}, null);
        client = trustAny.createSSLEngine();
        client.setUseClientMode(true);
        client.setEnabledProtocols(new String[] {protocol});
    }

    /** A new pair whose handshake (and the server's session tickets) is done, over {@code protocol}. */
    static TlsPair handshake(String protocol) throws Exception {
        TlsPair pair = new TlsPair(protocol);
        pair.run();
        if (!protocol.equals(pair.client.getSession().getProtocol()) || pair.server.closeReason() != null) {
            throw new IllegalStateException("no " + protocol + " handshake: " + pair.client.getSession().getProtocol()
                    + ", " + pair.server.closeReason());
        }
        return pair;
    }

    /** Drives both sides until the handshake is over and neither has anything left to send. */
    private void run() throws Exception {
        ByteBuffer fromServer = ByteBuffer.allocate(1 << 17);
        ByteBuffer plain = ByteBuffer.allocate(1 << 17);
        ByteBuffer empty = ByteBuffer.allocate(0);
        client.beginHandshake();
        for (int step = 0; step < MAX_STEPS; step++) {
            ByteBuffer toServer = ByteBuffer.allocate(1 << 17);
            runTasks();
            while (client.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                client.wrap(empty, toServer);
                runTasks();
            }
            toServer.flip();
            boolean sent = toServer.hasRemaining();
            if (sent) {
                server.feed(toServer);
            }
            byte[] out = server.takeOutput();
            fromServer.put(out).flip();
            while (fromServer.hasRemaining() && client.getHandshakeStatus() != HandshakeStatus.NEED_WRAP) {
                SSLEngineResult r = client.unwrap(fromServer, plain);
                runTasks();
                if (r.getStatus() != SSLEngineResult.Status.OK) {
                    break;
                }
            }
            fromServer.compact();
            if (!sent && out.length == 0 && fromServer.position() == 0
                    && client.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING) {
                return;
            }
        }
        throw new IllegalStateException("no handshake in " + MAX_STEPS + " steps");
    }

    private void runTasks() {
        for (Runnable t = client.getDelegatedTask(); t != null; t = client.getDelegatedTask()) {
            t.run();
        }
    }

    private static void keytool(Path p12) throws Exception {
        Process keytool = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-validity", "2", "-keystore", p12.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD,
                "-keypass", PASSWORD)).redirectErrorStream(true).start();
        String out = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + out);
        }
    }

    /** The client accepts the self-signed certificate: the benchmark measures records, not trust. */
    private static final class TrustAny implements X509TrustManager {
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType) { }
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType) { }
        @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
    }
}
