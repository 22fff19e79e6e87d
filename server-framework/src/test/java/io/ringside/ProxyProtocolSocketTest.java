package io.ringside;

import static io.ringside.ProxyHeaderBytes.LOCAL;
import static io.ringside.ProxyHeaderBytes.concat;
import static io.ringside.ProxyHeaderBytes.v1;
import static io.ringside.ProxyHeaderBytes.v2;
import static io.ringside.ProxyHeaderBytes.v2Tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringside.server.ServerStats;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The server with {@code proxy-protocol} on loopback sockets, the test playing the proxy: the handler sees the
 * client of the header, only after the header, with every byte after it; bad or missing headers close the
 * connection with a counted reason before any handler call; max-connections-per-address counts the clients.
 */
@Timeout(120)
class ProxyProtocolSocketTest extends LoopbackServerTest {
    private final AtomicInteger opened = new AtomicInteger();

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

    private InetSocketAddress start(String mode, String... more) throws IOException {
        String[] settings = concatSettings(new String[] {"PROXY_PROTOCOL", mode}, more);
        return start(AddressHandler::new, settings);
    }

    private static String[] concatSettings(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static Socket connect(InetSocketAddress server) throws IOException {
        Socket s = new Socket(server.getAddress(), server.getPort());
        s.setSoTimeout(20_000);
        return s;
    }

    private static BufferedReader reader(Socket s) throws IOException {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
    }

    private static String local(Socket s) {
        return s.getLocalSocketAddress().toString();
    }

    @Test
    void aVersion1HeaderAndTheFirstLinesInOneWrite() throws Exception {
        InetSocketAddress server = start("v1");
        try (Socket s = connect(server)) {
            s.getOutputStream().write(concat(v1("PROXY TCP4 10.9.8.7 10.0.0.1 4242 40713"), "ping\npong\n".getBytes(StandardCharsets.US_ASCII)));
            BufferedReader in = reader(s);
            assertEquals("OPEN remote=/10.9.8.7:4242 local=/10.0.0.1:40713 proxy=" + local(s), in.readLine());
            assertEquals("ping", in.readLine());
            assertEquals("pong", in.readLine());
        }
    }

    @Test
    void aVersion2HeaderSentByteByByte() throws Exception {
        InetSocketAddress server = start("any");
        try (Socket s = connect(server)) {
            s.setTcpNoDelay(true);
            OutputStream out = s.getOutputStream();
            byte[] header = v2Tcp("2001:db8::7", 1234, "2001:db8::1", 443);
            for (int i = 0; i < header.length - 1; i++) {
                out.write(header[i]);
                out.flush();
                Thread.sleep(1);
            }
            Thread.sleep(100);
            assertEquals(0, opened.get(), "no handler call before the header is complete");
            out.write(concat(new byte[] {header[header.length - 1]}, "after\n".getBytes(StandardCharsets.US_ASCII)));
            BufferedReader in = reader(s);
            assertEquals("OPEN remote=/[2001:db8:0:0:0:0:0:7]:1234 local=/[2001:db8:0:0:0:0:0:1]:443 proxy=" + local(s), in.readLine());
            assertEquals("after", in.readLine());
        }
    }

    @Test
    void aLocalHealthCheckKeepsTheProxysAddresses() throws Exception {
        InetSocketAddress server = start("v2");
        try (Socket s = connect(server)) {
            s.getOutputStream().write(concat(v2(LOCAL, 0x00, new byte[0]), "health\n".getBytes(StandardCharsets.US_ASCII)));
            BufferedReader in = reader(s);
            assertEquals("OPEN remote=" + local(s) + " local=" + s.getRemoteSocketAddress() + " proxy=" + local(s), in.readLine());
            assertEquals("health", in.readLine());
        }
    }

    @Test
    void junkAWrongVersionAndACutHeaderCloseBeforeAnyHandlerCallCounted() throws Exception {
        InetSocketAddress server = start("v2");
        byte[][] bad = {
            "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
            v1("PROXY TCP4 10.0.0.1 10.0.0.2 1 2"),
            java.util.Arrays.copyOf(v2Tcp("10.0.0.1", 1, "10.0.0.2", 2), 20),
        };
        for (byte[] b : bad) {
            try (Socket s = connect(server)) {
                s.getOutputStream().write(b);
                s.shutdownOutput(); // the cut header ends here
                assertEquals(0, s.getInputStream().readAllBytes().length, "closed without a byte");
            }
        }
        await(() -> server().stats().closed(CloseReason.BAD_PROXY_HEADER) == 3, "three bad headers counted");
        assertEquals(0, opened.get());
        await(() -> server().stats().openConnections() == 0, "nothing left open");
    }

    @Test
    void aClientThatSendsNoHeaderIsClosedAtTheTimeout() throws Exception {
        InetSocketAddress server = start("any", "PROXY_PROTOCOL_TIMEOUT", "300ms");
        try (Socket s = connect(server)) {
            long start = System.nanoTime();
            assertEquals(-1, s.getInputStream().read(), "the server closed the silent connection");
            assertTrue(System.nanoTime() - start >= 250_000_000L, "not before the timeout");
        }
        await(() -> server().stats().closed(CloseReason.PREFACE_TIMEOUT) == 1, "counted as a preface timeout");
        assertEquals(0, opened.get());
    }

    @Test
    void offNeverGuessesAHeader() throws Exception {
        InetSocketAddress server = start("off");
        try (Socket s = connect(server)) {
            s.getOutputStream().write(v1("PROXY TCP4 10.9.8.7 10.0.0.1 4242 40713"));
            BufferedReader in = reader(s);
            assertEquals("OPEN remote=" + local(s) + " local=" + s.getRemoteSocketAddress() + " proxy=null", in.readLine());
            assertEquals("PROXY TCP4 10.9.8.7 10.0.0.1 4242 40713", in.readLine(), "an ordinary line, echoed");
        }
    }

    @Test
    void maxConnectionsPerAddressCountsTheClientsNotTheProxy() throws Exception {
        InetSocketAddress server = start("v1", "MAX_CONNECTIONS_PER_ADDRESS", "1");
        try (Socket a = connect(server); Socket b = connect(server); Socket a2 = connect(server)) {
            a.getOutputStream().write(v1("PROXY TCP4 10.1.1.1 10.0.0.1 1000 40713"));
            assertTrue(reader(a).readLine().startsWith("OPEN remote=/10.1.1.1:1000"));
            b.getOutputStream().write(v1("PROXY TCP4 10.1.1.2 10.0.0.1 1000 40713"));
            assertTrue(reader(b).readLine().startsWith("OPEN remote=/10.1.1.2:1000"), "the proxy's own address is not counted");
            a2.getOutputStream().write(v1("PROXY TCP4 10.1.1.1 10.0.0.1 1001 40713"));
            BufferedReader in = reader(a2);
            assertEquals("ERROR too many connections from 10.1.1.1", in.readLine());
            assertEquals(null, in.readLine(), "then closed");
        }
        await(() -> server().stats().openConnections() == 0, "all closed");
        ServerStats stats = server().stats();
        assertEquals(1, stats.get(Metric.REFUSED));
        assertEquals(1, stats.closed(CloseReason.REFUSED));
        assertEquals(2, opened.get());
        try (Socket again = connect(server)) {
            again.getOutputStream().write(v1("PROXY TCP4 10.1.1.1 10.0.0.1 1002 40713"));
            assertTrue(reader(again).readLine().startsWith("OPEN remote=/10.1.1.1:1002"), "released under the client's address");
        }
    }

    @Test
    void manyConnectionsThroughOneProxyAtOnceAreNotRefusedAtAccept() throws Exception {
        InetSocketAddress server = start("v2", "MAX_CONNECTIONS_PER_ADDRESS", "1");
        java.util.List<Socket> sockets = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                sockets.add(connect(server)); // all from 127.0.0.1, none has sent its header yet
            }
            for (int i = 0; i < sockets.size(); i++) {
                sockets.get(i).getOutputStream().write(v2Tcp("10.2.0." + (i + 1), 7, "10.0.0.1", 40713));
            }
            for (int i = 0; i < sockets.size(); i++) {
                assertTrue(reader(sockets.get(i)).readLine().startsWith("OPEN remote=/10.2.0." + (i + 1) + ":7"));
            }
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
        assertEquals(0, server().stats().get(Metric.REFUSED));
    }

