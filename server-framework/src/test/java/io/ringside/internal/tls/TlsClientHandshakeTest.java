package io.ringside.internal.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringside.ClientTls;
import io.ringside.CloseReason;
import io.ringside.ServerConfig;
import io.ringside.internal.transport.MemoryTransport;
import io.ringside.internal.transport.TransportException;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The client mode of {@link TlsTransport} ({@link TlsClients}, outbound connections) against the server mode, both
 * over in-memory peers whose bytes the test carries from one to the other (cut at seeded random points): the
 * client's handshake starts at {@code finishConnect}, the pair agree on the protocol, and bytes go both ways; a
 * server whose certificate does not name the server, or is not trusted, fails the client's handshake with
 * {@link CloseReason#TLS_HANDSHAKE_FAILED}; a half-close over TLS 1.3 lets the server go on sending. Tasks run
 * inline, so everything is on the test's thread.
 */
class TlsClientHandshakeTest {
    private static final Path KEYS = Path.of("src/test/resources/io/ringside/internal/tls");
    /** The test certificate has no subject alternative name: its CN is the name a client verifies. */
    private static final String NAME = "tls-unit-test";
    private static final InetSocketAddress ADDRESS = new InetSocketAddress("127.0.0.1", 4433);

    /** A client and a server transport, each over its own in-memory wire. */
    private static final class Pair {
        final MemoryTransport clientWire = new MemoryTransport();
        final MemoryTransport serverWire = new MemoryTransport();
        final TlsTransport client;
        final TlsTransport server;
        final SSLEngine serverEngine;
        final Random random;
        final ByteArrayOutputStream clientGot = new ByteArrayOutputStream();
        final ByteArrayOutputStream serverGot = new ByteArrayOutputStream();
        final ByteBuffer readBuffer = ByteBuffer.allocate(16_384);

        Pair(ClientTls tls, String serverProtocol, long seed) throws Exception {
            random = new Random(seed);
            client = TlsClients.over(clientWire, tls, ADDRESS, Runnable::run);
            client.bind(Runnable::run);
            serverEngine = serverContext().createSSLEngine();
            serverEngine.setUseClientMode(false);
            serverEngine.setEnabledProtocols(new String[] {serverProtocol});
            server = new TlsTransport(serverWire, serverEngine, Runnable::run);
            server.bind(Runnable::run);
        }

        /** Carries what each side wrote to the other, cut at random points, and reads both, {@code rounds} times. */
        void exchange(int rounds) throws Exception {
            for (int i = 0; i < rounds; i++) {
                carry(clientWire, serverWire);
                read(server, serverGot);
                server.writeBuffered();
                carry(serverWire, clientWire);
                read(client, clientGot);
                client.writeBuffered();
            }
        }

        private void carry(MemoryTransport from, MemoryTransport to) {
            byte[] bytes = from.takeCollected();
            for (int at = 0; at < bytes.length; ) {
                int cut = Math.min(bytes.length - at, 1 + random.nextInt(2_000));
                to.feed(ByteBuffer.wrap(bytes, at, cut));
                at += cut;
            }
        }

        private void read(TlsTransport t, ByteArrayOutputStream got) throws Exception {
            for (int i = 0; i < 1_000; i++) {
                readBuffer.clear();
                int n = t.read(readBuffer);
                if (n > 0) {
                    got.write(readBuffer.array(), 0, n);
                } else if (n < 0 || !t.hasBufferedInput()) {
                    return;
                }
            }
        }
    }

    private static SSLContext serverContext() throws Exception {
        ServerConfig config = ServerConfig.builder().tlsPort(0).tlsCert(KEYS.resolve("ec-cert.pem").toString())
                .tlsKey(KEYS.resolve("ec-pkcs8.pem").toString()).build();
        return TlsContextLoader.load(config.tls()).context();
    }

    private static ClientTls trusting(String serverName, List<String> protocols) throws Exception {
        return ClientTls.builder().trustPem(KEYS.resolve("ec-cert.pem")).serverName(serverName).protocols(protocols).build();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void theClientsHandshakeStartsAtTheConnectAndCarriesBytesBothWays(String protocol) throws Exception {
        Pair p = new Pair(trusting(NAME, ClientTls.DEFAULT_PROTOCOLS), protocol, protocol.hashCode());
        assertFalse(p.client.established());
        assertEquals(0, p.clientWire.takeCollected().length + p.clientWire.unread(), "nothing before the connect");
        assertTrue(p.client.finishConnect());
        byte[] hello = p.clientWire.takeCollected();
        assertTrue(hello.length > 0 && hello[0] == 22, "a handshake record (the ClientHello) went out at the connect");
        p.serverWire.feed(ByteBuffer.wrap(hello));
        p.exchange(10);
        assertTrue(p.client.established(), "the client's handshake ended");
        assertTrue(p.server.established());
        assertEquals(protocol, p.serverEngine.getSession().getProtocol());

        byte[] up = new byte[50_000];
        byte[] down = new byte[70_000];
        p.random.nextBytes(up);
        p.random.nextBytes(down);
        ByteBuffer upBuffer = ByteBuffer.wrap(up);
        ByteBuffer downBuffer = ByteBuffer.wrap(down);
        for (int i = 0; i < 200 && (upBuffer.hasRemaining() || downBuffer.hasRemaining() || p.clientGot.size() < down.length); i++) {
            p.client.write(new ByteBuffer[] {upBuffer}, 0, 1);
            p.server.write(new ByteBuffer[] {downBuffer}, 0, 1);
            p.exchange(1);
        }
        assertArrayEquals(up, p.serverGot.toByteArray(), "the server read every byte the client wrote, in order");
        assertArrayEquals(down, p.clientGot.toByteArray(), "the client read every byte the server wrote, in order");
    }

    @Test
    void aCertificateThatDoesNotNameTheServerFailsTheClientsHandshake() throws Exception {
        Pair p = new Pair(trusting("other-name", ClientTls.DEFAULT_PROTOCOLS), "TLSv1.3", 11);
        TransportException e = assertThrows(TransportException.class, () -> {
            p.client.finishConnect();
            p.exchange(10);
        });
        assertEquals(CloseReason.TLS_HANDSHAKE_FAILED, e.reason());
        assertTrue(e.getMessage().contains("TLS handshake failed"), e.getMessage());
        assertFalse(p.client.established());
    }

    @Test
    void anUntrustedCertificateFailsTheClientsHandshake() throws Exception {
        Path otherCa = KEYS.resolve("rsa-pkcs8.pem"); // a key, not a certificate: refused when built
        assertThrows(java.io.IOException.class, () -> ClientTls.builder().trustPem(otherCa).build());
        ClientTls jdkDefaults = ClientTls.builder().serverName(NAME).build(); // the JDK's CAs never signed the test certificate
        Pair p = new Pair(jdkDefaults, "TLSv1.2", 12);
        TransportException e = assertThrows(TransportException.class, () -> {
            p.client.finishConnect();
            p.exchange(10);
        });
        assertEquals(CloseReason.TLS_HANDSHAKE_FAILED, e.reason());
    }

    @Test
    void aHalfCloseOverTls13SendsTheCloseNotifyThenTheFinAndTheServerGoesOnSending() throws Exception {
        Pair p = new Pair(trusting(NAME, List.of("TLSv1.3")), "TLSv1.3", 13);
        p.client.finishConnect();
        p.exchange(10);
        assertTrue(p.client.established());
        p.client.write(new ByteBuffer[] {ByteBuffer.wrap("last words".getBytes())}, 0, 1);
        p.client.shutdownOutput();
        assertTrue(p.clientWire.outputShutDown(), "the FIN follows the close_notify at once when the socket has room");
        p.exchange(2);
        assertEquals("last words", p.serverGot.toString());
        p.readBuffer.clear();
        assertEquals(-1, p.server.read(p.readBuffer), "the server read the close_notify: its input ended");
        p.server.write(new ByteBuffer[] {ByteBuffer.wrap("reply after the half-close".getBytes())}, 0, 1);
        p.exchange(2);
        assertEquals("reply after the half-close", p.clientGot.toString());
    }

    @Test
    void aHalfCloseWhoseCloseNotifyFindsNoRoomSendsTheFinOnceItIsWritten() throws Exception {
        Pair p = new Pair(trusting(NAME, List.of("TLSv1.3")), "TLSv1.3", 14);
        p.client.finishConnect();
        p.exchange(10);
        p.clientWire.peerTakesAtMost(0);
        p.client.shutdownOutput();
        assertFalse(p.clientWire.outputShutDown(), "no FIN before the close_notify");
        assertTrue(p.client.hasBufferedOutput());
        p.clientWire.peerTakesAtMost(Long.MAX_VALUE);
        p.client.writeBuffered();
        assertTrue(p.clientWire.outputShutDown(), "the FIN went once the close_notify was written");
        assertFalse(p.client.hasBufferedOutput());
        p.exchange(1);
        p.readBuffer.clear();
        assertEquals(-1, p.server.read(p.readBuffer));
    }
}
