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
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** In-process runs against {@link LineTestServer}; every run is bounded to a second or two. */
@Timeout(30)
class LoadGeneratorTest {

    private static LoadOptions.Builder opts(LineTestServer server) {
        return LoadOptions.builder(server.port()).conns(8).depth(4).seconds(1).quiet(true)
                .connectTimeout(3).grace(3);
    }

    private static String describe(LoadReport r) {
        return r.summary();
    }

    @Test
    void echoServerGivesAnOkReport() throws Exception {
        try (LineTestServer server = new LineTestServer(LineTestServer.ECHO)) {
            LoadReport r = LoadGenerator.run(opts(server).threads(2).build());
            assertTrue(r.ok(), describe(r));
            assertTrue(r.requests() > 0, describe(r));
            assertEquals(0, r.errors());
            assertEquals(0, r.lost());
            assertEquals(EndReason.TIME, r.endReason());
            assertEquals(8, r.connections());
            assertTrue(r.p50Us() > 0 && r.p50Us() <= r.p99Us() && r.p99Us() <= r.maxUs(), describe(r));
            assertTrue(r.inFlight() <= 8 * 4, describe(r));
            assertTrue(r.bytesReceived() >= r.requests() * 32, describe(r));
        }
    }

    @Test
    void rot13ServerMatchesRot13Mode() throws Exception {
        try (LineTestServer server = new LineTestServer(LineTestServer.ROT13)) {
            LoadReport r = LoadGenerator.run(opts(server).mode(ReplyMode.ROT13).size(64).build());
            assertTrue(r.ok(), describe(r));
        }
    }

    @Test
    void echoServerFailsRot13Mode() throws Exception {
        try (LineTestServer server = new LineTestServer(LineTestServer.ECHO)) {
            LoadReport r = LoadGenerator.run(opts(server).mode(ReplyMode.ROT13).build());
            assertFalse(r.ok(), describe(r));
            assertTrue(r.mismatches() > 0, describe(r));
            assertEquals(0, r.requests(), describe(r));
            assertEquals(1, r.exitCode());
        }
    }

    @Test
    void aFlippedByteIsCaught() throws Exception {
        try (LineTestServer server = new LineTestServer(LineTestServer.flipEvery(50))) {
            LoadReport r = LoadGenerator.run(opts(server).build());
            assertFalse(r.ok(), describe(r));
            assertTrue(r.mismatches() > 0, describe(r));
            assertTrue(r.requests() > r.mismatches(), "the other lines still verify: " + describe(r));
        }
    }

    @Test
    void aDroppedLineIsCaught() throws Exception {
        try (LineTestServer server = new LineTestServer(LineTestServer.dropLine(10))) {
            LoadReport r = LoadGenerator.run(opts(server).build());
            assertFalse(r.ok(), describe(r));
            assertTrue(r.errors() + r.lost() > 0, describe(r));
        }
    }

    @Test
    void anEarlyCloseIsAnErrorAndItsLinesAreLost() throws Exception {
        try (LineTestServer server = new LineTestServer(LineTestServer.closeAfter(20))) {
            LoadReport r = LoadGenerator.run(opts(server).build());
            assertFalse(r.ok(), describe(r));
            assertTrue(r.connectionErrors() > 0, describe(r));
            assertTrue(r.lost() > 0, describe(r));
        }
    }

    @Test
    void reconnectResendsWhatAClosedConnectionLeftUnansweredAndLosesNothing() throws Exception {
        try (LineTestServer server = new LineTestServer(LineTestServer.closeAfter(20))) {
            LoadReport r = LoadGenerator.run(opts(server).reconnect(true).build());
            assertTrue(r.ok(), describe(r));
            assertEquals(0, r.errors(), describe(r));
            assertEquals(0, r.lost(), describe(r));
            assertEquals(0, r.repeated(), describe(r));
            assertEquals(0, r.inFlight(), "the wind-down waited for every answer: " + describe(r));
            assertTrue(r.reconnects() > 8, describe(r));
            assertTrue(r.resent() > 0, describe(r));
            assertEquals(r.linesSent(), r.answered(), describe(r));
            assertTrue(r.connections() > r.reconnects(), describe(r));
            assertTrue(r.summary().contains("reconnects"), r.summary());
            assertTrue(r.toJson().contains("\"resent\":" + r.resent()), r.toJson());
        }
    }

