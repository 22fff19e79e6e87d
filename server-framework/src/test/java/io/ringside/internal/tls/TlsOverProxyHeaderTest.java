package io.ringside.internal.tls;

import static io.ringside.ProxyHeaderBytes.LOCAL;
import static io.ringside.ProxyHeaderBytes.concat;
import static io.ringside.ProxyHeaderBytes.v1;
import static io.ringside.ProxyHeaderBytes.v2;
import static io.ringside.ProxyHeaderBytes.v2Tcp;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringside.CloseReason;
import io.ringside.ProxyProtocol;
import io.ringside.ServerConfig;
import io.ringside.internal.proxy.ProxyTransportFactory;
import io.ringside.internal.transport.MemoryTransport;
import io.ringside.internal.transport.Transport;
import io.ringside.internal.transport.TransportException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * TLS laid over the PROXY header reader as the TLS listener composes them with {@code tls-proxy-protocol}
 * ({@code TlsTransportFactory} over {@code ProxyTransportFactory}), over the in-memory peer with a client
 * {@link SSLEngine}: the header and the ClientHello in one read, the header cut at every byte (the rest of it
 * and the ClientHello in the next read), a {@code LOCAL} header, and a bad header (refused before TLS says a
 * byte). The test's thread plays the worker: it runs the ends of the factory's handshake tasks (which run on the
 * factory's threads) as the loop would, before reading on.
 */
class TlsOverProxyHeaderTest {
    private static final Path KEYS = Path.of("src/test/resources/io/ringside/internal/tls");
    private static TlsTransportFactory tls;
    private static SSLContext clientContext;

    @BeforeAll
    static void contexts() throws Exception {
        ServerConfig config = ServerConfig.builder().tlsPort(0).tlsCert(KEYS.resolve("ec-cert.pem").toString())
                .tlsKey(KEYS.resolve("ec-pkcs8.pem").toString()).build();
        tls = TlsTransportFactory.create(config.tls());
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (var in = java.nio.file.Files.newInputStream(KEYS.resolve("ec-cert.pem"))) {
            trust.setCertificateEntry("server", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        clientContext = SSLContext.getInstance("TLS");
        clientContext.init(null, tmf.getTrustManagers(), null);
    }

    @AfterAll
    static void close() {
        tls.close();
    }

    /** One connection: the peer, the composed transport the connection would hold, and a client engine. */
    private static final class Wire {
        final MemoryTransport peer = new MemoryTransport();
        final Transport transport;
        final SSLEngine client;
        private final ByteBuffer fromServer = ByteBuffer.allocate(1 << 17);
        private final ByteBuffer plain = ByteBuffer.allocate(1 << 17);
        private final ByteBuffer readBuffer = ByteBuffer.allocate(16_384);
        final StringBuilder serverGot = new StringBuilder();
        private final LinkedBlockingQueue<Runnable> loopTasks = new LinkedBlockingQueue<>();

        Wire(ProxyProtocol expected, String protocol) throws Exception {
            transport = tls.over(new ProxyTransportFactory(expected, Duration.ofSeconds(5)).over(peer));
            transport.bind(loopTasks::add); // the ends of the factory's handshake tasks, run by serve() as the loop would
            client = clientContext.createSSLEngine("localhost", 1);
            client.setUseClientMode(true);
            client.setEnabledProtocols(new String[] {protocol});
            client.beginHandshake();
        }

        /** The client's next flight (its ClientHello first). */
        byte[] flight() throws Exception {
            ByteBuffer out = ByteBuffer.allocate(1 << 17);
            for (int i = 0; i < 16 && client.getHandshakeStatus() == HandshakeStatus.NEED_WRAP; i++) {
                client.wrap(ByteBuffer.allocate(0), out);
                runTasks(client);
            }
            return bytes(out);
        }

        /** Data records of the client (after the handshake). */
        byte[] data(String text) throws Exception {
            ByteBuffer out = ByteBuffer.allocate(1 << 17);
            client.wrap(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)), out);
            return bytes(out);
        }

        /** The server reads what it was fed (as the connection's read loop would) and the client takes its answer. */
        int serve() throws Exception {
            int total = 0;
            for (int i = 0; i < 100; i++) {
                if (!peer.wantsRead()) { // reading is off while a handshake task runs on the factory's threads
                    Runnable end = loopTasks.poll(20, TimeUnit.SECONDS);
                    assertNotNull(end, "the handshake task did not end");
                    end.run();
                }
                readBuffer.clear();
                int n = transport.read(readBuffer);
                if (n > 0) {
                    serverGot.append(new String(readBuffer.array(), 0, n, StandardCharsets.US_ASCII));
                    total += n;
                } else if (!transport.hasBufferedInput() && peer.unread() == 0) {
                    break; // a socket with unread bytes stays readable: the loop would read again
                }
            }
            transport.writeBuffered();
            fromServer.put(peer.takeCollected()).flip();
            for (int i = 0; i < 100 && fromServer.hasRemaining(); i++) {
                SSLEngineResult r = client.unwrap(fromServer, plain);
                runTasks(client);
                if (r.getStatus() != SSLEngineResult.Status.OK || client.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                    break;
                }
            }
            fromServer.compact();
            return total;
        }

        /** Runs the rest of the handshake after the client's first flight was fed. */
        void finishHandshake() throws Exception {
            for (int round = 0; round < 10 && !transport.established(); round++) {
                serve();
                byte[] next = flight();
                if (next.length > 0) {
                    peer.feed(ByteBuffer.wrap(next));
                }
            }
            serve();
            assertTrue(transport.established(), "handshake done");
        }

        /** A line each way once established: the server reads the client's, the client decrypts the server's. */
        void exchange() throws Exception {
            peer.feed(ByteBuffer.wrap(data("ping\n")));
            serve();
            assertEquals("ping\n", serverGot.toString());
            byte[] reply = "pong\n".getBytes(StandardCharsets.US_ASCII);
            assertEquals(reply.length, transport.write(new ByteBuffer[] {ByteBuffer.wrap(reply)}, 0, 1));
            serve();
            plain.flip();
            assertEquals("pong\n", StandardCharsets.US_ASCII.decode(plain).toString());
            plain.clear();
        }
    }

    private static byte[] bytes(ByteBuffer out) {
        out.flip();
        byte[] b = new byte[out.remaining()];
        out.get(b);
        return b;
    }

    private static void runTasks(SSLEngine engine) {
        for (Runnable t = engine.getDelegatedTask(); t != null; t = engine.getDelegatedTask()) {
            t.run();
        }
    }

    @Test
    void theHeaderAndTheClientHelloInOneRead() throws Exception {
        for (String protocol : new String[] {"TLSv1.3", "TLSv1.2"}) {
            Wire w = new Wire(ProxyProtocol.V2, protocol);
            w.peer.feed(ByteBuffer.wrap(concat(v2Tcp("10.9.8.7", 4242, "10.0.0.1", 443), w.flight())));
            assertEquals(0, w.serve(), protocol);
            assertFalse(w.transport.established(), "the server's flight is out, the client's Finished not in");
            assertEquals(0, w.peer.unread(), "the header and the whole ClientHello were read");
            w.finishHandshake();
            assertEquals("/10.9.8.7:4242", w.transport.remoteAddress().toString(), protocol);
            assertEquals("/10.0.0.1:443", w.transport.localAddress().toString());
            assertEquals(w.peer.remoteAddress(), w.transport.proxyAddress(), "the proxy is the socket's peer");
            w.exchange();
            w.transport.close();
            assertTrue(w.peer.isClosed());
        }
    }

    @Test
    void theHeaderCutAtEveryByte() throws Exception {
        byte[][] headers = {v2Tcp("192.0.2.7", 5555, "192.0.2.1", 8443), v1("PROXY TCP4 192.0.2.7 192.0.2.1 5555 8443")};
        for (byte[] header : headers) {
            for (int cut = 1; cut < header.length; cut++) {
                Wire w = new Wire(ProxyProtocol.ANY, cut % 2 == 0 ? "TLSv1.3" : "TLSv1.2");
                w.peer.feed(ByteBuffer.wrap(Arrays.copyOf(header, cut)));
                assertEquals(0, w.serve());
                assertFalse(w.transport.established(), "cut " + cut);
                assertNull(w.transport.proxyAddress(), "no header yet at cut " + cut);
                assertEquals(0, w.peer.takeCollected().length, "TLS says nothing before the header is complete");
                w.peer.feed(ByteBuffer.wrap(concat(Arrays.copyOfRange(header, cut, header.length), w.flight())));
                w.finishHandshake();
                assertEquals("/192.0.2.7:5555", w.transport.remoteAddress().toString(), "cut " + cut);
                w.exchange();
            }
        }
    }

    @Test
    void aLocalHeaderKeepsThePeersAddresses() throws Exception {
        Wire w = new Wire(ProxyProtocol.V2, "TLSv1.3");
        w.peer.feed(ByteBuffer.wrap(concat(v2(LOCAL, 0x00, new byte[0]), w.flight())));
        w.finishHandshake();
        assertEquals(w.peer.remoteAddress(), w.transport.remoteAddress());
        assertEquals(w.peer.localAddress(), w.transport.localAddress());
        assertEquals(w.peer.remoteAddress(), w.transport.proxyAddress());
        w.exchange();
    }

    @Test
    void aBadHeaderIsRefusedBeforeTlsSaysAByte() throws Exception {
        Wire w = new Wire(ProxyProtocol.V2, "TLSv1.3");
        w.peer.feed(ByteBuffer.wrap(w.flight())); // a ClientHello where the header should be
        TransportException e = assertThrows(TransportException.class, () -> w.transport.read(ByteBuffer.allocate(16_384)));
        assertEquals(CloseReason.BAD_PROXY_HEADER, e.reason());
        w.transport.close();
        assertArrayEquals(new byte[0], w.peer.takeCollected(), "no alert, no close_notify: the peer never spoke TLS");
        assertTrue(w.peer.isClosed());
    }
}
