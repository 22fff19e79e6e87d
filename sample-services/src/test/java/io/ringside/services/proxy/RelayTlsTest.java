package io.ringside.services.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringside.ByteSpan;
import io.ringside.ClientTls;
import io.ringside.CloseReason;
import io.ringside.Connection;
import io.ringside.LineHandler;
import io.ringside.ProxyProtocol;
import io.ringside.ServerConfig;
import io.ringside.server.RingsideServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay in-process with TLS and PROXY headers ({@link RelayTarget}): to a TLS target (a Ringside server's TLS
 * listener, a raw echo) every byte both ways and the half-close through; a target whose certificate does not carry
 * the name asked for closes the client, is counted and relays nothing; a PROXY v1 header naming the client
 * (bound to 127.0.0.5) before the bytes; and clients on the relay's own TLS listener. The certificate is the JDK
 * {@code keytool}'s (self-signed, SAN localhost and 127.0.0.1), trusted as its own CA. The tests with OpenSSL's
 * {@code s_server} and HAProxy as peers are {@code ProxyTlsIT} in integration-tests.
 */
@Timeout(120)
class RelayTlsTest {
    private static final String PASSWORD = "changeit";
    @TempDir
    static Path dir;
    private static Path p12;
    private static Path certPem;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final RelayStats stats = new RelayStats();
    private final AtomicInteger backendOpens = new AtomicInteger();

