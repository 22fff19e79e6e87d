package io.ringside;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringside.server.RingsideServer;
import io.ringside.server.ServerStats;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Outbound connections on loopback: connect, refusal, timeout, closes from either side, limits, the drain. */
@Timeout(120)
class OutboundConnectTest extends LoopbackServerTest {
    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeResources() throws Exception {
        for (AutoCloseable r : resources) {
            r.close();
        }
    }

    /** Records the hooks of one outbound connection, for a test thread to read. */
    static class OutboundRecorder extends LineHandler {
        final List<String> events = new CopyOnWriteArrayList<>();
        volatile String thread;
        volatile Connection connection;

        @Override
        public void onOpen(Connection c) {
            connection = c;
            thread = Thread.currentThread().getName();
            events.add("open");
        }

        @Override
        public void onLine(Connection c, ByteSpan line) {
            events.add("line:" + line.toString(StandardCharsets.US_ASCII));
        }

        @Override
        public void onInputEnd(Connection c) {
            events.add("input-end");
        }

        @Override
        public void onClose(Connection c, CloseReason reason) {
            events.add("close:" + reason);
        }

        boolean closed() {
            return events.stream().anyMatch(e -> e.startsWith("close:"));
        }
    }

    private ServerSocket peer() throws IOException {
        ServerSocket peer = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        resources.add(peer);
        return peer;
    }

