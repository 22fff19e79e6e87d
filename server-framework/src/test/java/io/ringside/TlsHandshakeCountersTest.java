package io.ringside;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.Principal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import io.ringside.server.RingsideServerMXBean;
import javax.management.JMX;
import javax.management.ObjectName;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TLS handshake counters, each kind driven for real against the TLS listener (the JDK's {@code SSLSocket}
 * and a hand-driven {@code SSLEngine} as peers), then read where operators read them: the parsed {@code /metrics}
 * page ({@code ringside_tls_handshakes_total{protocol}}, {@code ringside_tls_handshake_failures_total{kind}}),
 * {@code stats()} and the JMX bean. Good handshakes over TLS 1.3 and 1.2; plaintext instead of a ClientHello; a
 * client that does not trust the server (its alert) and one with no cipher suite in common (ours); a handshake
 * that stalls (and a silent connection) at a short timeout; peers that leave mid-handshake; a required client
 * certificate left out, and one that does not chain to {@code tls-client-ca}. (OpenSSL's {@code s_client}
 * drives the refused certificate against the daemon in {@code TlsDaemonIT}.)
 */
@Timeout(120)
class TlsHandshakeCountersTest extends LoopbackServerTest {
    private static final String[] KINDS = {"timeout", "not_tls", "alert", "peer_gone", "client_cert"};
    @TempDir
    static Path dir;
    static TlsFixture cert;
    static TlsFixture clientCert;
    static TlsFixture stranger;

    @BeforeAll
    static void identities() throws Exception {
        cert = TlsFixture.create(dir, "counted", "EC");
        clientCert = TlsFixture.create(dir, "known-client", "EC");
        stranger = TlsFixture.create(dir, "stranger", "EC");
    }