    @BeforeAll
    static void certificate() throws Exception {
        p12 = dir.resolve("localhost.p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                "-alias", "localhost", "-keyalg", "EC", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-validity", "30", "-keystore", p12.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "keytool failed: " + out);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        Certificate cert = ks.getCertificate("localhost");
        certPem = dir.resolve("localhost-cert.pem");
        Files.writeString(certPem, "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'})
                .encodeToString(cert.getEncoded()) + "\n-----END CERTIFICATE-----\n");
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    private RingsideServer started(ServerConfig.Builder config, io.ringside.HandlerFactory factory) throws IOException {
        RingsideServer s = new RingsideServer(config.port(0).workers(2).build(), factory).start();
        resources.add(() -> s.stop(Duration.ofSeconds(5)));
        return s;
    }

    /** A raw echo: every byte back, the end of input answered with a half-close. */
    private final class RawEcho extends LineHandler {
        @Override
        public void onOpen(Connection c) {
            backendOpens.incrementAndGet();
            c.readRaw();
        }

        @Override
        public void onLine(Connection c, ByteSpan line) {
            throw new IllegalStateException("raw");
        }

        @Override
        public void onBlock(Connection c, ByteSpan chunk, boolean last) {
            c.write(chunk);
        }

        @Override
        public void onInputEnd(Connection c) {
            c.shutdownOutput();
        }
    }

    /** A Ringside server whose TLS listener (the test certificate) echoes raw bytes; returns its TLS address. */
    private InetSocketAddress tlsEcho() throws IOException {
        RingsideServer backend = started(ServerConfig.builder().tlsPort(0).tlsCert(p12.toString()).tlsKeyPassword(PASSWORD),
                RawEcho::new);
        return backend.tlsAddress().orElseThrow();
    }

    private InetSocketAddress relay(RelayTarget target, ServerConfig.Builder config) throws IOException {
        return started(config, () -> RelaySide.client(target, stats)).localAddress();
    }

    private static ClientTls trusting(String serverName) throws IOException {
        return ClientTls.builder().trustPem(certPem).serverName(serverName).build();
    }

    private Socket client(InetSocketAddress to) throws IOException {
        Socket s = new Socket(to.getAddress(), to.getPort());
        s.setSoTimeout(30_000);
        resources.add(s);
        return s;
    }

    @Test
    void everyByteGoesToATlsTargetAndBackAndTheHalfCloseComesThrough() throws Exception {
        InetSocketAddress relay = relay(new RelayTarget(tlsEcho(), Duration.ofSeconds(5), trusting("localhost"), ProxyProtocol.OFF),
                ServerConfig.builder());
        byte[] sent = new byte[300_000];
        new Random(42).nextBytes(sent);
        Socket client = client(relay);
        CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
            try {
                OutputStream out = client.getOutputStream();
                for (int at = 0; at < sent.length; at += 10_000) {
                    out.write(sent, at, Math.min(10_000, sent.length - at));
                }
                client.shutdownOutput(); // a TLS 1.3 half-close to the target, which answers with its own
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertArrayEquals(sent, client.getInputStream().readAllBytes(), "every byte back, in order, then the end of stream");
        writing.get(30, TimeUnit.SECONDS);
        assertEquals(0, stats.tlsFailures());
        assertEquals(1, stats.relays());
    }

    @Test
    void aTargetWhoseCertificateLacksTheNameClosesTheClientRelaysNothingAndIsCounted() throws Exception {
        RelayTarget wrongName = new RelayTarget(tlsEcho(), Duration.ofSeconds(5), trusting("wrong.test"), ProxyProtocol.OFF);
        RingsideServer relayServer = started(ServerConfig.builder(), () -> RelaySide.client(wrongName, stats));
        Socket client = client(relayServer.localAddress());
        client.getOutputStream().write("secret that must not reach the target\n".getBytes(StandardCharsets.US_ASCII));
        int got;
        try {
            got = client.getInputStream().read();
        } catch (java.net.SocketException reset) {
            got = -1; // closed with our bytes unread: a reset is a close too
        }
        assertEquals(-1, got, "the client's connection is closed, nothing came back");
        RelayTest.await(() -> relayServer.stats().closed(CloseReason.TLS_HANDSHAKE_FAILED) == 1, "the failure counted by reason");
        assertEquals(1, stats.tlsFailures());
        assertEquals(0, backendOpens.get(), "the target's handler never opened: no byte was relayed");
    }

    @Test
    void aProxyHeaderNamingTheClientGoesFirst() throws Exception {
        ServerSocket target = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        resources.add(target);
        InetSocketAddress relay = relay(new RelayTarget(new InetSocketAddress(target.getInetAddress(), target.getLocalPort()),
                Duration.ofSeconds(5), null, ProxyProtocol.V1), ServerConfig.builder());
        Socket client = new Socket();
        resources.add(client);
        client.bind(new InetSocketAddress("127.0.0.5", 0));
        client.connect(relay, 10_000);
        client.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
        target.setSoTimeout(30_000);
        try (Socket s = target.accept()) {
            s.setSoTimeout(30_000);
            String expected = "PROXY TCP4 127.0.0.5 127.0.0.1 " + client.getLocalPort() + " " + relay.getPort() + "\r\nhello\n";
            byte[] got = s.getInputStream().readNBytes(expected.length());
            assertEquals(expected, new String(got, StandardCharsets.US_ASCII));
        }
    }

    @Test
    void clientsOfTheRelaysTlsListenerAreRelayedToo() throws Exception {
        ServerSocket target = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        resources.add(target);
        RingsideServer relayServer = started(ServerConfig.builder().tlsPort(0).tlsCert(p12.toString()).tlsKeyPassword(PASSWORD),
                () -> RelaySide.client(RelayTarget.plain(new InetSocketAddress(target.getInetAddress(), target.getLocalPort()),
                        Duration.ofSeconds(5)), stats));
        InetSocketAddress tls = relayServer.tlsAddress().orElseThrow();
        try (SSLSocket client = (SSLSocket) clientContext().getSocketFactory().createSocket(tls.getAddress(), tls.getPort())) {
            client.setSoTimeout(30_000);
            client.getOutputStream().write("over TLS\n".getBytes(StandardCharsets.US_ASCII));
            client.getOutputStream().flush();
            target.setSoTimeout(30_000);
            try (Socket s = target.accept()) {
                s.setSoTimeout(30_000);
                assertEquals("over TLS\n", new String(s.getInputStream().readNBytes(9), StandardCharsets.US_ASCII), "decrypted");
                s.getOutputStream().write("and back\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals("and back\n", new String(client.getInputStream().readNBytes(9), StandardCharsets.US_ASCII));
            }
        }
        assertEquals(1, stats.relays());
    }

    private static SSLContext clientContext() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            trust.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
