package io.ringside;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringside.server.RingsideServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The admin listener as a scraper and a balancer see it: {@code /metrics} parsed strictly and checked against
 * what the test did, {@code /health/ready} turning 503 when stop() is called while the listener still accepts
 * (drain-delay) and during the drain, {@code /health/live} 200 until the drain is over, and the HTTP edges.
 */
@Timeout(120)
class AdminListenerTest {
    private static final int CLIENTS = 5;
    private static final int LINES = 7;

    private static RingsideServer start(ServerConfig.Builder b, HandlerFactory handlers) throws IOException {
        return new RingsideServer(b.port(0).adminPort(0).workers(2).offloadThreads(2).build(), handlers).start();
    }

    @Test
    void metricsPageCountsTheConnectionsLinesAndClosesTheTestMade() throws Exception {
        try (RingsideServer server = start(ServerConfig.builder(), HostileClientsTest.EchoHandler::new)) {
            List<Socket> clients = new ArrayList<>();
            long bytesSent = 0;
            for (int c = 0; c < CLIENTS; c++) {
                Socket s = new Socket();
                s.connect(server.localAddress(), 5_000);
                s.setSoTimeout(10_000);
                clients.add(s);
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                for (int l = 0; l < LINES; l++) {
                    byte[] line = ("client " + c + " line " + l + "\n").getBytes(StandardCharsets.US_ASCII);
                    s.getOutputStream().write(line);
                    bytesSent += line.length;
                    assertEquals("client " + c + " line " + l, in.readLine());
                }
            }
            PrometheusText open = PrometheusText.parse(get(server, "/metrics").body);
            assertEquals(CLIENTS, open.sum("ringside_connections_open"), "open while the clients are connected");
            assertEquals(CLIENTS, open.value("ringside_accepted_total", "worker", "acceptor"));
            assertEquals(0, open.sum("ringside_accepted_total", "worker", "0") + open.sum("ringside_accepted_total", "worker", "1"));
            for (Socket s : clients) {
                s.close();
            }
            awaitClosed(server, CLIENTS);
            Response r = get(server, "/metrics");
            assertEquals(200, r.status);
            assertTrue(r.contentType.startsWith("text/plain; version=0.0.4"), r.contentType);
            PrometheusText page = PrometheusText.parse(r.body);
            assertEquals("counter", page.types.get("ringside_lines_in_total"));
            assertEquals("histogram", page.types.get("ringside_loop_turn_seconds"));
            assertEquals(CLIENTS, page.sum("ringside_opened_total"));
            assertEquals(CLIENTS, page.sum("ringside_closed_total"));
            assertEquals(CLIENTS * LINES, page.sum("ringside_lines_in_total"));
            assertEquals(bytesSent, page.sum("ringside_bytes_in_total"));
            assertEquals(bytesSent, page.sum("ringside_bytes_out_total"), "echo: every byte back");
            assertEquals(CLIENTS, page.sum("ringside_connections_closed_total", "reason", "peer_closed"));
            assertEquals(0, page.sum("ringside_connections_closed_total", "reason", "io_error"));
            assertEquals(0, page.sum("ringside_connections_open"));
            assertEquals(0, page.sum("ringside_handoff_ring_depth"));
            assertEquals(0, page.sum("ringside_output_buffer_bytes"), "no reply queued once every client is gone");
            assertEquals(0, page.sum("ringside_input_buffer_bytes"));
            assertEquals(1, page.value("ringside_ready"));
            // every opened connection went to one of the two workers, and each served at least one turn
            assertEquals(page.sum("ringside_opened_total"),
                    page.value("ringside_opened_total", "worker", "0") + page.value("ringside_opened_total", "worker", "1"));
            for (String w : List.of("0", "1")) {
                assertTrue(page.value("ringside_loop_turn_seconds_count", "worker", w) > 0, "turns of worker " + w);
                assertTrue(page.value("ringside_loop_turn_seconds_sum", "worker", w) >= 0);
            }
            assertEquals(server.stats().get(Metric.LINES_IN), (long) page.sum("ringside_lines_in_total"), "page and stats() agree");
        }
    }

