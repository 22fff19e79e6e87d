package io.ringside;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringside.server.RingsideServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ringside_connections_by_state{worker,state}}: connections put in each state the page shows, read on the
 * parsed {@code /metrics} page, which must show exactly them, summing to {@code ringside_connections_open}; then
 * the same connections moved on (a flood read, a close) and the page follows. One worker, so every count is
 * that worker's. (The worker's timeout sweep also asserts its counts against a fresh look at every connection,
 * in this test and every other one.)
 */
@Timeout(120)
class ConnectionStatesMetricsTest {
    private static final String[] STATES = {"connecting", "preface", "open", "read_paused", "output_paused", "half_closed", "closing"};
    private static final int FLOOD = 4 << 20;
    @TempDir
    static Path dir;

    /** Commands: {@code pause}, {@code resume}, {@code flood} (4 MiB), {@code bye} (4 MiB then close after the flush), {@code timer}. */
    static final class StateHandler extends LineHandler {
        @Override
        public void onOpen(Connection c) {
            c.writeLine("hi");
        }

        @Override
        public void onLine(Connection c, ByteSpan line) {
            switch (line.toString(StandardCharsets.US_ASCII)) {
                case "pause" -> c.pauseReading();
                case "flood" -> c.write(new byte[FLOOD]);
                case "bye" -> {
                    c.write(new byte[FLOOD]);
                    c.closeAfterFlush();
                }
                case "timer" -> c.schedule(Duration.ofMinutes(1), () -> c.writeLine("late"));
                default -> c.writeLine(line);
            }
        }
    }

    private static Socket client(InetSocketAddress to, boolean smallWindow) throws IOException {
        Socket s = new Socket();
        if (smallWindow) {
            s.setReceiveBufferSize(8 << 10); // with the server's small send buffer: a flood stays queued at the server
        }
        s.connect(to, 5_000);
        s.setSoTimeout(20_000);
        return s;
    }

    private static void send(Socket s, String line) throws IOException {
        s.getOutputStream().write((line + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    private static String readLine(Socket s) throws IOException {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
    }

    @Test
    void eachStateShowsOnThePageAndFollowsItsConnections() throws Exception {
        TlsFixture cert = TlsFixture.create(dir, "states", "EC");
        ServerConfig config = ServerConfig.builder().port(0).workers(1).adminPort(0).sendBufferBytes(8 << 10)
                .outputHardCap(16 << 20).tlsPort(0).tlsCert(cert.certPem.toString()).tlsKey(cert.keyPem.toString())
                .tlsHandshakeTimeout(Duration.ofMinutes(1)).drainTimeout(Duration.ofSeconds(1)).build();
        List<Socket> sockets = new ArrayList<>();
        try (RingsideServer server = new RingsideServer(config, StateHandler::new).start();
             ServerSocketChannel full = ServerSocketChannel.open()) {
            InetSocketAddress plain = server.localAddress();
            Socket open = client(plain, false);
            sockets.add(open);
            assertEquals("hi", readLine(open));
            Socket paused = client(plain, false);
            sockets.add(paused);
            send(paused, "pause");
            Socket flooded = client(plain, true);
            sockets.add(flooded);
            send(flooded, "flood"); // and never read
            Socket halfClosed = client(plain, false);
            sockets.add(halfClosed);
            send(halfClosed, "timer");
            halfClosed.shutdownOutput(); // input ends; its timer keeps it half-closed for a minute
            Socket closing = client(plain, true);
            sockets.add(closing);
            send(closing, "bye"); // 4 MiB it does not read, then the close
            Socket preface = client(server.tlsAddress().orElseThrow(), false); // no ClientHello: the handshake waits
            sockets.add(preface);
            InetSocketAddress nowhere = fullBacklog(full, sockets);
            server.connect(nowhere, Duration.ofMinutes(1), new StateHandler()); // its SYN is dropped: pending

            Map<String, Long> want = counts(1, 1, 1, 1, 1, 1, 1);
            PrometheusText page = awaitStates(server, want);
            assertEquals("gauge", page.types.get("ringside_connections_by_state"));
            assertEquals(7, page.sum("ringside_connections_open"), "the states add up to the open connections");

            flooded.getInputStream().readNBytes(3 + FLOOD); // "hi\n" and the flood: its output drained, it reads again
            open.close(); // the server reads the end of stream and closes it
            paused.close(); // not read while paused: the server does not see this end, and the connection stays paused
            awaitStates(server, counts(1, 1, 1, 1, 0, 1, 1));
            assertEquals(6, PrometheusText.parse(AdminListenerTest.get(server, "/metrics").body()).sum("ringside_connections_open"));
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    /** A listener on 127.0.0.1 whose accept queue (backlog 1) is full, so a new connect's SYN is dropped and it waits. */
    private static InetSocketAddress fullBacklog(ServerSocketChannel full, List<Socket> keep) throws Exception {
        full.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        full.bind(new InetSocketAddress("127.0.0.1", 0), 1);
        InetSocketAddress at = (InetSocketAddress) full.getLocalAddress();
        for (int i = 0; i < 2; i++) { // Linux queues backlog + 1 before it drops SYNs
            SocketChannel ch = SocketChannel.open();
            ch.configureBlocking(false);
            ch.connect(at);
            for (int spin = 0; spin < 2_000 && !ch.finishConnect(); spin++) {
                Thread.sleep(1);
            }
            assertTrue(ch.isConnected(), "queued connection " + i);
            keep.add(ch.socket());
        }
        return at;
    }

    private static Map<String, Long> counts(long... perState) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < STATES.length; i++) {
            m.put(STATES[i], perState[i]);
        }
        return m;
    }

    /** Waits (at most 20 s) until the page shows exactly {@code want} by state; then asserts it (naming the states). */
    private static PrometheusText awaitStates(RingsideServer server, Map<String, Long> want) throws Exception {
        Map<String, Long> got = new LinkedHashMap<>();
        PrometheusText page = null;
        for (int i = 0; i < 800 && !got.equals(want); i++) {
            if (i > 0) {
                Thread.sleep(25);
            }
            page = PrometheusText.parse(AdminListenerTest.get(server, "/metrics").body());
            for (String state : STATES) {
                got.put(state, (long) page.value("ringside_connections_by_state", "state", state, "worker", "0"));
            }
        }
        assertEquals(want, got, "connections by state on /metrics");
        return page;
    }
}
