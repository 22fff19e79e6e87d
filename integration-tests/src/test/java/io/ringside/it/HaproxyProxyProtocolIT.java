package io.ringside.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringside.ByteSpan;
import io.ringside.CloseReason;
import io.ringside.Connection;
import io.ringside.LineHandler;
import io.ringside.Metric;
import io.ringside.ProxyProtocol;
import io.ringside.ServerConfig;
import io.ringside.server.RingsideServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real HAProxy (Debian's 2.6, started by this test with its own configuration on loopback, stopped by its
 * PID) in front of Ringside: {@code send-proxy} (v1) and {@code send-proxy-v2} (with its CRC32C and unique-id
 * TLVs) to servers expecting exactly that version, a client bound to 127.0.0.5, and the handler sees 127.0.0.5
 * and the client's port; the daemon jar with {@code --proxy-protocol v2 --max-connections-per-address 1}
 * counts 127.0.0.5 and 127.0.0.6, not HAProxy's own address; HAProxy's health checks
 * ({@code check-send-proxy}) arrive as LOCAL connections, with the proxy's own address.
 *
 * <p>TLS backends: HAProxy's plain frontends forward to TLS listeners with {@code tls-proxy-protocol}
 * ({@code server ... ssl verify none send-proxy-v2}, and {@code send-proxy} over TLS 1.2), each to a server
 * expecting exactly that version; the handler, behind the header and the handshake, sees 127.0.0.5 and every
 * line comes back in order. The certificate is a self-signed one made by {@code openssl} (one command).
 */
@Timeout(120)
class HaproxyProxyProtocolIT {
    private static final Queue<String> OPENS = new ConcurrentLinkedQueue<>();
    /** Lines each client sends through a TLS backend, in one write, and reads back in order. */
    private static final int LINES = 200;
    private static RingsideServer v1Server;
    private static RingsideServer v2Server;
    private static RingsideServer tlsV1Server;
    private static RingsideServer tlsV2Server;
    private static int tlsV1Front;
    private static int tlsV2Front;
    @TempDir
    static Path keys;
    private static DaemonProcess daemon;
    private static HaproxyProcess haproxy;
    private static int v1Front;
    private static int v2Front;
    private static int daemonFront;

    /** Greets with the addresses it sees, then echoes lines. */
    static final class AddressHandler extends LineHandler {
        @Override
        public void onOpen(Connection c) {
            String open = "OPEN remote=" + c.remoteAddress() + " local=" + c.localAddress() + " proxy=" + c.proxyAddress();
            OPENS.add(open);
            c.writeLine(open);
        }

        @Override
        public void onLine(Connection c, ByteSpan line) {
            c.writeLine(line);
        }

        @Override
        public void onClose(Connection c, CloseReason reason) {
            // nothing kept per connection
        }
    }

    private static RingsideServer server(ProxyProtocol version) throws IOException {
        ServerConfig config = ServerConfig.builder().port(0).workers(2).proxyProtocol(version).maxConnectionsPerAddress(1).build();
        return new RingsideServer(config, AddressHandler::new).start();
    }

    /** A server whose TLS listener expects {@code version} before the handshake (its plain listener none). */
    private static RingsideServer tlsServer(ProxyProtocol version) throws IOException {
        ServerConfig config = ServerConfig.builder().port(0).workers(2).tlsPort(0).tlsCert(keys.resolve("cert.pem").toString())
                .tlsKey(keys.resolve("key.pem").toString()).tlsProxyProtocol(version).build();
        return new RingsideServer(config, AddressHandler::new).start();
    }

