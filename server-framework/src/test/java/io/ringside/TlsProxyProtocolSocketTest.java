package io.ringside;

import static io.ringside.ProxyHeaderBytes.LOCAL;
import static io.ringside.ProxyHeaderBytes.concat;
import static io.ringside.ProxyHeaderBytes.v1;
import static io.ringside.ProxyHeaderBytes.v2;
import static io.ringside.ProxyHeaderBytes.v2Tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TLS listener with {@code tls-proxy-protocol} on loopback sockets, the test playing HAProxy's
 * {@code server ... ssl send-proxy-v2}: the PROXY header first, then the TLS handshake. The handler opens only
 * after both, sees the header's client, local and proxy addresses; a bad header closes the connection before
 * any TLS byte, counted as {@code BAD_PROXY_HEADER}; a {@code LOCAL} header keeps the proxy's addresses;
 * {@code max-connections-per-address} counts the clients of the headers; the preface timeout covers both.
 * The plain listener keeps its own {@code proxy-protocol} (off here).
 */
@Timeout(120)
class TlsProxyProtocolSocketTest extends LoopbackServerTest {
    @TempDir
    static Path dir;
    static TlsFixture cert;
    static SSLContext client;
    private final AtomicInteger opened = new AtomicInteger();

    @BeforeAll
    static void identity() throws Exception {
        cert = TlsFixture.create(dir, "proxied", "EC");
        client = cert.clientContext();
    }

    /** Greets with the three addresses it sees, then echoes lines. */
    private final class AddressHandler extends LineHandler {
        @Override
        public void onOpen(Connection c) {
            opened.incrementAndGet();
            c.writeLine("OPEN remote=" + c.remoteAddress() + " local=" + c.localAddress() + " proxy=" + c.proxyAddress());
        }

        @Override
        public void onLine(Connection c, ByteSpan line) {
            c.writeLine(line);
        }
    }

    private InetSocketAddress startTls(String mode, String... more) throws IOException {
        String[] settings = cert.pemSettings(concatSettings(new String[] {"TLS_PROXY_PROTOCOL", mode}, more));
        start(AddressHandler::new, settings);
        return tlsAddress();
    }

    private static String[] concatSettings(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** A TLS socket over {@code raw}, after the caller wrote its PROXY header on it. */
    private static SSLSocket tlsOver(Socket raw, InetSocketAddress server) throws IOException {
        SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket(raw, "127.0.0.1", server.getPort(), true);
        s.setSoTimeout(20_000);
        s.startHandshake();
        return s;
    }

    private static Socket connect(InetSocketAddress server) throws IOException {
        Socket s = new Socket(server.getAddress(), server.getPort());
        s.setSoTimeout(20_000);
        return s;
    }

    private static BufferedReader reader(Socket s) throws IOException {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
    }

    @Test
    void theHeaderAndTheClientHelloInOneWriteOpenWithTheHeadersAddresses() throws Exception {
        InetSocketAddress tls = startTls("v2");
        try (EngineClient c = new EngineClient(tls, client, "TLSv1.3")) {
            c.handshake(v2Tcp("10.9.8.7", 4242, "10.0.0.1", 443), "ping\n");
            String expected = "OPEN remote=/10.9.8.7:4242 local=/10.0.0.1:443 proxy=" + c.channel.getLocalAddress() + "\nping\n";
            assertEquals(expected, c.readPlain(expected.length()));
        }
        try (Socket plain = connect(server.localAddress())) { // the plain listener expects no header
            plain.getOutputStream().write("plain\n".getBytes(StandardCharsets.US_ASCII));
            BufferedReader in = reader(plain);
            assertTrue(in.readLine().startsWith("OPEN remote=" + plain.getLocalSocketAddress() + " "));
            assertEquals("plain", in.readLine());
        }
    }

    @Test
    void aVersion1HeaderSentByteByByteThenTheHandshakeOverTls12() throws Exception {
        InetSocketAddress tls = startTls("any");
        Socket raw = connect(tls);
        raw.setTcpNoDelay(true);
        OutputStream out = raw.getOutputStream();
        byte[] header = v1("PROXY TCP4 192.0.2.7 192.0.2.1 5555 8443");
        for (byte b : header) {
            out.write(b);
            out.flush();
            Thread.sleep(1);
        }
        Thread.sleep(100);
        assertEquals(0, opened.get(), "no handler call before the header and the handshake");
        try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket(raw, "127.0.0.1", tls.getPort(), true)) {
            s.setEnabledProtocols(new String[] {"TLSv1.2"});
            s.setSoTimeout(20_000);
            s.startHandshake();
            s.getOutputStream().write("after\n".getBytes(StandardCharsets.US_ASCII));
            BufferedReader in = reader(s);
            assertEquals("OPEN remote=/192.0.2.7:5555 local=/192.0.2.1:8443 proxy=" + raw.getLocalSocketAddress(), in.readLine());
            assertEquals("after", in.readLine());
        }
    }