    @Test
    void aBlockingHandlerShowsInTheTurnAndLagHistograms() throws Exception {
        CountDownLatch blocked = new CountDownLatch(1);
        HandlerFactory sleepy = () -> new LineHandler() {
            @Override
            public void onLine(Connection c, ByteSpan line) {
                try {
                    Thread.sleep(700); // a handler that blocks its worker: every other connection waits
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                c.writeLine(line);
                blocked.countDown();
            }
        };
        try (RingsideServer server = start(ServerConfig.builder().workers(1), sleepy);
             Socket s = new Socket()) {
            s.connect(server.localAddress(), 5_000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write("slow\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("slow", new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine());
            assertTrue(blocked.await(10, TimeUnit.SECONDS));
            // the lag sample and the warning are recorded at two points of the same turn: wait for both
            PrometheusText page = awaitPage(server, p -> p.value("ringside_loop_lag_seconds_count", "worker", "0")
                    > p.value("ringside_loop_lag_seconds_bucket", "worker", "0", "le", "0.1") && p.sum("ringside_loop_lag_warnings_total") > 0);
            // the turn that ran the handler took at least its 700 ms sleep; the sweep due 250 ms after the
            // previous one started at least 450 ms late
            double turns = page.value("ringside_loop_turn_seconds_count", "worker", "0");
            assertTrue(turns > page.value("ringside_loop_turn_seconds_bucket", "worker", "0", "le", "0.5"), "a turn over 0.5 s");
            assertTrue(page.value("ringside_loop_turn_seconds_sum", "worker", "0") >= 0.7);
            assertTrue(page.value("ringside_loop_lag_seconds_sum", "worker", "0") >= 0.1);
            assertEquals(1, page.sum("ringside_loop_lag_warnings_total"), "the 500 ms loop-lag-warning fired once");
        }
    }

    @Test
    void readyTurns503WhenStopIsCalledWhileTheListenerStillAcceptsAndLiveStays200() throws Exception {
        RingsideServer server = start(ServerConfig.builder().drainDelay(Duration.ofSeconds(3)), HostileClientsTest.EchoHandler::new);
        assertEquals(200, get(server, "/health/ready").status);
        assertEquals("ready\n", get(server, "/health/ready").body);
        assertEquals(200, get(server, "/health/live").status);
        InetSocketAddress admin = server.adminAddress().orElseThrow();
        CompletableFuture<Boolean> stopped = CompletableFuture.supplyAsync(server::stop);
        Response ready = awaitStatus(admin, "/health/ready", 503);
        assertEquals("not ready\n", ready.body);
        // still within the drain delay: the listener accepts and serves a new connection
        try (Socket s = new Socket()) {
            s.connect(server.localAddress(), 5_000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write("after not-ready\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("after not-ready", new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine());
        }
        assertFalse(stopped.isDone(), "stop() waits out the drain delay");
        assertEquals(200, get(admin, "/health/live").status);
        assertEquals(0, PrometheusText.parse(get(admin, "/metrics").body).value("ringside_ready"));
        assertTrue(stopped.get(30, TimeUnit.SECONDS), "a clean drain");
        assertThrows(ConnectException.class, () -> get(admin, "/health/live"), "the admin listener closes with the server");
    }

    @Test
    void duringTheDrainReadyIs503LiveIs200AndTheServiceListenerIsClosed() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch offloaded = new CountDownLatch(1);
        HandlerFactory holding = () -> new LineHandler() {
            @Override
            public void onLine(Connection c, ByteSpan line) {
                c.offload(() -> {
                    offloaded.countDown();
                    return release.await(60, TimeUnit.SECONDS); // the drain waits for this call's answer
                }, (conn, result, failure) -> conn.writeLine("done " + result));
            }
        };
        RingsideServer server = start(ServerConfig.builder().drainTimeout(Duration.ofSeconds(30)), holding);
        InetSocketAddress admin = server.adminAddress().orElseThrow();
        InetSocketAddress service = server.localAddress();
        try (Socket held = new Socket()) {
            held.connect(service, 5_000);
            held.setSoTimeout(30_000);
            held.getOutputStream().write("hold\n".getBytes(StandardCharsets.US_ASCII));
            assertTrue(offloaded.await(10, TimeUnit.SECONDS));
            CompletableFuture<Boolean> stopped = CompletableFuture.supplyAsync(server::stop);
            awaitStatus(admin, "/health/ready", 503);
            awaitRefused(service);
            assertEquals(200, get(admin, "/health/live").status, "live while the drain runs");
            assertFalse(stopped.isDone(), "the held connection keeps the drain going");
            release.countDown();
            assertEquals("done true", new BufferedReader(new InputStreamReader(held.getInputStream(), StandardCharsets.US_ASCII)).readLine());
            assertTrue(stopped.get(30, TimeUnit.SECONDS), "the held reply was flushed: a clean drain");
        }
        assertThrows(ConnectException.class, () -> get(admin, "/health/ready"));
    }

    @Test
    void httpEdgesAnswerWithTheRightStatus() throws Exception {
        try (RingsideServer server = start(ServerConfig.builder(), HostileClientsTest.EchoHandler::new)) {
            InetSocketAddress admin = server.adminAddress().orElseThrow();
            assertEquals(404, get(admin, "/metricsx").status);
            assertEquals(404, get(admin, "/").status);
            assertEquals(405, request(admin, "POST /metrics HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").status);
            Response head = request(admin, "HEAD /metrics HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
            assertEquals(200, head.status);
            assertEquals("", head.body);
            int garbage = request(admin, "NOT HTTP AT ALL\r\n\r\n").status; // the JDK's parser answers it
            assertTrue(garbage >= 400 && garbage < 500, "a client error: " + garbage);
            assertEquals(200, get(admin, "/metrics").status, "still serving after a bad request");
        }
    }

    @Test
    void theAdminListenerIsOffByDefaultAndABusyPortFailsStart() throws Exception {
        assertEquals(-1, ServerConfig.defaults().adminPort());
        assertEquals("127.0.0.1", ServerConfig.defaults().adminHost());
        try (RingsideServer plain = new RingsideServer(ServerConfig.builder().port(0).workers(1).build(),
                HostileClientsTest.EchoHandler::new).start()) {
            assertTrue(plain.adminAddress().isEmpty());
        }
        try (RingsideServer first = start(ServerConfig.builder(), HostileClientsTest.EchoHandler::new)) {
            int busy = first.adminAddress().orElseThrow().getPort();
            RingsideServer second = new RingsideServer(ServerConfig.builder().port(0).adminPort(busy).workers(1).build(),
                    HostileClientsTest.EchoHandler::new);
            assertThrows(IOException.class, second::start);
            assertEquals(200, get(first, "/health/ready").status, "the first server is untouched");
        }
    }

    // ---- helpers ----

    record Response(int status, String contentType, String body) {
    }

    interface PageCheck {
        boolean ok(PrometheusText page);
    }

    private static PrometheusText awaitPage(RingsideServer server, PageCheck check) throws Exception {
        PrometheusText page = null;
        for (int i = 0; i < 200; i++) {
            page = PrometheusText.parse(get(server, "/metrics").body);
            if (check.ok(page)) {
                return page;
            }
            Thread.sleep(25);
        }
        throw new AssertionError("the page never showed what was expected");
    }

    private static void awaitClosed(RingsideServer server, long n) throws InterruptedException {
        for (int i = 0; i < 400 && server.stats().get(Metric.CLOSED) < n; i++) {
            Thread.sleep(10);
        }
        assertEquals(n, server.stats().get(Metric.CLOSED));
    }

    private static Response awaitStatus(InetSocketAddress admin, String path, int status) throws Exception {
        Response r = null;
        for (int i = 0; i < 500; i++) {
            r = get(admin, path);
            if (r.status == status) {
                return r;
            }
            Thread.sleep(5);
        }
        throw new AssertionError(path + " never answered " + status + "; last: " + r);
    }

    private static void awaitRefused(InetSocketAddress service) throws Exception {
        for (int i = 0; i < 500; i++) {
            try (Socket s = new Socket()) {
                s.connect(service, 1_000);
            } catch (ConnectException refused) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the service listener still accepts during the drain");
    }

    static Response get(RingsideServer server, String path) throws IOException {
        return get(server.adminAddress().orElseThrow(), path);
    }

    static Response get(InetSocketAddress admin, String path) throws IOException {
        return request(admin, "GET " + path + " HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
    }

    /** One request on a fresh connection; the reply read to its end (the server closes: Connection: close). */
    static Response request(InetSocketAddress admin, String raw) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(admin, 5_000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(raw.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String reply = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int headEnd = reply.indexOf("\r\n\r\n");
            assertTrue(headEnd > 0, "no header end in: " + reply);
            String[] head = reply.substring(0, headEnd).split("\r\n");
            String[] status = head[0].split(" ", 3);
            assertEquals("HTTP/1.1", status[0], head[0]);
            String type = "";
            for (String h : head) {
                if (h.toLowerCase(java.util.Locale.ROOT).startsWith("content-type:")) {
                    type = h.substring(13).trim();
                }
            }
            return new Response(Integer.parseInt(status[1]), type, reply.substring(headEnd + 4));
        }
    }
}
