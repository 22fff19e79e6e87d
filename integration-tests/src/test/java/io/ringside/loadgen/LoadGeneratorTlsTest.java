package io.ringside.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The load generator's TLS figures against {@link LineTestServer} over the JDK's {@code SSLServerSocket}: handshakes
 * counted once per connection, the handshake rate of {@code --churn --tls} with full handshakes (no session
 * resumption), the protocol {@code --tls-protocol} asks for, and the server's CPU time ({@code --server-pid}: here
 * the test's own process, which runs the server). Every run is bounded to a second.
 */
@Timeout(60)
class LoadGeneratorTlsTest {
    @TempDir
    static Path dir;
    static SSLContext serverTls;

    @BeforeAll
    static void identity() throws Exception {
        serverTls = TestTls.serverContext(dir);
    }

    private static LoadOptions.Builder opts(LineTestServer server) {
        return LoadOptions.builder(server.port()).tls(true).conns(4).seconds(1).quiet(true).connectTimeout(5).grace(5);
    }

    @Test
    void pipelinedLinesOverTlsHandshakeOncePerConnection() throws Exception {
        try (LineTestServer server = new LineTestServer(LineTestServer.ECHO, serverTls)) {
            LoadReport r = LoadGenerator.run(opts(server).depth(16).size(200).build());
            assertTrue(r.ok(), r.summary());
            assertTrue(r.requests() > 4 * 16, r.summary());
            assertEquals(4, r.tls().handshakes(), r.summary());
            assertEquals(4, server.handshakes().size(), "the server saw as many: " + server.handshakes());
            assertEquals("TLSv1.3", r.tls().protocol(), "the JDK server's first choice when both are offered");
            assertTrue(r.tls().uniform(), r.summary());
            assertTrue(r.tls().cipherSuite().startsWith("TLS_"), r.summary());
            assertTrue(r.summary().contains("  tls           TLSv1.3 TLS_"), r.summary());
            String json = r.toJson();
            assertTrue(json.contains("\"tls_protocol\":\"TLSv1.3\""), json);
            assertTrue(json.contains("\"handshakes\":4,"), json);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {LoadOptions.TLS13, LoadOptions.TLS12})
    void churnMakesOneFullHandshakePerLine(String protocol) throws Exception {
        try (LineTestServer server = new LineTestServer(LineTestServer.ECHO, serverTls)) {
            LoadReport r = LoadGenerator.run(opts(server).conns(2).churn(true).tlsProtocol(protocol).build());
            assertTrue(r.ok(), r.summary());
            assertTrue(r.requests() > 5, r.summary());
            assertEquals(protocol, r.tls().protocol(), r.summary());
            assertTrue(r.tls().uniform(), r.summary());
            // a cycle is connect, handshake, one line, close: at most one handshake per connection in progress at the end
            assertTrue(r.tls().handshakes() <= r.connections() && r.tls().handshakes() >= r.connections() - 2, r.summary());
            assertTrue(Math.abs(r.tls().measuredHandshakes() - r.requests()) <= 2,
                    "one verified line per handshake in the window: " + r.summary());
            assertTrue(r.handshakesPerSecond() > 0, r.summary());
            List<String> seen = server.handshakes();
            assertTrue(seen.size() >= r.tls().handshakes(), seen.size() + " server handshakes: " + r.summary());
            for (String h : seen) {
                assertTrue(h.startsWith(protocol + " "), h);
            }
            if (protocol.equals(LoadOptions.TLS12)) {
                // a resumed TLS 1.2 session keeps its id (a TLS 1.3 resumption gets a new one, so only 1.2 shows it)
                assertEquals(seen.size(), new HashSet<>(seen).size(), "no session was resumed: " + seen);
            }
        }
    }

    @Test
    void serverPidReportsTheServersCpuPerRequest() throws Exception {
        try (LineTestServer server = new LineTestServer(LineTestServer.ECHO, serverTls)) {
            LoadReport r = LoadGenerator.run(opts(server).depth(8).serverPid(ProcessHandle.current().pid()).build());
            assertTrue(r.ok(), r.summary());
            assertTrue(r.cpu().serverSeconds() > 0, r.summary());
            assertTrue(r.cpu().serverMicrosPerRequest(r.requests()) > 0, r.summary());
            assertTrue(r.summary().contains("  cpu           server "), r.summary());
            assertNotEquals(-1.0, r.cpu().serverSeconds());
            assertTrue(r.toJson().matches(".*\"server_us_per_request\":[0-9]+\\.[0-9]{3},.*"), r.toJson());
        }
    }

    @Test
    void withoutServerPidTheServersCpuIsUnknown() throws Exception {
        try (LineTestServer server = new LineTestServer(LineTestServer.ECHO)) {
            LoadReport r = LoadGenerator.run(LoadOptions.builder(server.port()).conns(2).seconds(0.5).quiet(true).build());
            assertTrue(r.ok(), r.summary());
            assertEquals(-1.0, r.cpu().serverSeconds());
            assertTrue(r.toJson().contains("\"server_cpu_s\":-1.000,"), r.toJson());
            assertTrue(r.toJson().contains("\"tls_protocol\":null,"), r.toJson());
        }
    }

    @Test
    void tlsProtocolIsCheckedOnTheCommandLine() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.builder(1).tlsProtocol("TLSv1.3").build(),
                "--tls-protocol without --tls");
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.builder(1).tls(true).tlsProtocol("SSLv3").build());
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.builder(1).serverPid(0).build());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream err = System.err;
        try {
            System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
            int status = LoadCommand.commandLine(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                    .execute("--port", "1", "--tls", "--tls-protocol", "TLSv1.1");
            assertEquals(2, status);
        } finally {
            System.setErr(err);
        }
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("--tls-protocol must be TLSv1.3 or TLSv1.2: TLSv1.1"), out.toString());
    }
}