    private InetSocketAddress startTls(String... more) throws IOException {
        start(HostileClientsTest.EchoHandler::new, cert.pemSettings(concat(new String[] {"ADMIN_PORT", "0"}, more)));
        return tlsAddress();
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static void echo(InetSocketAddress tls, SSLContext ctx, String protocol) throws Exception {
        try (SSLSocket s = TlsEchoTest.connect(tls, ctx, protocol)) {
            byte[] line = ("over " + protocol + "\n").getBytes(StandardCharsets.US_ASCII);
            assertArrayEquals(line, TlsEchoTest.exchange(s, line));
        }
    }

    @Test
    void eachKindOfEndIsCountedOnceOnThePageInStatsAndOverJmx() throws Exception {
        InetSocketAddress tls = startTls("TLS_HANDSHAKE_TIMEOUT", "300ms");
        SSLContext trusting = cert.clientContext();
        echo(tls, trusting, "TLSv1.3");
        echo(tls, trusting, "TLSv1.3");
        echo(tls, trusting, "TLSv1.2");
        try (Socket s = new Socket(tls.getAddress(), tls.getPort())) { // not TLS
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            TlsHostileTest.assertClosedByServer(s);
        }
        for (String protocol : new String[] {"TLSv1.3", "TLSv1.2"}) { // the client refuses the server's certificate: its alert
            assertThrows(IOException.class, () -> echo(tls, stranger.clientContext(), protocol));
        }
        try (SSLSocket s = (SSLSocket) trusting.getSocketFactory().createSocket(tls.getAddress(), tls.getPort())) {
            s.setSoTimeout(20_000);
            s.setEnabledProtocols(new String[] {"TLSv1.2"});
            s.setEnabledCipherSuites(new String[] {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"}); // the server's key is EC
            assertThrows(IOException.class, s::startHandshake, "no cipher suite in common: the server's alert");
        }
        try (EngineClient half = new EngineClient(tls, trusting, "TLSv1.3"); Socket silent = new Socket(tls.getAddress(), tls.getPort())) {
            half.engine.beginHandshake();
            byte[] hello = half.wrap("");
            half.send(Arrays.copyOf(hello, hello.length / 2)); // then it stalls: closed at the timeout
            TlsHostileTest.assertClosedByServer(half.channel.socket());
            TlsHostileTest.assertClosedByServer(silent); // connected, and never said a byte
        }
        try (EngineClient cut = new EngineClient(tls, trusting, "TLSv1.3")) { // half a ClientHello, then it leaves
            cut.engine.beginHandshake();
            byte[] hello = cut.wrap("");
            cut.send(Arrays.copyOf(hello, hello.length / 2));
            cut.channel.shutdownOutput();
            TlsHostileTest.assertClosedByServer(cut.channel.socket());
        }
        try (EngineClient gone = new EngineClient(tls, trusting, "TLSv1.2")) { // its ClientHello answered, then it leaves
            gone.engine.beginHandshake();
            gone.send(gone.wrap(""));
            gone.unwrapSome();
        }
        Map<String, Long> failures = Map.of("timeout", 2L, "not_tls", 1L, "alert", 3L, "peer_gone", 2L, "client_cert", 0L);
        PrometheusText page = awaitCounts(Map.of("TLSv1.3", 2L, "TLSv1.2", 1L, "other", 0L), failures);
        assertFalse(page.has("ringside_tls_handshakes_tls13_total"), "the TLS counters are shown by label, not one name each");
        assertEquals(2, server.stats().get(Metric.TLS_HANDSHAKES_TLS13));
        assertEquals(1, server.stats().get(Metric.TLS_HANDSHAKES_TLS12));
        assertEquals(3, server.stats().get(Metric.TLS_FAILED_ALERT));
        assertEquals(1 + 3, server.stats().closed(CloseReason.TLS_HANDSHAKE_FAILED), "not TLS and the alerts");
        assertEquals(1 + 3, page.sum("ringside_connections_closed_total", "reason", "tls_handshake_failed"));
        Map<String, Long> jmx = JMX.newMXBeanProxy(ManagementFactory.getPlatformMBeanServer(),
                new ObjectName("io.ringside:type=RingsideServer,port=" + server.localAddress().getPort()), RingsideServerMXBean.class)
                .getCounters();
        assertEquals(2L, jmx.get("TLS_FAILED_TIMEOUT"));
        assertEquals(2L, jmx.get("TLS_FAILED_PEER_GONE"));
        assertEquals(1L, jmx.get("TLS_FAILED_NOT_TLS"));
    }

    @Test
    void aRequiredClientCertificateLeftOutOrNotChainingToTheClientCaIsCountedAsSuch() throws Exception {
        InetSocketAddress tls = startTls("TLS_CLIENT_AUTH", "required", "TLS_CLIENT_CA", clientCert.certPem.toString());
        echo(tls, cert.clientContext(clientCert), "TLSv1.3");
        for (String protocol : new String[] {"TLSv1.3", "TLSv1.2"}) {
            assertThrows(IOException.class, () -> echo(tls, cert.clientContext(), protocol)); // no certificate
            assertThrows(IOException.class, () -> echo(tls, alwaysPresenting(stranger), protocol)); // not from the client CA
        }
        awaitCounts(Map.of("TLSv1.3", 1L, "TLSv1.2", 0L, "other", 0L),
                Map.of("timeout", 0L, "not_tls", 0L, "alert", 0L, "peer_gone", 0L, "client_cert", 4L));
        assertEquals(4, server.stats().closed(CloseReason.TLS_HANDSHAKE_FAILED));
    }

    /**
     * Waits (at most 20 s) until the page shows exactly these handshakes by protocol and failures by kind, summed
     * over the workers; then asserts them one by one (so a failure names the series).
     */
    private PrometheusText awaitCounts(Map<String, Long> done, Map<String, Long> failed) throws Exception {
        PrometheusText page = null;
        Map<String, Long> want = new LinkedHashMap<>();
        done.forEach((p, n) -> want.put("protocol=" + p, n));
        for (String kind : KINDS) {
            want.put("kind=" + kind, failed.get(kind));
        }
        Map<String, Long> got = new LinkedHashMap<>();
        for (int i = 0; i < 800 && !got.equals(want); i++) {
            if (i > 0) {
                Thread.sleep(25);
            }
            page = PrometheusText.parse(AdminListenerTest.get(server, "/metrics").body());
            got.clear();
            for (String p : done.keySet()) {
                got.put("protocol=" + p, (long) page.sum("ringside_tls_handshakes_total", "protocol", p));
            }
            for (String kind : KINDS) {
                got.put("kind=" + kind, (long) page.sum("ringside_tls_handshake_failures_total", "kind", kind));
            }
        }
        assertEquals(want, got, "TLS handshakes and failures on /metrics");
        assertEquals("counter", page.types.get("ringside_tls_handshakes_total"));
        assertEquals("counter", page.types.get("ringside_tls_handshake_failures_total"));
        return page;
    }

    /** A client context presenting {@code identity}'s certificate whatever issuers the server asks for. */
    private static SSLContext alwaysPresenting(TlsFixture identity) throws Exception {
        X509ExtendedKeyManager km = (X509ExtendedKeyManager) keyManagers(identity)[0];
        String alias = km.getClientAliases("EC", null)[0];
        X509ExtendedKeyManager any = new X509ExtendedKeyManager() {
            @Override
            public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
                return alias;
            }

            @Override
            public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
                return alias;
            }

            @Override
            public String[] getClientAliases(String keyType, Principal[] issuers) {
                return new String[] {alias};
            }

            @Override
            public String[] getServerAliases(String keyType, Principal[] issuers) {
                return km.getServerAliases(keyType, issuers);
            }

            @Override
            public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
                return km.chooseServerAlias(keyType, issuers, socket);
            }

            @Override
            public java.security.cert.X509Certificate[] getCertificateChain(String alias) {
                return km.getCertificateChain(alias);
            }

            @Override
            public java.security.PrivateKey getPrivateKey(String alias) {
                return km.getPrivateKey(alias);
            }
        };
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(new KeyManager[] {any}, trustingTheServer(), null);
        return ctx;
    }

    private static KeyManager[] keyManagers(TlsFixture identity) throws Exception {
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        try (var in = java.nio.file.Files.newInputStream(identity.p12)) {
            ks.load(in, TlsFixture.PASSWORD.toCharArray());
        }
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance("PKIX");
        kmf.init(ks, TlsFixture.PASSWORD.toCharArray());
        return kmf.getKeyManagers();
    }

    private static javax.net.ssl.TrustManager[] trustingTheServer() throws Exception {
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", cert.certificate);
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        return tmf.getTrustManagers();
    }
}