    @Test
    void reconnectWithoutItTheSameServerLosesLines() throws Exception {
        try (LineTestServer server = new LineTestServer(LineTestServer.closeAfter(20))) {
            LoadReport r = LoadGenerator.run(opts(server).build());
            assertTrue(r.lost() > 0 && r.connectionErrors() > 0, describe(r));
            assertEquals(0, r.resent(), describe(r));
        }
    }

    @Test
    void reconnectCountsALineAnsweredTwice() throws Exception {
        LineTestServer.Reply twice = (i, line) -> i == 5 ? concat(line, line) : line;
        try (LineTestServer server = new LineTestServer(twice)) {
            LoadReport r = LoadGenerator.run(opts(server).conns(2).reconnect(true).build());
            assertFalse(r.ok(), describe(r));
            assertEquals(2, r.repeated(), "line 5 of each connection: " + describe(r));
            assertEquals(2, r.mismatches(), "each repeat is an error, and the lines after it still verify: " + describe(r));
            assertEquals(r.linesSent(), r.answered(), describe(r));
        }
    }

    @Test
    void reconnectWaitsForTheAnswersThenCountsTheMissingOnesAsLost() throws Exception {
        try (LineTestServer server = new LineTestServer(LineTestServer.SILENT)) {
            long t0 = System.nanoTime();
            LoadReport r = LoadGenerator.run(opts(server).seconds(0.5).grace(1).reconnect(true).build());
            long tookNanos = System.nanoTime() - t0;
            assertEquals(EndReason.TIME, r.endReason());
            assertEquals(8 * 4, r.linesSent(), describe(r));
            assertEquals(8 * 4, r.lost(), "nothing answered within the grace time: " + describe(r));
            assertEquals(0, r.inFlight());
            assertTrue(tookNanos >= 1_400_000_000L, "it waited 0.5 s + the 1 s grace: " + tookNanos);
            assertFalse(r.ok());
        }
    }

