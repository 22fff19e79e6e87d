package io.ringside;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile and broken TLS peers: each is closed with a counted reason, never reaches the handler unless
 * its handshake completed, and the server goes on serving everyone else.
 */
@Timeout(180)
class TlsHostileTest extends LoopbackServerTest {
    @TempDir
    static Path dir;
    static TlsFixture cert;
    static SSLContext client;
    /** Handlers opened and closed, across the test's server (the handler's hooks run on the workers). */
    final AtomicInteger opened = new AtomicInteger();
    final ConcurrentLinkedQueue<CloseReason> closedHandlers = new ConcurrentLinkedQueue<>();

    @BeforeAll
    static void identity() throws Exception {
        cert = TlsFixture.create(dir, "server", "EC");
        client = cert.clientContext();
    }

    InetSocketAddress startTls(String... more) throws IOException {
        start(() -> new LineHandler() {
            @Override
            public void onOpen(Connection c) {
                opened.incrementAndGet();
            }

            @Override
            public void onLine(Connection c, ByteSpan line) {
                c.writeLine(line);
            }

            @Override
            public void onClose(Connection c, CloseReason reason) {
                closedHandlers.add(reason);
            }
        }, cert.pemSettings(more));
        return tlsAddress();
    }

    /** Reads until the server closes (end of stream or reset); fails after the socket's timeout. */
    static void assertClosedByServer(Socket s) throws IOException {
        s.setSoTimeout(20_000);
        InputStream in = s.getInputStream();
        try {
            while (in.read() >= 0) {
                // an alert, if any
            }
        } catch (java.net.SocketTimeoutException e) {
            throw new AssertionError("the server did not close the connection", e);
        } catch (IOException reset) {
            // closed with our bytes unread: a reset
        }
    }

    static void assertEchoWorks(InetSocketAddress tls) throws Exception {
        try (SSLSocket s = TlsEchoTest.connect(tls, client, "TLSv1.3")) {
            byte[] line = "still serving\n".getBytes(StandardCharsets.US_ASCII);
            assertArrayEquals(line, TlsEchoTest.exchange(s, line));
        }
    }

    @Test
    void plaintextInsteadOfAClientHelloIsClosedAndCounted() throws Exception {
        InetSocketAddress tls = startTls();
        try (Socket s = new Socket(tls.getAddress(), tls.getPort())) {
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertClosedByServer(s);
        }
        await(() -> server.stats().closed(CloseReason.TLS_HANDSHAKE_FAILED) == 1, "TLS_HANDSHAKE_FAILED counted");
        assertEquals(1, server.stats().get(Metric.TLS_FAILED_NOT_TLS), "as not TLS");
        assertEchoWorks(tls);
        assertEquals(1, opened.get(), "only the good client reached a handler");
    }

    @Test
    void randomBytesInsteadOfAClientHelloAreClosedAndCounted() throws Exception {
        InetSocketAddress tls = startTls();
        Random random = new Random(11);
        for (int i = 0; i < 20; i++) {
            byte[] junk = new byte[1 + random.nextInt(20_000)];
            random.nextBytes(junk);
            if (i % 2 == 0) {
                junk[0] = 0x16; // a handshake record's type, then nonsense
            }
            try (Socket s = new Socket(tls.getAddress(), tls.getPort())) {
                try {
                    s.getOutputStream().write(junk);
                } catch (IOException closedAlready) {
                    // the server refused the first bytes and reset before we sent the rest
                }
                s.shutdownOutput(); // a header that promises more than was sent ends here
                assertClosedByServer(s);
            }
        }
        await(() -> server.stats().closed(CloseReason.TLS_HANDSHAKE_FAILED) + server.stats().closed(CloseReason.PEER_CLOSED) == 20,
                "every junk connection closed");
        long refused = server.stats().closed(CloseReason.TLS_HANDSHAKE_FAILED);
        assertTrue(refused >= 10, "refused: " + refused);
        assertEquals(refused, server.stats().get(Metric.TLS_FAILED_NOT_TLS) + server.stats().get(Metric.TLS_FAILED_ALERT),
                "each refused one counted once, as not TLS or as a protocol error");
        assertEchoWorks(tls);
        assertEquals(1, opened.get(), "no junk connection reached a handler");
    }

    @Test
    void aHandshakeThatStallsHalfWayIsClosedAtTheHandshakeTimeout() throws Exception {
        InetSocketAddress tls = startTls("TLS_HANDSHAKE_TIMEOUT", "300ms");
        try (EngineClient half = new EngineClient(tls, client, "TLSv1.3");
             EngineClient cut = new EngineClient(tls, client, "TLSv1.3")) {
            half.engine.beginHandshake();
            half.send(half.wrap("")); // the whole ClientHello, then it reads the server's flight and stops
            assertTrue(half.unwrapSome() >= 0);
            cut.engine.beginHandshake();
            byte[] hello = cut.wrap("");
            cut.send(java.util.Arrays.copyOf(hello, hello.length / 2)); // half a ClientHello
            assertClosedByServer(half.channel.socket());
            assertClosedByServer(cut.channel.socket());
        }
        await(() -> server.stats().closed(CloseReason.PREFACE_TIMEOUT) == 2, "both closed at the handshake timeout");
        await(() -> server.stats().get(Metric.TLS_FAILED_TIMEOUT) == 2, "both counted as handshake timeouts");
        assertEquals(0, opened.get());
    }