    @Test
    void aLocalHeaderKeepsTheProxysAddresses() throws Exception {
        InetSocketAddress tls = startTls("v2");
        Socket raw = connect(tls);
        raw.getOutputStream().write(v2(LOCAL, 0x00, new byte[0]));
        try (SSLSocket s = tlsOver(raw, tls)) {
            s.getOutputStream().write("health\n".getBytes(StandardCharsets.US_ASCII));
            BufferedReader in = reader(s);
            assertEquals("OPEN remote=" + raw.getLocalSocketAddress() + " local=" + raw.getRemoteSocketAddress()
                    + " proxy=" + raw.getLocalSocketAddress(), in.readLine());
            assertEquals("health", in.readLine());
        }
    }

    @Test
    void aBadHeaderOnTheTlsPortClosesWithoutATlsByteCountedAndUnheard() throws Exception {
        InetSocketAddress tls = startTls("v2");
        try (EngineClient c = new EngineClient(tls, client, "TLSv1.3")) {
            c.engine.beginHandshake();
            c.send(c.wrap("")); // a ClientHello where the header should be
            c.channel.shutdownOutput();
            assertEquals(-1, c.channel.socket().getInputStream().read(), "closed without a byte (no TLS alert)");
        }
        try (Socket s = connect(tls)) {
            s.getOutputStream().write(v1("PROXY TCP4 10.0.0.1 10.0.0.2 1 2")); // the other version
            assertEquals(-1, s.getInputStream().read());
        }
        await(() -> server.stats().closed(CloseReason.BAD_PROXY_HEADER) == 2, "two bad headers counted");
        assertEquals(0, opened.get(), "the handler never heard of them");
        await(() -> server.stats().openConnections() == 0, "nothing left open");
    }

    @Test
    void maxConnectionsPerAddressCountsTheHeadersClients() throws Exception {
        InetSocketAddress tls = startTls("v2", "MAX_CONNECTIONS_PER_ADDRESS", "1");
        Socket raw1 = connect(tls);
        raw1.getOutputStream().write(v2Tcp("10.1.1.1", 1001, "10.0.0.1", 443));
        Socket raw2 = connect(tls);
        raw2.getOutputStream().write(v2Tcp("10.1.1.2", 1002, "10.0.0.1", 443));
        try (SSLSocket first = tlsOver(raw1, tls); SSLSocket other = tlsOver(raw2, tls)) {
            assertTrue(reader(first).readLine().startsWith("OPEN remote=/10.1.1.1:1001 "));
            assertTrue(reader(other).readLine().startsWith("OPEN remote=/10.1.1.2:1002 "), "another client of the same proxy is served");
            Socket raw3 = connect(tls);
            raw3.getOutputStream().write(v2Tcp("10.1.1.1", 1003, "10.0.0.1", 443));
            try (SSLSocket second = tlsOver(raw3, tls)) {
                BufferedReader in = reader(second);
                assertEquals("ERROR too many connections from 10.1.1.1", in.readLine(), "refused over TLS, after the handshake");
                assertNull(in.readLine(), "then closed");
            }
        }
        await(() -> server.stats().closed(CloseReason.REFUSED) == 1, "counted as refused");
        assertEquals(2, opened.get());
    }

    @Test
    void thePrefaceTimeoutCoversTheHeaderAndTheHandshake() throws Exception {
        InetSocketAddress tls = startTls("v2", "PROXY_PROTOCOL_TIMEOUT", "200ms", "TLS_HANDSHAKE_TIMEOUT", "200ms");
        try (Socket silent = connect(tls); Socket headerOnly = connect(tls)) {
            headerOnly.getOutputStream().write(v2Tcp("10.2.2.2", 2, "10.0.0.1", 443)); // then no ClientHello
            long start = System.nanoTime();
            assertEquals(-1, silent.getInputStream().read(), "closed: no header");
            assertEquals(-1, headerOnly.getInputStream().read(), "closed: no handshake after the header");
            assertTrue(System.nanoTime() - start >= 300_000_000L, "not before both timeouts together (400 ms)");
        }
        await(() -> server.stats().closed(CloseReason.PREFACE_TIMEOUT) == 2, "both counted as preface timeouts");
        assertEquals(0, opened.get());
        try (EngineClient c = new EngineClient(tls, client, "TLSv1.3")) { // a prompt one is served
            c.handshake(concat(v2Tcp("10.3.3.3", 3, "10.0.0.1", 443)), "");
            assertTrue(c.readPlain(5).startsWith("OPEN "));
        }
    }
}