    @BeforeAll
    static void start() throws Exception {
        HaproxyProcess.require();
        OpenSsl.selfSigned(keys.resolve("cert.pem"), keys.resolve("key.pem"), "localhost");
        v1Server = server(ProxyProtocol.V1);
        v2Server = server(ProxyProtocol.V2);
        tlsV1Server = tlsServer(ProxyProtocol.V1);
        tlsV2Server = tlsServer(ProxyProtocol.V2);
        tlsV1Front = DaemonProcess.freePort();
        tlsV2Front = DaemonProcess.freePort();
        daemon = DaemonProcess.start(0, "echo", "--proxy-protocol", "v2", "--max-connections-per-address", "1");
        v1Front = DaemonProcess.freePort();
        v2Front = DaemonProcess.freePort();
        daemonFront = DaemonProcess.freePort();
        int checksFront = DaemonProcess.freePort();
        haproxy = HaproxyProcess.start(HaproxyProcess.lines(List.of(
                "global",
                "    maxconn 200",
                "defaults",
                "    mode tcp",
                "    timeout connect 5s",
                "    timeout client 60s",
                "    timeout server 60s",
                "frontend fe_v1",
                "    bind 127.0.0.1:" + v1Front,
                "    default_backend be_v1",
                "backend be_v1",
                "    server ringside 127.0.0.1:" + v1Server.localAddress().getPort() + " send-proxy",
                "frontend fe_v2",
                "    bind 127.0.0.1:" + v2Front,
                "    unique-id-format %{+X}o%ci:%cp_%fi:%fp_%Ts_%rt:%pid",
                "    default_backend be_v2",
                "backend be_v2",
                "    server ringside 127.0.0.1:" + v2Server.localAddress().getPort() + " send-proxy-v2 proxy-v2-options crc32c,unique-id",
                "frontend fe_daemon",
                "    bind 127.0.0.1:" + daemonFront,
                "    default_backend be_daemon",
                "backend be_daemon",
                "    server ringside 127.0.0.1:" + daemon.port + " send-proxy-v2",
                "frontend fe_checks",
                "    bind 127.0.0.1:" + checksFront,
                "    default_backend be_checks",
                "backend be_checks",
                "    option tcp-check",
                "    tcp-check send health\\n",
                "    tcp-check expect string health",
                "    server ringside 127.0.0.1:" + v2Server.localAddress().getPort() + " send-proxy-v2 check check-send-proxy inter 200ms",
                "frontend fe_tls_v1",
                "    bind 127.0.0.1:" + tlsV1Front,
                "    default_backend be_tls_v1",
                "backend be_tls_v1",
                "    server ringside 127.0.0.1:" + tlsV1Server.tlsAddress().orElseThrow().getPort()
                        + " ssl verify none ssl-max-ver TLSv1.2 send-proxy",
                "frontend fe_tls_v2",
                "    bind 127.0.0.1:" + tlsV2Front,
                "    default_backend be_tls_v2",
                "backend be_tls_v2",
                "    server ringside 127.0.0.1:" + tlsV2Server.tlsAddress().orElseThrow().getPort() + " ssl verify none send-proxy-v2")),
                v1Front, v2Front, daemonFront, checksFront, tlsV1Front, tlsV2Front);
    }

    @AfterAll
    static void stop() throws Exception {
        if (haproxy != null) {
            haproxy.close();
        }
        if (daemon != null) {
            daemon.close();
        }
        for (RingsideServer s : new RingsideServer[] {v1Server, v2Server, tlsV1Server, tlsV2Server}) {
            if (s != null) {
                s.stop();
            }
        }
    }

    /** A client socket bound to {@code source} (loopback), connected to HAProxy's frontend {@code port}. */
    private static Socket client(String source, int port) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(source, 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(20_000);
        return s;
    }

    private static BufferedReader in(Socket s) throws IOException {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
    }

    @Test
    void sendProxyAndSendProxyV2TellTheHandlerTheClientsAddress() throws Exception {
        for (int front : new int[] {v1Front, v2Front}) {
            try (Socket s = client("127.0.0.5", front)) {
                s.getOutputStream().write("hello through haproxy\n".getBytes(StandardCharsets.US_ASCII));
                BufferedReader in = in(s);
                String open = in.readLine();
                String expected = "OPEN remote=/127.0.0.5:" + s.getLocalPort() + " local=/127.0.0.1:" + front + " proxy=/127.0.0.1:";
                assertTrue(open != null && open.startsWith(expected), "front " + front + ": " + open + "\nexpected " + expected);
                assertEquals("hello through haproxy", in.readLine());
            }
        }
    }