    @Test
    void dataInTheSameWriteAsTheClientsFinishedIsServed() throws Exception {
        TlsFixture rsa = TlsFixture.create(dir, "rsa-server", "RSA");
        start(HostileClientsTest.EchoHandler::new, rsa.pemSettings());
        InetSocketAddress tls = tlsAddress();
        SSLContext client = rsa.clientContext();
        for (String protocol : new String[] {"TLSv1.3", "TLSv1.2"}) {
            try (EngineClient c = new EngineClient(tls, client, protocol)) {
                c.handshake("early line\n");
                assertEquals("early line\n", c.readPlain(11), protocol);
            }
        }
    }

    @Test
    void aTruncatedRecordIsRefusedAfterTheLinesBeforeIt() throws Exception {
        InetSocketAddress tls = startTls();
        try (EngineClient c = new EngineClient(tls, client, "TLSv1.3")) {
            c.handshake();
            c.send(c.wrap("whole\n"));
            assertEquals("whole\n", c.readPlain(6));
            byte[] record = c.wrap("cut short\n");
            c.send(java.util.Arrays.copyOf(record, record.length - 7));
            c.channel.shutdownOutput();
            assertClosedByServer(c.channel.socket());
        }
        await(() -> closedHandlers.size() == 1, "the handler heard the close");
        assertEquals(List.of(CloseReason.PREFACE_FAILED), new ArrayList<>(closedHandlers));
        assertEchoWorks(tls);
    }

    @Test
    void anAlteredRecordIsRefused() throws Exception {
        InetSocketAddress tls = startTls();
        try (EngineClient c = new EngineClient(tls, client, "TLSv1.2")) {
            c.handshake();
            byte[] record = c.wrap("tampered\n");
            record[record.length - 3] ^= 0x40; // inside the authentication tag
            c.send(record);
            assertClosedByServer(c.channel.socket());
        }
        await(() -> closedHandlers.size() == 1, "the handler heard the close");
        assertEquals(List.of(CloseReason.PREFACE_FAILED), new ArrayList<>(closedHandlers));
        assertEchoWorks(tls);
    }

    @Test
    void aPeerThatVanishesWithoutCloseNotifyEndsAsAPeerClose() throws Exception {
        InetSocketAddress tls = startTls();
        try (Socket raw = new Socket(tls.getAddress(), tls.getPort())) {
            SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket(raw, "127.0.0.1", tls.getPort(), false);
            s.setSoTimeout(20_000);
            s.startHandshake();
            byte[] line = "bye\n".getBytes(StandardCharsets.US_ASCII);
            assertArrayEquals(line, TlsEchoTest.exchange(s, line));
        } // closes the TCP socket under the TLS one: no close_notify
        await(() -> closedHandlers.size() == 1, "the handler heard the close");
        assertEquals(List.of(CloseReason.PEER_CLOSED), new ArrayList<>(closedHandlers));
        assertEchoWorks(tls);
    }

    @Test
    void aCloseNotifyIsAnsweredWithOneAfterTheReplies() throws Exception {
        InetSocketAddress tls = startTls();
        for (String protocol : new String[] {"TLSv1.3", "TLSv1.2"}) {
            try (EngineClient c = new EngineClient(tls, client, protocol)) {
                c.handshake();
                c.send(c.wrap("last words\n"));
                c.engine.closeOutbound();
                c.send(c.wrap("")); // close_notify
                assertEquals("last words\n", c.readPlain(11), protocol);
                int n = 0;
                for (int reads = 0; reads < 10 && n == 0; reads++) {
                    n = c.unwrapSome(); // 0: a record without data (the close_notify) was consumed
                }
                assertEquals(-1, n, protocol + ": then the end of stream");
                assertTrue(c.engine.isInboundDone(), protocol + ": the server's close_notify arrived before its end of stream");
            }
        }
        await(() -> closedHandlers.size() == 2, "both handlers heard the close");
        assertEquals(List.of(CloseReason.PEER_CLOSED, CloseReason.PEER_CLOSED), new ArrayList<>(closedHandlers));
    }

    @Test
    void aTls12RenegotiationFromTheClientIsRefused() throws Exception {
        InetSocketAddress tls = startTls();
        try (SSLSocket s = TlsEchoTest.connect(tls, client, "TLSv1.2")) {
            byte[] line = "before\n".getBytes(StandardCharsets.US_ASCII);
            assertArrayEquals(line, TlsEchoTest.exchange(s, line));
            assertThrows(IOException.class, () -> {
                s.startHandshake(); // a new ClientHello on the established connection
                s.getOutputStream().write(line);
                s.getInputStream().read();
            });
        }
        await(() -> closedHandlers.size() == 1, "the handler heard the close");
        assertEquals(List.of(CloseReason.PREFACE_FAILED), new ArrayList<>(closedHandlers));
        assertEchoWorks(tls);
    }
}
