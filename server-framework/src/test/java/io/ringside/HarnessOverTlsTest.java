package io.ringside;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringside.testing.HandlerHarness;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link HandlerHarness#overTls}: a handler tested over TLS without sockets, a client {@link SSLEngine} (trusting the
 * test's self-signed certificate, made by {@link TlsFixture}) as the peer. The handler opens only after the handshake, lines come back as records the client
 * decrypts, the listener's protocol setting applies, and a certificate that does not load is refused with its name.
 *
 * <p>Threading: each test drives the harness and the client engine on its own thread (tasks inline).
 */
class HarnessOverTlsTest {
    @TempDir
    static Path dir;
    static TlsFixture identity;

    @BeforeAll
    static void certificate() throws Exception {
        identity = TlsFixture.create(dir, "localhost", "EC");
    }

    private static ServerConfig.Builder tlsConfig() {
        return ServerConfig.builder().tlsPort(0).tlsCert(identity.certPem.toString()).tlsKey(identity.keyPem.toString());
    }

    private static SSLEngine client(String protocol) throws Exception {
        SSLEngine client = identity.clientContext().createSSLEngine("localhost", 1);
        client.setUseClientMode(true);
        client.setEnabledProtocols(new String[] {protocol});
        return client;
    }

    /** Records what happened to it; echoes lines. */
    static final class Recording extends LineHandler {
        final List<String> events = new ArrayList<>();

        @Override
        public void onOpen(Connection c) {
            events.add("open");
            c.writeLine("hello");
        }

        @Override
        public void onLine(Connection c, ByteSpan line) {
            events.add("line:" + line.toString(StandardCharsets.US_ASCII));
            c.writeLine(line);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void theHandlerOpensAfterTheHandshakeAndItsRepliesAreRecords(String protocol) throws Exception {
        Recording handler = new Recording();
        HandlerHarness harness = HandlerHarness.overTls(tlsConfig().build(), handler);
        assertEquals(List.of(), handler.events, "no onOpen before the handshake");
        SSLEngine client = client(protocol);
        Peer peer = new Peer(client, harness);
        peer.handshake();
        assertEquals(List.of("open"), handler.events);
        assertEquals(protocol, client.getSession().getProtocol());
        assertEquals("hello\n", peer.readAll());
        peer.send("one\ntwo\n");
        assertEquals("one\ntwo\n", peer.readAll());
        assertEquals(List.of("open", "line:one", "line:two"), handler.events);
        assertNull(harness.closeReason());
    }

    @Test
    void theListenersProtocolsApply() throws Exception {
        HandlerHarness harness = HandlerHarness.overTls(tlsConfig().tlsProtocols("TLSv1.3").build(), new Recording());
        Peer peer = new Peer(client("TLSv1.2"), harness);
        assertThrows(javax.net.ssl.SSLException.class, peer::handshake, "a TLS 1.2 client and a TLS 1.3 listener");
        assertEquals(CloseReason.TLS_HANDSHAKE_FAILED, harness.closeReason());
    }

    @Test
    void aCertificateThatDoesNotLoadIsRefusedByName() {
        IOException e = assertThrows(IOException.class, () -> HandlerHarness.overTls(
                tlsConfig().tlsCert("/nonexistent/cert.pem").build(), new Recording()));
        assertTrue(e.getMessage().contains("/nonexistent/cert.pem"), e.getMessage());
    }

    /** The client side: wraps what it has to send, feeds it to the harness, unwraps what the harness wrote. */
    private static final class Peer {
        private final SSLEngine client;
        private final HandlerHarness harness;
        private final ByteBuffer fromServer = ByteBuffer.allocate(1 << 17);
        private final ByteBuffer plain = ByteBuffer.allocate(1 << 17);
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();

        Peer(SSLEngine client, HandlerHarness harness) {
            this.client = client;
            this.harness = harness;
        }

        void handshake() throws Exception {
            client.beginHandshake();
            for (int step = 0; step < 100 && client.getHandshakeStatus() != HandshakeStatus.NOT_HANDSHAKING; step++) {
                exchange(ByteBuffer.allocate(0));
            }
            assertFalse(client.getHandshakeStatus() != HandshakeStatus.NOT_HANDSHAKING, "handshake done");
            exchange(ByteBuffer.allocate(0)); // the server's session tickets and greeting
        }

        void send(String text) throws Exception {
            exchange(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
        }

        String readAll() {
            String s = received.toString(StandardCharsets.US_ASCII);
            received.reset();
            return s;
        }

        /** One round: the client's records (handshake, then {@code data}) to the harness, the harness's back. */
        private void exchange(ByteBuffer data) throws Exception {
            ByteBuffer out = ByteBuffer.allocate(1 << 17);
            for (int i = 0; i < 16; i++) {
                runTasks();
                boolean handshaking = client.getHandshakeStatus() == HandshakeStatus.NEED_WRAP;
                if (!handshaking && (client.getHandshakeStatus() != HandshakeStatus.NOT_HANDSHAKING || !data.hasRemaining())) {
                    break;
                }
                client.wrap(handshaking ? ByteBuffer.allocate(0) : data, out);
            }
            out.flip();
            if (out.hasRemaining()) {
                harness.feed(out);
            }
            fromServer.put(harness.takeOutput()).flip();
            for (int i = 0; i < 1_000 && fromServer.hasRemaining(); i++) {
                runTasks();
                if (client.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                    break;
                }
                SSLEngineResult r = client.unwrap(fromServer, plain);
                if (r.getStatus() != SSLEngineResult.Status.OK) {
                    break;
                }
            }
            fromServer.compact();
            plain.flip();
            received.write(plain.array(), 0, plain.limit());
            plain.clear();
            runTasks();
        }

        private void runTasks() {
            for (Runnable t = client.getDelegatedTask(); t != null; t = client.getDelegatedTask()) {
                t.run();
            }
        }
    }
}