    @Test
    void connectionsWaitingForTheRestOfTheirHeaderHoldNoReadBuffer() throws Exception {
        InetSocketAddress server = start("v1", "READ_BUFFER_BYTES", "64k");
        java.util.List<Socket> waiting = new java.util.ArrayList<>();
        try {
            long before = directMemoryUsed();
            for (int i = 0; i < 200; i++) {
                Socket s = connect(server);
                s.getOutputStream().write("PROXY TCP4 10.3.".getBytes(StandardCharsets.US_ASCII));
                waiting.add(s);
            }
            for (int probe = 0; probe < 2; probe++) { // one per worker (round-robin): each has read the partial headers
                try (Socket s = connect(server)) {
                    s.getOutputStream().write(v1("PROXY TCP4 10.3.0.1 10.0.0.1 1 2"));
                    assertTrue(reader(s).readLine().startsWith("OPEN remote=/10.3.0.1:1"));
                }
            }
            long growth = directMemoryUsed() - before;
            assertTrue(growth < 2L << 20, "200 connections inside their header hold " + growth + " bytes of direct buffers");
            assertEquals(2, opened.get());
        } finally {
            for (Socket s : waiting) {
                s.close();
            }
        }
    }

    private static long directMemoryUsed() {
        return java.lang.management.ManagementFactory.getPlatformMXBeans(java.lang.management.BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct")).mapToLong(java.lang.management.BufferPoolMXBean::getMemoryUsed).sum();
    }

    private io.ringside.server.RingsideServer server() {
        return server;
    }
}