    @Test
    void theCallerCanEndARunEarly() throws Exception {
        try (LineTestServer server = new LineTestServer(LineTestServer.ECHO)) {
            long t0 = System.nanoTime();
            LoadReport r = LoadGenerator.run(opts(server).seconds(60).reconnect(true).build(), System.out,
                    () -> System.nanoTime() - t0 > 500_000_000L);
            assertEquals(EndReason.STOPPED, r.endReason());
            assertTrue(r.ok(), describe(r));
            assertEquals(r.linesSent(), r.answered(), describe(r));
            assertTrue(r.measuredSeconds() < 30, describe(r));
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void churnConnectsForEveryLine() throws Exception {
        try (LineTestServer server = new LineTestServer(LineTestServer.ECHO)) {
            LoadReport r = LoadGenerator.run(opts(server).depth(1).churn(true).conns(4).build());
            assertTrue(r.ok(), describe(r));
            assertTrue(r.requests() > 10, describe(r));
            assertTrue(r.connections() >= r.requests(), describe(r));
            assertTrue(r.connectsPerSecond() > 0, describe(r));
        }
    }

    @Test
    void srcIpsBindsRoundRobinToSeveralLoopbackAddresses() throws Exception {
        try (LineTestServer server = new LineTestServer(LineTestServer.ECHO)) {
            LoadReport r = LoadGenerator.run(opts(server).depth(1).churn(true).conns(4).srcIps(3).seconds(0.5).build());
            assertTrue(r.ok(), describe(r));
            assertEquals(Set.of(Loopback.source(0), Loopback.source(1), Loopback.source(2)), server.peers());
        }
    }

    @Test
    void stopsAfterTheRequestBound() throws Exception {
        try (LineTestServer server = new LineTestServer(LineTestServer.ECHO)) {
            LoadReport r = LoadGenerator.run(opts(server).seconds(0).requests(2000).build());
            assertTrue(r.ok(), describe(r));
            assertEquals(EndReason.REQUESTS, r.endReason());
            assertTrue(r.requests() >= 2000 && r.requests() < 2000 + 8 * 4 * 2, describe(r));
        }
    }

    @Test
    void warmupRepliesAreNotCounted() throws Exception {
        try (LineTestServer server = new LineTestServer(LineTestServer.ECHO)) {
            LoadReport r = LoadGenerator.run(opts(server).warmup(0.5).seconds(0.5).build());
            assertTrue(r.ok(), describe(r));
            assertTrue(Math.abs(r.measuredSeconds() - 0.5) < 0.1, describe(r));
            // bytes of the warmup's replies were received but not counted as requests; at least 100 warmup lines,
            // not a throughput ratio between the two phases (that depends on how busy the machine is)
            assertTrue(r.bytesReceived() >= (r.requests() + 100) * 32, "warmup traffic excluded: " + describe(r));
        }
    }

    @Test
    void silentServerHitsTheOverrunGuardAndEverythingIsLost() throws Exception {
        try (LineTestServer server = new LineTestServer(LineTestServer.SILENT)) {
            LoadOptions o = opts(server).seconds(0).requests(100).build();
            long t0 = System.nanoTime();
            LoadReport r = LoadGenerator.run(o, System.out, 1.5);
            assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "the guard ends the run");
            assertEquals(EndReason.OVERRUN, r.endReason());
            assertEquals(8 * 4, r.lost(), describe(r));
            assertEquals(0, r.inFlight());
            assertFalse(r.ok());
        }
    }

    @Test
    void silentServerWithATimeBoundReportsLinesInFlightButNoRequest() throws Exception {
        try (LineTestServer server = new LineTestServer(LineTestServer.SILENT)) {
            LoadReport r = LoadGenerator.run(opts(server).seconds(0.5).build());
            assertEquals(EndReason.TIME, r.endReason());
            assertEquals(0, r.lost());
            assertEquals(8 * 4, r.inFlight());
            assertFalse(r.ok(), "no request completed");
        }
    }

    @Test
    void noServerMeansConnectFailures() throws Exception {
        int port;
        try (LineTestServer server = new LineTestServer(LineTestServer.ECHO)) {
            port = server.port();
        }
        LoadReport r = LoadGenerator.run(LoadOptions.builder(port).conns(3).seconds(5).quiet(true).build());
        assertEquals(EndReason.NO_CONNECTIONS, r.endReason());
        assertEquals(3, r.connectFailures());
        assertFalse(r.ok());
    }

    @Test
    void refusesNonLoopbackTargetsAndBadOptions() {
        assertThrows(IllegalArgumentException.class, () -> Loopback.parse("10.1.2.3"));
        assertThrows(IllegalArgumentException.class, () -> Loopback.parse("example.com"));
        assertThrows(IllegalArgumentException.class, () -> Loopback.parse("::1"));
        assertEquals("127.0.0.5", Loopback.parse("127.0.0.5").getHostAddress());
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.builder(1).size(15).build());
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.builder(1).seconds(0).build());
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.builder(1).churn(true).depth(2).build());
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.builder(1).conns(2).threads(3).build());
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.builder(1).churn(true).reconnect(true).build());
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.builder(1).intervalMillis(10).reconnect(true).build());
    }

    @Test
    void commandLineExitCodesAndJson(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        assertEquals(2, LoadCommand.commandLine(out).execute("--port", "1", "--host", "192.168.1.1"));
        assertEquals(2, LoadCommand.commandLine(out).execute("--port", "1", "--size", "8"));
        assertEquals(2, LoadCommand.commandLine(out).execute("--conns", "1"));
        try (LineTestServer server = new LineTestServer(LineTestServer.ECHO)) {
            Path json = dir.resolve("report.json");
            String port = Integer.toString(server.port());
            assertEquals(0, LoadCommand.commandLine(out).execute("--port", port, "--conns", "4", "--seconds", "1",
                    "--json", json.toString()));
            String text = Files.readString(json);
            assertTrue(text.startsWith("{\"host\":\"127.0.0.1\""), text);
            assertTrue(text.contains("\"ok\":true"), text);
            assertTrue(buf.toString(StandardCharsets.UTF_8).contains("req/s"), "progress lines printed");
            assertEquals(1, LoadCommand.commandLine(out).execute("--port", port, "--conns", "2", "--seconds", "0.5",
                    "--mode", "rot13", "--quiet"));
        }
    }
}
