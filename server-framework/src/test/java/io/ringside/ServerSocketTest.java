package io.ringside;

import io.ringside.server.ServerStats;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server on loopback sockets: many connections, mid-line closes, the drain on stop. */
@Timeout(120)
class ServerSocketTest extends LoopbackServerTest {
    @Test
    void thousandConcurrentConnectionsPipeliningGetEveryByteBackInOrder() throws Exception {
        InetSocketAddress address = start(UpperCaseHandler::new);
        long verified = PipelinedClients.exchange(address, 1000, 40, 32, l -> l.toUpperCase(java.util.Locale.ROOT), 60_000);
        assertEquals(1000L * 40 * 32, verified);
        await(() -> server.stats().openConnections() == 0, "every connection closed");
        ServerStats stats = server.stats();
        assertEquals(1000, stats.get(Metric.ACCEPTED));
        assertEquals(40_000, stats.get(Metric.LINES_IN));
        assertEquals(1000L * 40 * 32, stats.get(Metric.BYTES_OUT));
        assertEquals(1000, stats.closed(CloseReason.PEER_CLOSED));
        assertTrue(stats.workers().stream().allMatch(w -> w.get(Metric.OPENED) > 0), "both workers served: " + stats);
    }

    @Test
    void aConnectBurstLargerThanTheHandoffRingWaitsInTheBacklogAndIsServed() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean(true);
        InetSocketAddress address = start(() -> {
            if (first.getAndSet(false)) {
                java.util.concurrent.locks.LockSupport.parkNanos(300_000_000L); // the worker is busy: the ring fills
            }
            return new UpperCaseHandler();
        }, "WORKERS", "1", "RING_SIZE", "2");
        long verified = PipelinedClients.exchange(address, 500, 2, 32, l -> l.toUpperCase(java.util.Locale.ROOT), 60_000);
        assertEquals(500L * 2 * 32, verified);
        ServerStats stats = server.stats();
        assertEquals(0, stats.get(Metric.REFUSED), "nobody refused: " + stats);
        assertEquals(500, stats.get(Metric.OPENED));
        assertTrue(stats.get(Metric.HANDOFF_STALLS) > 0, "a 2-slot ring must have filled during a 500-connect burst: " + stats);
    }

    @Test
    void aClientThatClosesMidLineLeavesNothingBehind() throws Exception {
        List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        InetSocketAddress address = start(() -> new RecordingHandler(true) {
            @Override
            public void onClose(Connection c, CloseReason reason) {
                seen.add(String.join("|", lines) + " " + reason);
            }
        });
        for (int i = 0; i < 20; i++) {
            try (Socket s = new Socket(address.getAddress(), address.getPort())) {
                s.getOutputStream().write("whole line\npartial li".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                byte[] reply = s.getInputStream().readNBytes(11);
                assertEquals("whole line\n", new String(reply, StandardCharsets.US_ASCII));
            }
        }
        await(() -> seen.size() == 20, "20 closes");
        assertTrue(seen.stream().allMatch(s -> s.equals("whole line PEER_CLOSED")), seen.toString());
        await(() -> server.stats().openConnections() == 0, "no connection left open");
    }

    @Test
    void stopDrainsLinesAlreadySentAndClosesTheListener() throws Exception {
        InetSocketAddress address = start(UpperCaseHandler::new);
        int conns = 50;
        int lines = 200;
        List<Socket> sockets = new ArrayList<>();
        StringBuilder expected = new StringBuilder();
        for (int s = 0; s < lines; s++) {
            expected.append(PipelinedClients.line(0, s, 32).toUpperCase(java.util.Locale.ROOT));
        }
        for (int i = 0; i < conns; i++) {
            Socket s = new Socket(address.getAddress(), address.getPort());
            sockets.add(s);
        }
        await(() -> server.stats().openConnections() == conns, "connections registered");
        for (Socket s : sockets) {
            StringBuilder out = new StringBuilder();
            for (int l = 0; l < lines; l++) {
                out.append(PipelinedClients.line(0, l, 32));
            }
            OutputStream os = s.getOutputStream();
            os.write(out.toString().getBytes(StandardCharsets.US_ASCII));
            os.flush();
        }
        assertTrue(server.stop(), "clean drain");
        for (Socket s : sockets) {
            s.setSoTimeout(10_000);
            InputStream in = s.getInputStream();
            byte[] all = in.readAllBytes(); // the server closes after the drain: EOF ends this
            assertEquals(expected.toString(), new String(all, StandardCharsets.US_ASCII));
            s.close();
        }
        assertEquals(conns, server.stats().closed(CloseReason.SERVER_STOP));
        assertEquals((long) conns * lines, server.stats().get(Metric.LINES_IN));
        try (Socket refused = new Socket()) {
            refused.connect(address, 1000);
            throw new AssertionError("the listener should be closed after stop");
        } catch (java.net.ConnectException expectedRefusal) {
            // the port no longer accepts
        }
    }

    @Test
    void aDrainWaitsForABackpressuredReaderAndEndsCleanly() throws Exception {
        byte[] reply = new byte[64 * 1024]; // each line's reply alone passes the high watermark
        java.util.Arrays.fill(reply, (byte) 'r');
        InetSocketAddress address = start(() -> new LineHandler() {
            @Override
            public void onLine(Connection c, ByteSpan line) {
                c.write(reply);
            }
        }, "WORKERS", "1", "OUTPUT_HIGH_WATERMARK", "64k", "OUTPUT_LOW_WATERMARK", "16k", "DRAIN_TIMEOUT", "20s");
        int lines = 200; // 12.8 MB of replies: far more than the socket buffers hold
        try (Socket s = new Socket(address.getAddress(), address.getPort())) {
            s.setSoTimeout(60_000);
            s.getOutputStream().write("x\n".repeat(lines).getBytes(StandardCharsets.US_ASCII));
            await(() -> server.stats().get(Metric.BYTES_IN) == 2L * lines, "every request read");
            Thread.sleep(200); // the client reads nothing yet: the connection sits above its high watermark
            boolean[] clean = new boolean[1];
            Thread stopper = new Thread(() -> clean[0] = server.stop());
            stopper.start();
            long received = 0;
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = s.getInputStream().read(buf)) > 0; ) {
                received += n; // then EOF: the drain closed the connection once the last reply was out
            }
            stopper.join();
            assertEquals((long) lines * reply.length, received);
            assertTrue(clean[0], "the drain ended cleanly, not at its deadline: " + server.stats());
        }
    }

    /** Replies each line upper-cased (ASCII). */
    static final class UpperCaseHandler extends LineHandler {
        @Override
        public void onLine(Connection c, ByteSpan line) {
            byte[] b = line.toByteArray();
            for (int i = 0; i < b.length; i++) {
                if (b[i] >= 'a' && b[i] <= 'z') {
                    b[i] -= 32;
                }
            }
            c.write(b).writeEndOfLine();
        }
    }
}
