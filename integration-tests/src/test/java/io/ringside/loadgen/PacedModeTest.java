package io.ringside.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Paced ({@code --interval}), idle and ramped runs, and distinct source address sets, in-process
 * against {@link LineTestServer}. Bounds on counts are set so that a slow machine cannot break them:
 * pacing can only make a run send fewer lines, and a ramp can only make connects later.
 */
@Timeout(30)
class PacedModeTest {

    private static LoadOptions.Builder paced(LineTestServer server, long intervalMillis) {
        return LoadOptions.builder(server.port()).conns(8).depth(1).seconds(1).intervalMillis(intervalMillis)
                .quiet(true).connectTimeout(3).grace(3);
    }

    /** Echo, counting the lines of each connection (parsed from the {@code <conn>:<seq>:} header). */
    private static final class CountingEcho implements LineTestServer.Reply {
        final Map<Integer, AtomicInteger> lines = new ConcurrentHashMap<>();

        @Override
        public byte[] apply(long index, byte[] line) {
            String text = new String(line, StandardCharsets.US_ASCII);
            int conn = Integer.parseInt(text.substring(0, text.indexOf(':')));
            lines.computeIfAbsent(conn, k -> new AtomicInteger()).incrementAndGet();
            return line;
        }
    }

    @Test
    void pacedRunSendsOneLinePerIntervalPerConnectionAndVerifiesEveryReply() throws Exception {
        CountingEcho echo = new CountingEcho();
        try (LineTestServer server = new LineTestServer(echo)) {
            LoadReport r = LoadGenerator.run(paced(server, 100).conns(20).seconds(1.5).build());
            assertTrue(r.ok(), r.summary());
            assertEquals(20, r.held(), r.summary());
            assertEquals(20, echo.lines.size(), "every connection sent: " + echo.lines);
            for (Map.Entry<Integer, AtomicInteger> e : echo.lines.entrySet()) {
                // 1.5 s at one line per 100 ms: at most 15 ticks per connection (+1 for rounding)
                assertTrue(e.getValue().get() <= 16, "conn " + e.getKey() + " sent " + e.getValue() + " lines");
            }
            assertTrue(r.requests() <= 20 * 16, r.summary());
            assertTrue(r.requests() >= 20 * 15 / 3, "far fewer replies than ticks: " + r.summary());
            assertTrue(r.inFlight() <= 20, r.summary());
            assertEquals(r.bytesSent(), r.bytesReceived() + r.inFlight() * 32L, "every line sent came back");
        }
    }

    @Test
    void pacedModeCatchesAFlippedByte() throws Exception {
        try (LineTestServer server = new LineTestServer(LineTestServer.flipEvery(3))) {
            LoadReport r = LoadGenerator.run(paced(server, 50).build());
            assertFalse(r.ok(), r.summary());
            assertTrue(r.mismatches() > 0, r.summary());
            assertTrue(r.requests() > 0, "the other lines still verify: " + r.summary());
        }
    }

    @Test
    void aLineDroppedInPacedModeIsLostNotInFlight() throws Exception {
        try (LineTestServer server = new LineTestServer(LineTestServer.dropLine(2))) {
            LoadReport r = LoadGenerator.run(paced(server, 50).build());
            assertFalse(r.ok(), r.summary());
            assertEquals(8, r.lost(), "each connection's third line is overdue at the end: " + r.summary());
            assertEquals(0, r.inFlight(), r.summary());
            assertTrue(r.skipped() > 0, "the stuck connections skip their later ticks: " + r.summary());
            assertEquals(8 * 2, r.requests(), r.summary());
        }
    }

    @Test
    void depthCapsTheLinesInFlightOfAPacedConnection() throws Exception {
        try (LineTestServer server = new LineTestServer(LineTestServer.SILENT)) {
            LoadReport r = LoadGenerator.run(paced(server, 50).conns(4).depth(2).seconds(0.6).build());
            assertEquals(EndReason.TIME, r.endReason());
            assertEquals(4 * 2 * 32, r.bytesSent(), "two lines per connection, then only skipped ticks");
            assertEquals(4 * 2, r.lost(), r.summary());
            assertTrue(r.skipped() > 0, r.summary());
            assertFalse(r.ok());
        }
    }

