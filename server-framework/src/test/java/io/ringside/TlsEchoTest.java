package io.ringside;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** TLS on the TLS listener, with the JDK's SSLSocket as the client: byte-exact echo, both protocols, client certificates. */
@Timeout(120)
class TlsEchoTest extends LoopbackServerTest {
    @TempDir
    static Path dir;
    static TlsFixture cert;
    static TlsFixture clientCert;

    @BeforeAll
    static void identities() throws Exception {
        cert = TlsFixture.create(dir, "server", "EC");
        clientCert = TlsFixture.create(dir, "client", "RSA");
    }

    static SSLSocket connect(InetSocketAddress address, SSLContext ctx, String protocol) throws IOException {
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(address.getAddress(), address.getPort());
        s.setSoTimeout(20_000);
        s.setEnabledProtocols(new String[] {protocol});
        s.startHandshake();
        return s;
    }

    /** Sends {@code bytes} from another thread while reading {@code bytes.length} back; returns what came. */
    static byte[] exchange(Socket s, byte[] bytes) throws Exception {
        OutputStream out = s.getOutputStream();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                out.write(bytes);
                out.flush();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        InputStream in = s.getInputStream();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        while (got.size() < bytes.length) {
            int n = in.read(buf);
            if (n < 0) {
                break;
            }
            got.write(buf, 0, n);
        }
        writer.get(30, TimeUnit.SECONDS);
        return got.toByteArray();
    }

    /** Pipelined lines of random bytes (no newline inside), of random lengths up to {@code max}. */
    static byte[] randomLines(long seed, int count, int max) {
        Random r = new Random(seed);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < count; i++) {
            int len = r.nextInt(max);
            for (int j = 0; j < len; j++) {
                int v = r.nextInt(255);
                b.write(v >= '\n' ? v + 1 : v);
            }
            b.write('\n');
        }
        return b.toByteArray();
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void pipelinedLinesOfEveryByteComeBackExactly(String protocol) throws Exception {
        start(HostileClientsTest.EchoHandler::new, cert.pemSettings());
        byte[] lines = randomLines(42, 3_000, 2_000);
        try (SSLSocket s = connect(tlsAddress(), cert.clientContext(), protocol)) {
            assertEquals(protocol, s.getSession().getProtocol());
            assertArrayEquals(lines, exchange(s, lines), "echo over " + protocol);
        }
    }

    @Test
    void largeLinesSpanningManyRecordsComeBackExactly() throws Exception {
        start(HostileClientsTest.EchoHandler::new, cert.pemSettings("MAX_LINE_BYTES", "1m", "OUTPUT_HARD_CAP", "16m"));
        byte[] lines = randomLines(7, 12, 900_000);
        try (SSLSocket s = connect(tlsAddress(), cert.clientContext(), "TLSv1.3")) {
            assertArrayEquals(lines, exchange(s, lines));
        }
    }

    @Test
    void recordsLargerThanTheReadBufferAreHandedOverInPieces() throws Exception {
        // 256-byte read buffers: each 16 KiB record overflows the reader and waits in the plaintext buffer,
        // handed over piece by piece on the turns after (hasBufferedInput), with nothing more from the socket
        start(HostileClientsTest.EchoHandler::new, cert.pemSettings("READ_BUFFER_BYTES", "256", "MAX_LINE_BYTES", "1m"));
        byte[] lines = randomLines(99, 40, 60_000);
        try (SSLSocket s = connect(tlsAddress(), cert.clientContext(), "TLSv1.2")) {
            assertArrayEquals(lines, exchange(s, lines));
        }
    }

    @Test
    void thePlainListenerKeepsServingBesideTheTlsOne() throws Exception {
        InetSocketAddress plain = start(HostileClientsTest.EchoHandler::new, cert.pemSettings());
        assertTrue(tlsAddress().getPort() != plain.getPort());
        try (Socket s = new Socket(plain.getAddress(), plain.getPort())) {
            s.setSoTimeout(20_000);
            byte[] line = "plain\n".getBytes(StandardCharsets.US_ASCII);
            assertArrayEquals(line, exchange(s, line));
        }
    }

    @Test
    void theHardCapCountsThePlaintextQueuedForAClientThatDoesNotRead() throws Exception {
        byte[] chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, (byte) 'z');
        start(() -> new LineHandler() {
            @Override
            public void onLine(Connection c, ByteSpan line) {
                for (int i = 0; i < 160 && c.isOpen(); i++) { // 10 MiB of replies to one line
                    c.write(chunk, 0, chunk.length);
                }
            }
        }, cert.pemSettings("OUTPUT_HARD_CAP", "1m", "OUTPUT_HIGH_WATERMARK", "256k"));
        try (SSLSocket s = connect(tlsAddress(), cert.clientContext(), "TLSv1.3")) {
            s.getOutputStream().write("flood me\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            await(() -> server.stats().closed(CloseReason.OUTPUT_OVERFLOW) == 1, "closed at the hard cap (plaintext counted)");
        }
    }

