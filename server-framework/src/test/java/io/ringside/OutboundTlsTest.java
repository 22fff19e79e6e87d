package io.ringside;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringside.OutboundConnectTest.OutboundRecorder;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Outbound TLS on loopback ({@link ConnectOptions#tls()}): to the server's own TLS listener and to the JDK's
 * {@code SSLServerSocket}: the handshake is the connection's preface (onOpen after it, writes queued before it go
 * out encrypted), both protocols, the server's name verified (a wrong name, an untrusted certificate and a peer
 * that is no TLS server end in {@link CloseReason#TLS_HANDSHAKE_FAILED}, a silent one in CONNECT_TIMEOUT), SNI,
 * client certificates (PEM and PKCS#12), a half-close, and the PROXY header before the handshake.
 */
@Timeout(120)
class OutboundTlsTest extends LoopbackServerTest {
    @TempDir
    static Path dir;
    private static TlsFixture identity;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final ExecutorService peers = Executors.newCachedThreadPool();
    private final AtomicInteger listenerOpens = new AtomicInteger();

    @AfterEach
    void closeResources() throws Exception {
        peers.shutdownNow();
        for (AutoCloseable r : resources) {
            r.close();
        }
    }

    private static synchronized TlsFixture identity() throws Exception {
        if (identity == null) {
            identity = TlsFixture.create(dir, "localhost", "EC");
        }
        return identity;
    }

    /** The server: a plain listener and a TLS listener ({@code settings} more), both echoing lines. */
    private void startEcho(String... settings) throws Exception {
        start(() -> new RecordingHandler(true) {
            @Override
            public void onOpen(Connection c) {
                listenerOpens.incrementAndGet();
            }
        }, identity().pemSettings(settings));
    }

    private static ConnectOptions tls(ClientTls.Builder b) throws IOException {
        return ConnectOptions.builder().tls(b.build()).build();
    }

    private static ClientTls.Builder trustingTheServer() throws Exception {
        return ClientTls.builder().trustPem(identity().certPem);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void aHandlersTlsConnectOpensAfterTheHandshakeAndCarriesWhatWasWrittenBefore(String protocol) throws Exception {
        startEcho("TLS_PROTOCOLS", protocol);
        InetSocketAddress backend = tlsAddress();
        ConnectOptions options = tls(trustingTheServer());
        List<String> events = new CopyOnWriteArrayList<>();
        InetSocketAddress front = startFront(() -> new LineHandler() {
            @Override
            public void onLine(Connection client, ByteSpan line) {
                Connection out = client.connect(backend, Duration.ofSeconds(10), options, new LineHandler() {
                    @Override
                    public void onOpen(Connection c) {
                        events.add("open");
                    }

                    @Override
                    public void onLine(Connection c, ByteSpan reply) {
                        events.add("reply");
                        client.write("backend says: ").writeLine(reply);
                        c.close();
                    }
                });
                out.writeLine(line); // queued during the connect and the handshake, sent encrypted after it
            }
        });
        try (Socket client = new Socket(front.getAddress(), front.getPort())) {
            client.setSoTimeout(20_000);
            client.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("backend says: ping", readLine(client.getInputStream()));
            client.getOutputStream().write("pong\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("backend says: pong", readLine(client.getInputStream()));
        }
        assertEquals(List.of("open", "reply", "open", "reply"), events, "onOpen once per connect, before the reply");
        assertEquals(2, front().stats().get(Metric.CONNECTS));
        await(() -> listenerOpens.get() == 2, "the backend's TLS connections opened");
    }

    @Test
    void moreThanTheHighWatermarkQueuedBeforeTheHandshakeDoesNotStallIt() throws Exception {
        startEcho();
        InetSocketAddress backend = tlsAddress();
        ConnectOptions options = tls(trustingTheServer());
        int lines = 20_000;
        AtomicInteger echoed = new AtomicInteger();
        InetSocketAddress front = startFront(() -> new LineHandler() {
            @Override
            public void onLine(Connection client, ByteSpan line) {
                Connection out = client.connect(backend, Duration.ofSeconds(20), options, new LineHandler() {
                    @Override
                    public void onLine(Connection c, ByteSpan reply) {
                        if (echoed.incrementAndGet() == lines) {
                            client.writeLine("all " + lines + " back");
                        }
                    }
                });
                for (int i = 0; i < lines; i++) { // 1 MB, 16 times the front's high watermark: reading is held
                    out.write("line ").writeAscii(1_000_000_000L + i).writeLine(" padding to fifty bytes ......");
                }
            }
        }, "OUTPUT_HIGH_WATERMARK", "64k", "OUTPUT_LOW_WATERMARK", "16k");
        try (Socket client = new Socket(front.getAddress(), front.getPort())) {
            client.setSoTimeout(30_000);
            client.getOutputStream().write("go\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("all " + lines + " back", readLine(client.getInputStream()), "the handshake read its replies while held");
        }
        assertEquals(0, front().stats().closed(CloseReason.CONNECT_TIMEOUT));
    }

    private io.ringside.server.RingsideServer front;

    /** A second server (2 workers, plain) whose handlers connect out; stopped after the test. */
    private InetSocketAddress startFront(HandlerFactory factory, String... settings) throws IOException {
        ServerConfig.Builder b = ServerConfig.builder().port(0).workers(2);
        for (int i = 0; i < settings.length; i += 2) {
            b.set(Setting.valueOf(settings[i]), settings[i + 1]);
        }
        front = new io.ringside.server.RingsideServer(b.build(), factory).start();
        resources.add(front::stop);
        return front.localAddress();
    }

    private io.ringside.server.RingsideServer front() {
        return front;
    }

    /** Connects from the server under test to {@code address} with {@code options}; returns the recorder once closed. */
    private OutboundRecorder connectAndAwaitClose(InetSocketAddress address, ConnectOptions options, Duration timeout,
                                                  String... lines) throws Exception {
        OutboundRecorder out = new OutboundRecorder() {
            @Override
            public void onOpen(Connection c) {
                super.onOpen(c);
                for (String l : lines) {
                    c.writeLine(l);
                }
            }

            @Override
            public void onLine(Connection c, ByteSpan line) {
                super.onLine(c, line);
                if (events.stream().filter(e -> e.startsWith("line:")).count() == lines.length) {
                    c.close();
                }
            }
        };
        server.connect(address, timeout, options, out);
        await(out::closed, "the outbound connection closed");
        return out;
    }

    @Test
    void aCertificateThatDoesNotNameTheServerFailsTheHandshakeAndTheHandlerNeverOpens() throws Exception {
        startEcho();
        OutboundRecorder out = connectAndAwaitClose(tlsAddress(), tls(trustingTheServer().serverName("wrong.example")),
                Duration.ofSeconds(10), "never sent");
        assertEquals(List.of("close:TLS_HANDSHAKE_FAILED"), out.events);
        await(() -> server.stats().closed(CloseReason.TLS_HANDSHAKE_FAILED) == 2, "both sides closed for it (the listener's by the client's alert)");
        assertEquals(1, server.stats().get(Metric.TLS_FAILED_ALERT), "the listener's handshake counted by kind");
        long failed = 0;
        for (Metric m : Metric.values()) {
            failed += m.name().startsWith("TLS_FAILED_") ? server.stats().get(m) : 0;
        }
        assertEquals(1, failed, "the outbound handshake is not counted in the listener's TLS metrics");
        assertEquals(0, listenerOpens.get(), "nothing reached the listener's handler");
    }

    @Test
    void anUntrustedCertificateFailsTheHandshake() throws Exception {
        startEcho();
        TlsFixture stranger = TlsFixture.create(dir, "stranger", "EC");
        OutboundRecorder out = connectAndAwaitClose(tlsAddress(), tls(ClientTls.builder().trustPem(stranger.certPem)),
                Duration.ofSeconds(10), "never sent");
        assertEquals(List.of("close:TLS_HANDSHAKE_FAILED"), out.events);
        assertEquals(0, listenerOpens.get());
    }

    @Test
    void withoutAServerNameTheAddressIsVerifiedAndTheIpLiteralIsNotSentAsSni() throws Exception {
        SslPeer peer = sslPeer(null);
        ConnectOptions options = tls(trustingTheServer());
        start(() -> new RecordingHandler(false));
        // an address made from its bytes has no host name (the loopback address's own is "localhost")
        InetSocketAddress literal = new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), peer.address.getPort());
        OutboundRecorder out = connectAndAwaitClose(literal, options, Duration.ofSeconds(10), "hello");
        assertEquals(List.of("open", "line:hello", "close:LOCAL_CLOSE"), out.events, "verified against IP:127.0.0.1");
        assertEquals("[]", peer.sni.get(20, TimeUnit.SECONDS));
    }

    @Test
    void aServerNameIsVerifiedAndSentAsSni() throws Exception {
        SslPeer peer = sslPeer(null);
        start(() -> new RecordingHandler(false));
        OutboundRecorder out = connectAndAwaitClose(peer.address, tls(trustingTheServer().serverName("localhost")),
                Duration.ofSeconds(10), "hello");
        assertEquals(List.of("open", "line:hello", "close:LOCAL_CLOSE"), out.events);
        assertEquals("[type=host_name (0), value=localhost]", peer.sni.get(20, TimeUnit.SECONDS));
    }

    @Test
    void aPeerThatIsNoTlsServerFailsTheHandshakeAndASilentOneTimesOut() throws Exception {
        start(() -> new RecordingHandler(false));
        ServerSocket plain = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        resources.add(plain);
        peers.submit(() -> {
            try (Socket s = plain.accept()) {
                s.getOutputStream().write("220 plain text, not TLS\r\n".getBytes(StandardCharsets.US_ASCII));
                s.getInputStream().read(new byte[4096]);
                Thread.sleep(5_000);
            }
            return null;
        });
        InetSocketAddress address = new InetSocketAddress(plain.getInetAddress(), plain.getLocalPort());
        OutboundRecorder junk = connectAndAwaitClose(address, tls(trustingTheServer()), Duration.ofSeconds(10), "x");
        assertEquals(List.of("close:TLS_HANDSHAKE_FAILED"), junk.events);

        Socket[] silent = new Socket[1];
        peers.submit(() -> {
            silent[0] = plain.accept(); // accepts, then never answers the ClientHello
            return null;
        });
        long started = System.nanoTime();
        OutboundRecorder stalled = connectAndAwaitClose(address, tls(trustingTheServer()), Duration.ofMillis(600), "x");
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertEquals(List.of("close:CONNECT_TIMEOUT"), stalled.events, "the connect timeout covers the handshake");
        assertTrue(millis >= 600, "closed after " + millis + " ms");
        assertEquals(1, server.stats().closed(CloseReason.TLS_HANDSHAKE_FAILED));
        assertEquals(1, server.stats().closed(CloseReason.CONNECT_TIMEOUT));
        if (silent[0] != null) {
            silent[0].close();
        }
    }

    @Test
    void clientCertificatesInPemAndPkcs12AreAcceptedAndTheirAbsenceRefused() throws Exception {
        TlsFixture client = TlsFixture.create(dir, "client", "EC");
        startEcho("TLS_CLIENT_AUTH", "required", "TLS_CLIENT_CA", client.certPem.toString(), "TLS_PROTOCOLS", "TLSv1.2");
        OutboundRecorder pem = connectAndAwaitClose(tlsAddress(),
                tls(trustingTheServer().clientCertificate(client.certPem, client.keyPem)), Duration.ofSeconds(10), "pem");
        assertEquals(List.of("open", "line:pem", "close:LOCAL_CLOSE"), pem.events);
        OutboundRecorder p12 = connectAndAwaitClose(tlsAddress(),
                tls(trustingTheServer().clientCertificate(client.p12, TlsFixture.PASSWORD.toCharArray())), Duration.ofSeconds(10), "p12");
        assertEquals(List.of("open", "line:p12", "close:LOCAL_CLOSE"), p12.events);
        OutboundRecorder none = connectAndAwaitClose(tlsAddress(), tls(trustingTheServer()), Duration.ofSeconds(10), "none");
        assertEquals(List.of("close:TLS_HANDSHAKE_FAILED"), none.events, "TLS 1.2: the refusal comes before the client's handshake ends");
    }

    @Test
    void aHalfCloseOverTls13EndsTheServersInputAndItsRepliesStillArrive() throws Exception {
        startEcho("TLS_PROTOCOLS", "TLSv1.3");
        OutboundRecorder out = new OutboundRecorder() {
            @Override
            public void onOpen(Connection c) {
                super.onOpen(c);
                c.writeLine("one").writeLine("two");
                c.shutdownOutput(); // close_notify and FIN after the two lines
            }
        };
        server.connect(tlsAddress(), Duration.ofSeconds(10), tls(trustingTheServer()), out);
        await(out::closed, "the outbound connection closed");
        assertEquals(List.of("open", "line:one", "line:two", "input-end", "close:PEER_CLOSED"), out.events);
    }

    @Test
    void aProxyHeaderGoesBeforeTheHandshake() throws Exception {
        start(() -> new RecordingHandler(false));
        InetSocketAddress client = new InetSocketAddress(InetAddress.getByName("127.0.0.5"), 4321);
        InetSocketAddress destination = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 443);
        byte[] expected = ProxyHeaderBytes.v2Tcp("127.0.0.5", 4321, "127.0.0.1", 443);
        SslPeer peer = sslPeer(expected.length);
        ConnectOptions options = ConnectOptions.builder().tls(trustingTheServer().build())
                .proxyHeader(ProxyProtocol.V2, client, destination).build();
        OutboundRecorder out = connectAndAwaitClose(peer.address, options, Duration.ofSeconds(10), "after both");
        assertEquals(List.of("open", "line:after both", "close:LOCAL_CLOSE"), out.events);
        assertEquals(java.util.HexFormat.of().formatHex(expected), peer.preamble.get(20, TimeUnit.SECONDS),
                "the PROXY v2 header, byte for byte, before the ClientHello");
    }

    @Test
    void aClientTlsWithBadFilesIsRefusedWhenBuiltNamingTheFile() throws Exception {
        Path junk = dir.resolve("junk.pem");
        Files.writeString(junk, "not a certificate\n");
        IOException e = assertThrows(IOException.class, () -> ClientTls.builder().trustPem(junk).build());
        assertTrue(e.getMessage().contains("junk.pem"), e.getMessage());
        IOException missing = assertThrows(IOException.class, () -> ClientTls.builder().trustPem(dir.resolve("none.pem")).build());
        assertTrue(missing.getMessage().contains("none.pem"), missing.getMessage());
        Path rsa1 = dir.resolve("pkcs1.pem");
        Files.writeString(rsa1, "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        IOException pkcs1 = assertThrows(IOException.class, () -> trustingTheServer().clientCertificate(identity().certPem, rsa1).build());
        assertTrue(pkcs1.getMessage().contains("openssl pkcs8 -topk8"), pkcs1.getMessage());
        IOException protocol = assertThrows(IOException.class, () -> trustingTheServer().protocols(List.of("TLSv9")).build());
        assertTrue(protocol.getMessage().contains("TLSv9"), protocol.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ClientTls.builder().serverName("not a name"));
    }

    /** The JDK's TLS server with the test identity, one connection: its requested SNI, and the bytes before its ClientHello. */
    private static final class SslPeer {
        InetSocketAddress address;
        Future<String> sni;
        Future<String> preamble;
    }

    /**
     * Accepts one connection; reads {@code preambleBytes} plain bytes first (a PROXY header) when not null, then
     * does the TLS handshake as the server and echoes one line.
     */
    private SslPeer sslPeer(Integer preambleBytes) throws Exception {
        javax.net.ssl.SSLContext context = serverContext();
        ServerSocket listener = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        resources.add(listener);
        SslPeer peer = new SslPeer();
        peer.address = new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort());
        java.util.concurrent.CompletableFuture<String> preamble = new java.util.concurrent.CompletableFuture<>();
        peer.preamble = preamble;
        peer.sni = peers.submit(() -> {
            try (Socket raw = listener.accept()) {
                raw.setSoTimeout(20_000);
                byte[] before = preambleBytes == null ? new byte[0] : raw.getInputStream().readNBytes(preambleBytes);
                preamble.complete(java.util.HexFormat.of().formatHex(before));
                try (SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(raw, null, raw.getPort(), false)) {
                    tls.setUseClientMode(false);
                    tls.startHandshake();
                    String sni = ((ExtendedSSLSession) tls.getSession()).getRequestedServerNames().toString();
                    String line = readLine(tls.getInputStream());
                    tls.getOutputStream().write((line + "\n").getBytes(StandardCharsets.US_ASCII));
                    tls.getOutputStream().flush();
                    tls.getInputStream().read(); // until the client closes
                    return sni;
                }
            }
        });
        return peer;
    }

    /** A server context with the test identity (the JDK's own TLS server, independent of Ringside's). */
    private static javax.net.ssl.SSLContext serverContext() throws Exception {
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(identity().p12)) {
            ks.load(in, TlsFixture.PASSWORD.toCharArray());
        }
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, TlsFixture.PASSWORD.toCharArray());
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    static String readLine(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int ch; (ch = in.read()) != -1 && ch != '\n'; ) {
            b.append((char) ch);
        }
        return b.toString();
    }
}