    private static InetSocketAddress addressOf(ServerSocket s) {
        return new InetSocketAddress(s.getInetAddress(), s.getLocalPort());
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int ch; (ch = in.read()) != -1 && ch != '\n'; ) {
            b.append((char) ch);
        }
        return b.toString();
    }

    @Test
    void aConnectFromAnyThreadIsServedByTheLineHandlerApiUntilThePeerCloses() throws Exception {
        start(() -> new RecordingHandler(false));
        ServerSocket peer = peer();
        OutboundRecorder out = new OutboundRecorder() {
            @Override
            public void onOpen(Connection c) {
                super.onOpen(c);
                c.writeLine("hello from " + c.localAddress().getPort());
            }
        };
        server.connect(addressOf(peer), Duration.ofSeconds(10), out);
        try (Socket s = peer.accept()) {
            s.setSoTimeout(20_000);
            assertEquals("hello from " + s.getPort(), readLine(s.getInputStream()));
            s.getOutputStream().write("one\ntwo\n".getBytes(StandardCharsets.US_ASCII));
        } // the peer closes
        await(out::closed, "the outbound connection closed");
        assertEquals(List.of("open", "line:one", "line:two", "input-end", "close:PEER_CLOSED"), out.events);
        assertTrue(out.thread.startsWith("ringside-worker-"), out.thread);
        ServerStats stats = server.stats();
        assertEquals(1, stats.get(Metric.CONNECTS));
        assertEquals(1, stats.get(Metric.OPENED));
        assertEquals(0, stats.get(Metric.ACCEPTED));
        assertEquals(1, stats.closed(CloseReason.PEER_CLOSED));
        assertEquals(0, stats.openConnections());
    }

    @Test
    void aHandlerConnectsOnItsOwnWorkerWritesBeforeConnectedAndRelaysTheReplyToItsClient() throws Exception {
        ServerSocket peer = peer();
        List<String> threads = new CopyOnWriteArrayList<>();
        InetSocketAddress address = start(() -> new LineHandler() {
            @Override
            public void onLine(Connection client, ByteSpan line) {
                threads.add(Thread.currentThread().getName());
                Connection out = client.connect(addressOf(peer), Duration.ofSeconds(10), new LineHandler() {
                    @Override
                    public void onOpen(Connection c) {
                        threads.add(Thread.currentThread().getName());
                    }

                    @Override
                    public void onLine(Connection c, ByteSpan reply) {
                        client.write("peer says: ").writeLine(reply); // another connection's output: flushed by its loop
                    }
                });
                out.writeLine(line); // queued while connecting, sent once connected
            }
        });
        try (Socket client = new Socket(address.getAddress(), address.getPort())) {
            client.setSoTimeout(20_000);
            client.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
            try (Socket s = peer.accept()) {
                s.setSoTimeout(20_000);
                assertEquals("ping", readLine(s.getInputStream()));
                s.getOutputStream().write("pong\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals("peer says: pong", readLine(client.getInputStream()));
            }
        }
        assertEquals(2, threads.size());
        assertEquals(threads.get(0), threads.get(1), "the outbound connection runs on the caller's worker");
    }

    @Test
    void aRefusedConnectClosesWithConnectFailedAndNeverOpens() throws Exception {
        start(() -> new RecordingHandler(false));
        InetSocketAddress nobody;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nobody = addressOf(s);
        } // closed: nothing listens there now
        OutboundRecorder out = new OutboundRecorder();
        server.connect(nobody, Duration.ofSeconds(10), out);
        await(out::closed, "the refusal");
        assertEquals(List.of("close:CONNECT_FAILED"), out.events);
        assertEquals(1, server.stats().closed(CloseReason.CONNECT_FAILED));
        assertEquals(0, server.stats().openConnections());
    }

    @Test
    void anUnresolvedAddressFailsWithoutALookupOnTheWorker() throws Exception {
        start(() -> new RecordingHandler(false));
        OutboundRecorder out = new OutboundRecorder();
        server.connect(InetSocketAddress.createUnresolved("nowhere.invalid", 80), Duration.ofSeconds(10), out);
        await(out::closed, "the failure");
        assertEquals(List.of("close:CONNECT_FAILED"), out.events);
    }

    /** A listener whose accept queue is full (backlog 1, never accepting): the kernel drops further SYNs. */
    private InetSocketAddress blackHole() throws IOException, InterruptedException {
        ServerSocketChannel full = ServerSocketChannel.open();
        resources.add(full);
        full.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
        InetSocketAddress address = (InetSocketAddress) full.getLocalAddress();
        Selector selector = Selector.open();
        resources.add(selector);
        for (int filled = 0, tries = 0; filled < 2 && tries < 10; tries++) {
            SocketChannel c = SocketChannel.open();
            resources.add(c);
            c.configureBlocking(false);
            c.connect(address);
            SelectionKey key = c.register(selector, SelectionKey.OP_CONNECT);
            if (selector.select(2000) > 0 && c.finishConnect()) {
                filled++;
            }
            key.cancel();
            selector.selectNow();
        }
        return address;
    }

    @Test
    void aConnectThatHangsClosesWithConnectTimeoutNotBefore() throws Exception {
        start(() -> new RecordingHandler(false));
        InetSocketAddress hole = blackHole();
        OutboundRecorder out = new OutboundRecorder();
        long started = System.nanoTime();
        server.connect(hole, Duration.ofMillis(300), out);
        await(out::closed, "the connect timeout");
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertEquals(List.of("close:CONNECT_TIMEOUT"), out.events);
        assertTrue(elapsedMillis >= 300, "closed after " + elapsedMillis + " ms, before its 300 ms timeout");
        assertEquals(1, server.stats().closed(CloseReason.CONNECT_TIMEOUT));
    }

    @Test
    void closingTheOutboundConnectionLocallyEndsThePeersStream() throws Exception {
        start(() -> new RecordingHandler(false));
        ServerSocket peer = peer();
        OutboundRecorder out = new OutboundRecorder() {
            @Override
            public void onLine(Connection c, ByteSpan line) {
                super.onLine(c, line);
                c.writeLine("bye").closeAfterFlush();
            }
        };
        server.connect(addressOf(peer), Duration.ofSeconds(10), out);
        try (Socket s = peer.accept()) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write("quit\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("bye\n", new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII), "then EOF");
        }
        await(out::closed, "closed");
        assertEquals(List.of("open", "line:quit", "close:LOCAL_CLOSE"), out.events);
    }

    @Test
    void outboundConnectionsAreNotCountedAgainstTheConnectionLimits() throws Exception {
        ServerSocket peer = peer();
        List<OutboundRecorder> outs = new CopyOnWriteArrayList<>();
        InetSocketAddress address = start(() -> new LineHandler() {
            @Override
            public void onLine(Connection client, ByteSpan line) {
                for (int i = 0; i < 3; i++) {
                    OutboundRecorder out = new OutboundRecorder();
                    outs.add(out);
                    client.connect(addressOf(peer), Duration.ofSeconds(10), out);
                }
            }
        }, "MAX_CONNECTIONS", "1");
        try (Socket client = new Socket(address.getAddress(), address.getPort())) {
            client.getOutputStream().write("dial\n".getBytes(StandardCharsets.US_ASCII));
            List<Socket> accepted = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                accepted.add(peer.accept());
            }
            await(() -> outs.size() == 3 && outs.stream().allMatch(o -> o.events.contains("open")), "3 outbound opened");
            assertRefused(address, "the one slot is the client's, not the outbound connections'");
            for (Socket s : accepted) {
                s.close();
            }
            await(() -> outs.stream().allMatch(OutboundRecorder::closed), "the outbound connections closed");
            assertRefused(address, "their closes gave back no slot they never took");
        }
        await(() -> server.stats().openConnections() == 0, "all closed");
        assertEquals(3, server.stats().get(Metric.CONNECTS));
    }

    private static void assertRefused(InetSocketAddress address, String why) throws IOException {
        try (Socket s = new Socket(address.getAddress(), address.getPort())) {
            s.setSoTimeout(20_000);
            assertEquals("ERROR too many connections", readLine(s.getInputStream()), why);
        }
    }

    @Test
    void aStopClosesAPendingConnectWithServerStopAndDrainsCleanly() throws Exception {
        start(() -> new RecordingHandler(false));
        InetSocketAddress hole = blackHole();
        OutboundRecorder out = new OutboundRecorder();
        server.connect(hole, Duration.ofSeconds(60), out);
        await(() -> server.stats().get(Metric.CONNECTS) == 1, "the connect started");
        assertTrue(server.stop(Duration.ofSeconds(20)), "a clean drain");
        assertEquals(List.of("close:SERVER_STOP"), out.events);
        assertThrows(IllegalStateException.class, () -> server.connect(hole, Duration.ofSeconds(1), new OutboundRecorder()));
    }

    @Test
    void aConnectOfAServerNotStartedOrWithoutTimeoutIsRefusedAtTheCall() {
        RingsideServer idle = new RingsideServer(ServerConfig.defaults(), () -> new RecordingHandler(false));
        InetSocketAddress somewhere = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9);
        assertThrows(IllegalStateException.class, () -> idle.connect(somewhere, Duration.ofSeconds(1), new OutboundRecorder()));
        assertThrows(IllegalArgumentException.class, () -> idle.connect(somewhere, Duration.ofSeconds(-1), new OutboundRecorder()));
    }
}
