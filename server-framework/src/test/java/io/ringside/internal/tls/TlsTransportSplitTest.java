package io.ringside.internal.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringside.ServerConfig;
import io.ringside.internal.transport.MemoryTransport;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.Random;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The TLS transport over the in-memory peer, with a client {@link SSLEngine} on the other side and the
 * wire cut at random points (seeded; the seed is in the test's name): every split of the handshake and
 * of the records, and many records in one read, give the same plaintext both ways. Tasks run inline, so
 * the whole exchange is on the test's thread.
 */
class TlsTransportSplitTest {
    private static final Path KEYS = Path.of("src/test/resources/io/ringside/internal/tls");

    private static SSLContext serverContext() throws Exception {
        ServerConfig config = ServerConfig.builder().tlsPort(0).tlsCert(KEYS.resolve("ec-cert.pem").toString())
                .tlsKey(KEYS.resolve("ec-pkcs8.pem").toString()).build();
        return TlsContextLoader.load(config.tls()).context();
    }

    private static SSLContext clientContext() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (var in = java.nio.file.Files.newInputStream(KEYS.resolve("ec-cert.pem"))) {
            trust.setCertificateEntry("server", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    @ParameterizedTest(name = "{0} seed {1}, cuts up to {2} bytes")
    @CsvSource({"TLSv1.3, 1, 1", "TLSv1.3, 2, 7", "TLSv1.3, 3, 300", "TLSv1.3, 4, 40000",
                "TLSv1.2, 5, 1", "TLSv1.2, 6, 13", "TLSv1.2, 7, 5000", "TLSv1.2, 8, 40000"})
    void everySplitOfTheWireGivesTheSamePlaintextBothWays(String protocol, long seed, int maxCut) throws Exception {
        Random random = new Random(seed);
        SSLEngine client = clientContext().createSSLEngine("localhost", 1);
        client.setUseClientMode(true);
        client.setEnabledProtocols(new String[] {protocol});
        SSLEngine serverEngine = serverContext().createSSLEngine();
        serverEngine.setUseClientMode(false);
        MemoryTransport wire = new MemoryTransport();
        TlsTransport server = new TlsTransport(wire, serverEngine, Runnable::run);
        server.bind(Runnable::run);

        byte[] message = new byte[70_000]; // several records each way
        random.nextBytes(message);
        ByteBuffer toSend = ByteBuffer.wrap(message);
        ByteArrayOutputStream serverGot = new ByteArrayOutputStream();
        ByteArrayOutputStream clientGot = new ByteArrayOutputStream();
        ByteBuffer fromServer = ByteBuffer.allocate(1 << 18);
        ByteBuffer clientPlain = ByteBuffer.allocate(1 << 18);
        ByteBuffer readBuffer = ByteBuffer.allocate(1024 + random.nextInt(16_384));
        client.beginHandshake();
        int echoedUpTo = 0;
        for (int step = 0; step < 200_000 && clientGot.size() < message.length; step++) {
            // the client's records, cut at random points, each piece read by the server at once
            byte[] out = wrapAll(client, toSend);
            for (int at = 0; at < out.length; ) {
                int cut = Math.min(out.length - at, 1 + random.nextInt(maxCut));
                wire.feed(ByteBuffer.wrap(out, at, cut));
                at += cut;
                drain(server, readBuffer, serverGot);
            }
            drain(server, readBuffer, serverGot);
            server.writeBuffered();
            // the server echoes what it decrypted, as the connection would write its replies
            byte[] got = serverGot.toByteArray();
            if (got.length > echoedUpTo && server.established()) {
                ByteBuffer reply = ByteBuffer.wrap(got, echoedUpTo, got.length - echoedUpTo);
                echoedUpTo += (int) server.write(new ByteBuffer[] {reply}, 0, 1);
            }
            fromServer.put(wire.takeCollected());
            fromServer.flip();
            unwrapAll(client, fromServer, clientPlain);
            fromServer.compact();
            clientPlain.flip();
            clientGot.write(clientPlain.array(), clientPlain.position(), clientPlain.remaining());
            clientPlain.clear();
        }
        assertTrue(server.established());
        assertEquals(protocol, serverEngine.getSession().getProtocol());
        assertTrue(java.util.Arrays.equals(message, serverGot.toByteArray()), "the server read every byte, in order");
        assertTrue(java.util.Arrays.equals(message, clientGot.toByteArray()), "the echo came back whole");
        assertFalse(server.hasBufferedInput());
        server.close();
        assertTrue(wire.isClosed());
    }

    @org.junit.jupiter.api.Test
    void aHandshakeThatEndsWhileFlushingIsReportedToTheNextRead() throws Exception {
        SSLEngine client = clientContext().createSSLEngine("localhost", 1);
        client.setUseClientMode(true);
        client.setEnabledProtocols(new String[] {"TLSv1.2"}); // the server's Finished is the handshake's last flight
        SSLEngine serverEngine = serverContext().createSSLEngine();
        serverEngine.setUseClientMode(false);
        MemoryTransport wire = new MemoryTransport();
        TlsTransport server = new TlsTransport(wire, serverEngine, Runnable::run);
        server.bind(Runnable::run);
        ByteBuffer readBuffer = ByteBuffer.allocate(16_384);
        ByteBuffer fromServer = ByteBuffer.allocate(1 << 18);
        ByteBuffer plain = ByteBuffer.allocate(1 << 18);
        client.beginHandshake();
        for (int flight = 0; flight < 2; flight++) { // ClientHello; then ClientKeyExchange, ChangeCipherSpec, Finished
            if (flight == 1) {
                wire.peerTakesAtMost(0); // the socket is full: the server cannot send its Finished now
            }
            wire.feed(ByteBuffer.wrap(wrapAll(client, ByteBuffer.allocate(0))));
            readBuffer.clear();
            assertEquals(0, server.read(readBuffer));
            server.writeBuffered();
            fromServer.put(wire.takeCollected()).flip();
            unwrapAll(client, fromServer, plain);
            fromServer.compact();
        }
        assertFalse(server.established(), "its last flight is still unsent");
        wire.peerTakesAtMost(Long.MAX_VALUE);
        server.writeBuffered(); // the socket has room: the Finished goes, and the handshake ends here, not in a read
        assertTrue(server.established());
        assertTrue(server.hasBufferedInput(), "the connection must read once more to hear of it (and open its handler)");
        readBuffer.clear();
        assertEquals(0, server.read(readBuffer));
        assertFalse(server.hasBufferedInput());
    }

    @org.junit.jupiter.api.Test
    void oneSocketCallMovesSeveralRecordsEachWay() throws Exception {
        SSLEngine client = clientContext().createSSLEngine("localhost", 1);
        client.setUseClientMode(true);
        SSLEngine serverEngine = serverContext().createSSLEngine();
        serverEngine.setUseClientMode(false);
        CountingWire wire = new CountingWire(new MemoryTransport());
        TlsTransport server = new TlsTransport(wire, serverEngine, Runnable::run);
        server.bind(Runnable::run);
        ByteBuffer readBuffer = ByteBuffer.allocate(1 << 17);
        ByteBuffer fromServer = ByteBuffer.allocate(1 << 18);
        ByteBuffer plain = ByteBuffer.allocate(1 << 18);
        client.beginHandshake();
        for (int flight = 0; flight < 20 && !(server.established() && client.getHandshakeStatus()
                == HandshakeStatus.NOT_HANDSHAKING); flight++) {
            wire.memory.feed(ByteBuffer.wrap(wrapAll(client, ByteBuffer.allocate(0))));
            drain(server, readBuffer, new ByteArrayOutputStream());
            server.writeBuffered();
            fromServer.put(wire.memory.takeCollected()).flip();
            unwrapAll(client, fromServer, plain);
            fromServer.compact();
        }
        assertTrue(server.established());
        drain(server, readBuffer, new ByteArrayOutputStream()); // a TLS 1.3 client's last flight, if any
        fromServer.put(wire.memory.takeCollected()).flip(); // the session tickets
        unwrapAll(client, fromServer, plain);
        fromServer.clear();
        plain.clear();

        byte[] message = new byte[3 * 16_384 + 9_000]; // four records
        new Random(9).nextBytes(message);
        wire.writes = 0;
        assertEquals(message.length, server.write(new ByteBuffer[] {ByteBuffer.wrap(message)}, 0, 1));
        assertEquals(1, wire.writes, "the four records in one socket write");
        fromServer.put(wire.memory.takeCollected()).flip();
        unwrapAll(client, fromServer, plain);
        assertEquals(ByteBuffer.wrap(message), plain.flip(), "the client decrypts them all");

        wire.memory.feed(ByteBuffer.wrap(wrapAll(client, ByteBuffer.wrap(message))));
        wire.reads = 0;
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        drain(server, readBuffer, got);
        assertTrue(java.util.Arrays.equals(message, got.toByteArray()), "the server decrypts every byte, in order");
        assertEquals(1, wire.reads, "the four records from one socket read");
    }

    /** The in-memory wire, counting the socket calls that moved bytes. */
    private static final class CountingWire extends io.ringside.internal.transport.LayeredTransport {
        final MemoryTransport memory;
        int reads;
        int writes;

        CountingWire(MemoryTransport memory) {
            super(memory);
            this.memory = memory;
        }

        @Override
        public int read(ByteBuffer dst) {
            int n = memory.read(dst);
            reads += n > 0 ? 1 : 0;
            return n;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            long n = memory.write(srcs, offset, length);
            writes += n > 0 ? 1 : 0;
            return n;
        }

        @Override
        public void interest(boolean read, boolean write) {
            memory.interest(read, write);
        }

        @Override
        public void close() {
            memory.close();
        }
    }

    /** Reads from the transport until it has nothing more now. */
    private static void drain(TlsTransport server, ByteBuffer readBuffer, ByteArrayOutputStream got) throws Exception {
        for (int i = 0; i < 1_000; i++) {
            readBuffer.clear();
            int n = server.read(readBuffer);
            if (n > 0) {
                got.write(readBuffer.array(), 0, n);
            } else if (!server.hasBufferedInput()) {
                return;
            }
        }
    }

    /** What the client engine wants to send now: handshake records, then {@code data} once it may. */
    private static byte[] wrapAll(SSLEngine client, ByteBuffer data) throws Exception {
        ByteBuffer out = ByteBuffer.allocate(1 << 18);
        for (int i = 0; i < 64; i++) {
            runTasks(client);
            HandshakeStatus hs = client.getHandshakeStatus();
            boolean handshake = hs == HandshakeStatus.NEED_WRAP;
            if (!handshake && (hs != HandshakeStatus.NOT_HANDSHAKING || !data.hasRemaining())) {
                break;
            }
            SSLEngineResult r = client.wrap(handshake ? ByteBuffer.allocate(0) : data, out);
            if (r.getStatus() != SSLEngineResult.Status.OK) {
                break;
            }
        }
        out.flip();
        byte[] b = new byte[out.remaining()];
        out.get(b);
        return b;
    }

    private static void unwrapAll(SSLEngine client, ByteBuffer in, ByteBuffer plain) throws Exception {
        for (int i = 0; i < 1_000 && in.hasRemaining(); i++) {
            runTasks(client);
            if (client.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                return;
            }
            SSLEngineResult r = client.unwrap(in, plain);
            if (r.getStatus() != SSLEngineResult.Status.OK) {
                return;
            }
        }
        runTasks(client);
    }

    private static void runTasks(SSLEngine engine) {
        for (Runnable t = engine.getDelegatedTask(); t != null; t = engine.getDelegatedTask()) {
            t.run();
        }
    }
}