    @Test
    void theLineTimeoutWorksOverTls() throws Exception {
        start(HostileClientsTest.EchoHandler::new, cert.pemSettings("LINE_TIMEOUT", "300ms"));
        try (SSLSocket s = connect(tlsAddress(), cert.clientContext(), "TLSv1.3")) {
            byte[] line = "whole\n".getBytes(StandardCharsets.US_ASCII);
            assertArrayEquals(line, exchange(s, line));
            s.getOutputStream().write("a line without its end".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            assertEquals(-1, s.getInputStream().read(), "closed (after the server's close_notify)");
        }
        assertEquals(1, server.stats().closed(CloseReason.LINE_TIMEOUT));
    }

    @Test
    void aPkcs12FileServesAsCertificateAndKey() throws Exception {
        start(HostileClientsTest.EchoHandler::new, "TLS_PORT", "0", "TLS_CERT", cert.p12.toString(),
                "TLS_KEY_PASSWORD", TlsFixture.PASSWORD);
        try (SSLSocket s = connect(tlsAddress(), cert.clientContext(), "TLSv1.3")) {
            byte[] line = "p12\n".getBytes(StandardCharsets.US_ASCII);
            assertArrayEquals(line, exchange(s, line));
            assertEquals(cert.certificate, s.getSession().getPeerCertificates()[0]);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void theHandlerOpensAfterTheHandshakeAndItsGreetingComesEncrypted(String protocol) throws Exception {
        start(() -> new LineHandler() {
            @Override
            public void onOpen(Connection c) {
                c.write("HELLO\n");
            }

            @Override
            public void onLine(Connection c, ByteSpan line) {
                c.writeLine(line);
            }
        }, cert.pemSettings());
        try (SSLSocket s = connect(tlsAddress(), cert.clientContext(), protocol)) {
            // the server speaks first: the greeting comes with nothing sent after the handshake
            assertArrayEquals("HELLO\n".getBytes(StandardCharsets.US_ASCII), s.getInputStream().readNBytes(6));
            s.getOutputStream().write("x\n".getBytes(StandardCharsets.US_ASCII));
            assertArrayEquals("x\n".getBytes(StandardCharsets.US_ASCII), s.getInputStream().readNBytes(2));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void aRequiredClientCertificateIsCheckedAgainstTheClientCa(String protocol) throws Exception {
        start(HostileClientsTest.EchoHandler::new, cert.pemSettings("TLS_CLIENT_AUTH", "required",
                "TLS_CLIENT_CA", clientCert.certPem.toString()));
        try (SSLSocket s = connect(tlsAddress(), cert.clientContext(clientCert), protocol)) {
            byte[] line = "with cert\n".getBytes(StandardCharsets.US_ASCII);
            assertArrayEquals(line, exchange(s, line));
        }
        // without a certificate: TLS 1.2 fails in the handshake, TLS 1.3 at the client's first read (the alert comes after it)
        assertThrows(IOException.class, () -> { // an alert (SSLException), or a reset when it raced the close
            try (SSLSocket s = connect(tlsAddress(), cert.clientContext(), protocol)) {
                s.getOutputStream().write("no cert\n".getBytes(StandardCharsets.US_ASCII));
                s.getInputStream().read();
            }
        });
        await(() -> server.stats().closed(CloseReason.TLS_HANDSHAKE_FAILED) == 1, "the refused handshake counted");
        assertEquals(1, server.stats().get(Metric.TLS_FAILED_CLIENT_CERT), "as a refused client certificate");
    }

    @Test
    void anOptionalClientCertificateMayBeLeftOut() throws Exception {
        start(HostileClientsTest.EchoHandler::new, cert.pemSettings("TLS_CLIENT_AUTH", "optional",
                "TLS_CLIENT_CA", clientCert.certPem.toString()));
        for (TlsFixture identity : new TlsFixture[] {clientCert, null}) {
            try (SSLSocket s = connect(tlsAddress(), cert.clientContext(identity), "TLSv1.3")) {
                byte[] line = "optional\n".getBytes(StandardCharsets.US_ASCII);
                assertArrayEquals(line, exchange(s, line));
            }
        }
    }
}