    @Test
    void tlsBackendsWithSendProxyV2AndSendProxyTellTheHandlerTheClientsAddressAndEchoEveryLine() throws Exception {
        for (int front : new int[] {tlsV2Front, tlsV1Front}) {
            try (Socket s = client("127.0.0.5", front)) {
                StringBuilder lines = new StringBuilder();
                for (int i = 0; i < LINES; i++) {
                    lines.append("line ").append(i).append(" through haproxy to TLS\n");
                }
                s.getOutputStream().write(lines.toString().getBytes(StandardCharsets.US_ASCII));
                BufferedReader in = in(s);
                String open = in.readLine();
                String expected = "OPEN remote=/127.0.0.5:" + s.getLocalPort() + " local=/127.0.0.1:" + front + " proxy=/127.0.0.1:";
                assertTrue(open != null && open.startsWith(expected), "front " + front + ": " + open + "\nexpected " + expected
                        + "\n" + haproxy.log());
                for (int i = 0; i < LINES; i++) {
                    assertEquals("line " + i + " through haproxy to TLS", in.readLine(), "front " + front);
                }
            }
        }
        for (RingsideServer server : new RingsideServer[] {tlsV1Server, tlsV2Server}) {
            assertEquals(0, server.stats().closed(CloseReason.BAD_PROXY_HEADER), "every header was the expected version");
            assertEquals(0, server.stats().closed(CloseReason.PREFACE_FAILED) + server.stats().closed(CloseReason.TLS_HANDSHAKE_FAILED),
                    "every handshake and record was good");
        }
        assertTrue(tlsV1Server.stats().get(Metric.TLS_HANDSHAKES_TLS12) >= 1, "ssl-max-ver TLSv1.2: " + tlsV1Server.stats());
        assertEquals(0, tlsV1Server.stats().get(Metric.TLS_HANDSHAKES_TLS13));
        assertTrue(tlsV2Server.stats().get(Metric.TLS_HANDSHAKES_TLS13) >= 1, "HAProxy's default, TLS 1.3: " + tlsV2Server.stats());
    }

    @Test
    void maxConnectionsPerAddressCountsTheClientsBehindHaproxyNotHaproxy() throws Exception {
        try (Socket first = client("127.0.0.5", daemonFront); Socket other = client("127.0.0.6", daemonFront)) {
            first.getOutputStream().write("one\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("one", in(first).readLine());
            other.getOutputStream().write("two\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("two", in(other).readLine(), "127.0.0.6 is served although every connection comes from HAProxy");
            try (Socket second = client("127.0.0.5", daemonFront)) {
                second.getOutputStream().write("three\n".getBytes(StandardCharsets.US_ASCII));
                BufferedReader in = in(second);
                assertEquals("ERROR too many connections from 127.0.0.5", in.readLine());
                assertNull(in.readLine(), "then closed");
            }
            first.getOutputStream().write("still here\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("still here", in(first).readLine());
        }
        long deadline = System.nanoTime() + 20_000_000_000L;
        String reply = null;
        while (System.nanoTime() - deadline < 0) { // the daemon gives 127.0.0.5's slot back once HAProxy closed its side
            try (Socket again = client("127.0.0.5", daemonFront)) {
                again.getOutputStream().write("again\n".getBytes(StandardCharsets.US_ASCII));
                reply = in(again).readLine();
            }
            if ("again".equals(reply)) {
                break;
            }
            Thread.sleep(50);
        }
        assertEquals("again", reply, "127.0.0.5 is served again after its connection closed");
    }

    @Test
    void healthChecksWithCheckSendProxyArriveAsLocalConnections() throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() - deadline < 0 && OPENS.stream().noneMatch(HaproxyProxyProtocolIT::isLocal)) {
            Thread.sleep(20);
        }
        assertTrue(OPENS.stream().anyMatch(HaproxyProxyProtocolIT::isLocal), "no LOCAL health check seen: " + OPENS
                + "\n" + haproxy.log());
    }

    /** A connection whose remote address is the proxy itself: the header named no client. */
    private static boolean isLocal(String open) {
        String[] f = open.split(" ");
        return f[1].substring("remote=".length()).equals(f[3].substring("proxy=".length()));
    }
}