    @Test
    void idleModeHoldsTheConnectionsAndSendsNothing() throws Exception {
        try (LineTestServer server = new LineTestServer(LineTestServer.ECHO)) {
            LoadReport r = LoadGenerator.run(LoadOptions.builder(server.port()).conns(10).idle(true).seconds(0.5)
                    .quiet(true).connectTimeout(3).grace(3).build());
            assertTrue(r.ok(), r.summary());
            assertEquals(0, r.requests());
            assertEquals(0, r.bytesSent());
            assertEquals(10, r.held());
            assertEquals(10, server.acceptNanos().size());
            assertTrue(r.toJson().contains("\"idle\":true"), r.toJson());
        }
    }

    @Test
    void idleModeNoticesTheServerClosingItsConnections() throws Exception {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try (LineTestServer server = new LineTestServer(LineTestServer.ECHO)) {
            AutoCloseable stopper = server; // closes the listener and every accepted socket
            timer.schedule(() -> {
                stopper.close();
                return null;
            }, 500, TimeUnit.MILLISECONDS);
            LoadReport r = LoadGenerator.run(LoadOptions.builder(server.port()).conns(5).idle(true).seconds(1.5)
                    .quiet(true).connectTimeout(3).grace(3).build());
            assertFalse(r.ok(), r.summary());
            assertTrue(r.connectionErrors() >= 5, r.summary());
            assertTrue(r.held() < 5, r.summary());
        } finally {
            timer.shutdownNow();
        }
    }

    @Test
    void aRampSpreadsTheConnects() throws Exception {
        try (LineTestServer server = new LineTestServer(LineTestServer.ECHO)) {
            LoadReport r = LoadGenerator.run(paced(server, 200).conns(10).rampSeconds(1).seconds(0.5).build());
            assertTrue(r.ok(), r.summary());
            List<Long> accepted = server.acceptNanos();
            assertEquals(10, accepted.size());
            long spread = accepted.get(9) - accepted.get(0);
            // connection i is opened no earlier than start + 1 s * i / 10: the last one 0.9 s after the first
            assertTrue(spread >= 800_000_000L, "connects spread over " + spread / 1e6 + " ms");
        }
    }

    @Test
    void srcIpFirstSelectsADistinctAddressSetWithMoreThreadsThanAddresses() throws Exception {
        try (LineTestServer server = new LineTestServer(LineTestServer.ECHO)) {
            LoadReport r = LoadGenerator.run(paced(server, 100).conns(6).threads(4).srcIps(2).srcIpFirst(5)
                    .seconds(0.5).build());
            assertTrue(r.ok(), r.summary());
            assertEquals(Set.of(Loopback.parse("127.0.0.5"), Loopback.parse("127.0.0.6")), server.peers());
        }
    }

    @Test
    void refusesContradictoryOptions(@TempDir Path dir) throws Exception {
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.builder(1).churn(true).intervalMillis(10).build());
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.builder(1).idle(true).intervalMillis(10).build());
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.builder(1).idle(true).seconds(0).requests(5).build());
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.builder(1).churn(true).rampSeconds(1).build());
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.builder(1).srcIpFirst(254).srcIps(2).build());
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.builder(1).srcIpFirst(0).build());
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.builder(1).rampSeconds(-1).build());
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        assertEquals(2, LoadCommand.commandLine(out).execute("--port", "1", "--interval", "0"));
        assertEquals(2, LoadCommand.commandLine(out).execute("--port", "1", "--idle", "--requests", "5"));
        try (LineTestServer server = new LineTestServer(LineTestServer.ECHO)) {
            Path json = dir.resolve("paced.json");
            assertEquals(0, LoadCommand.commandLine(out).execute("--port", Integer.toString(server.port()),
                    "--conns", "4", "--interval", "100", "--ramp-seconds", "0.2", "--seconds", "0.5", "--quiet",
                    "--json", json.toString()));
            String text = Files.readString(json);
            assertTrue(text.contains("\"interval_ms\":100") && text.contains("\"held\":4"), text);
            assertTrue(buf.toString(StandardCharsets.UTF_8).contains("1 line every 100 ms"), buf.toString());
        }
    }
}
