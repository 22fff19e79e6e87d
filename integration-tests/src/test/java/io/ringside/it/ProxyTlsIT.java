package io.ringside.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringside.ByteSpan;
import io.ringside.Connection;
import io.ringside.LineHandler;
import io.ringside.ProxyProtocol;
import io.ringside.ServerConfig;
import io.ringside.loadgen.LoadGenerator;
import io.ringside.loadgen.LoadOptions;
import io.ringside.loadgen.LoadReport;
import io.ringside.loadgen.ReplyMode;
import io.ringside.server.RingsideServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code ringside.jar proxy} with TLS and PROXY headers on the target side, against real peers: Debian's
 * {@code openssl s_server} as the TLS target (a certificate for {@code backend.test} signed by a CA this test makes
 * with {@code openssl}): bytes both ways, byte for byte, and a wrong {@code --to-tls-server-name} failing
 * verification (the client closed, the failure counted with its reason over JMX, nothing reaching s_server); Debian's
 * HAProxy with {@code bind ... accept-proxy} in front of a Ringside server expecting {@code proxy-protocol v2}: the
 * client's address (bound to 127.0.0.5) crosses the relay's header, HAProxy's parser (its log's {@code %ci}) and
 * HAProxy's own v2 header; and a load test: 1,000 load-generator TLS connections into the relay's TLS listener,
 * relayed over TLS to the echo daemon's TLS listener, every byte back in order, zero errors.
 *
 * <p>Threading: the test's thread, plus the child processes it starts and stops by their PIDs.
 */
@Timeout(300)
class ProxyTlsIT {
    private static final Pattern SUMMARY = Pattern.compile(
            "proxy: relayed (\\d+) connections \\((\\d+) connects failed, (\\d+) TLS handshakes failed\\)");
    @TempDir
    static Path dir;
    static Path ca;
    static Path cert;
    static Path key;

    @BeforeAll
    static void certificates() throws Exception {
        ca = dir.resolve("ca.pem");
        cert = dir.resolve("backend.pem");
        key = dir.resolve("backend-key.pem");
        OpenSsl.caSigned(ca, dir.resolve("ca-key.pem"), cert, key, "backend.test");
    }

    private static void assertCleanLog(String log) {
        assertFalse(log.contains(" ERROR "), log);
        assertFalse(log.contains("Exception"), log);
        assertFalse(log.contains("\tat "), log);
    }

    /** The relay's stop line: relays, connects failed, TLS handshakes failed. */
    private static long[] summary(String log) {
        Matcher m = SUMMARY.matcher(log);
        assertTrue(m.find(), "no relay summary in the log:\n" + log);
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3))};
    }

    /** {@code openssl s_server} with the backend certificate: what it decrypts goes to a file, its stdin to the client. */
    private static final class SServer implements AutoCloseable {
        final int port;
        final Process process;
        final Path out;
        final Path err;

        SServer() throws Exception {
            OpenSsl.require();
            port = DaemonProcess.freePort();
            out = Files.createTempFile(dir, "s_server-", ".out");
            err = Files.createTempFile(dir, "s_server-", ".err");
            process = new ProcessBuilder(OpenSsl.PROGRAM, "s_server", "-accept", "127.0.0.1:" + port, "-cert", cert.toString(),
                    "-key", key.toString(), "-quiet").redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!accepts(port)) { // a probe: s_server logs its failed handshake and accepts the next connection
                assertTrue(process.isAlive() && System.nanoTime() < deadline, "s_server did not start: " + Files.readString(err));
                Thread.sleep(20);
            }
        }

        byte[] received() throws IOException {
            return Files.readAllBytes(out);
        }

        /** Waits (at most 30 s) until s_server wrote {@code n} bytes. */
        byte[] awaitReceived(int n) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (received().length < n) {
                assertTrue(System.nanoTime() < deadline, "s_server got " + received().length + " of " + n + " bytes; "
                        + Files.readString(err));
                Thread.sleep(20);
            }
            return received();
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Waits (at most 10 s) until the daemon logs {@code text}. */
    private static void awaitLog(DaemonProcess d, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!d.log().contains(text)) {
            assertTrue(System.nanoTime() < deadline, "no '" + text + "' in the log:\n" + d.log());
            Thread.sleep(10);
        }
    }

    private static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void openSslsServerBehindTheRelayGetsEveryByteAndItsBytesComeBack() throws Exception {
        try (SServer target = new SServer();
             DaemonProcess relay = DaemonProcess.start(0, "proxy", "--to", "127.0.0.1:" + target.port, "--to-tls",
                     "--to-tls-ca", ca.toString(), "--to-tls-server-name", "backend.test", "--workers", "2");
             Socket client = new Socket("127.0.0.1", relay.port)) {
            client.setSoTimeout(30_000);
            long seed = new Random().nextLong();
            byte[] up = random(seed, 200_000);
            client.getOutputStream().write(up);
            assertArrayEquals(up, target.awaitReceived(up.length), "s_server decrypted every byte, in order (seed " + seed + ")");
            byte[] down = random(seed + 1, 100_000);
            target.process.getOutputStream().write(down); // s_server sends its stdin to the client
            target.process.getOutputStream().flush();
            assertArrayEquals(down, client.getInputStream().readNBytes(down.length), "s_server's bytes reached the client");
            client.close();
            assertEquals(0, relay.terminate(30));
            String log = relay.log();
            assertCleanLog(log);
            assertTrue(log.contains("relaying to 127.0.0.1:" + target.port + " (TLS to backend.test, trusting " + ca), log);
            assertArrayEquals(new long[] {1, 0, 0}, summary(log), log);
        }
    }

    @Test
    void aWrongServerNameFailsVerificationClosesTheClientAndRelaysNothing() throws Exception {
        try (SServer target = new SServer();
             DaemonProcess relay = DaemonProcess.startOn(DaemonProcess.freePort(), Map.of("RINGSIDE_LOG_LEVEL", "DEBUG"),
                     "proxy", "--to", "127.0.0.1:" + target.port, "--to-tls", "--to-tls-ca", ca.toString(),
                     "--to-tls-server-name", "wrong.test", "--workers", "1");
             DaemonStats stats = DaemonStats.attach(relay);
             Socket client = new Socket("127.0.0.1", relay.port)) {
            client.setSoTimeout(30_000);
            client.getOutputStream().write("a secret for the backend only\n".getBytes(StandardCharsets.US_ASCII));
            int got;
            try {
                got = client.getInputStream().read();
            } catch (java.net.SocketException reset) {
                got = -1; // closed with the client's bytes unread: a reset is a close too
            }
            assertEquals(-1, got, "the client's connection is closed");
            assertEquals(1, stats.closed("TLS_HANDSHAKE_FAILED"), "counted with its reason");
            assertEquals(0, target.received().length, "nothing reached s_server");
            stats.close();
            assertEquals(0, relay.terminate(30));
            String log = relay.log();
            assertTrue(log.contains("No subject alternative DNS name matching wrong.test found"), "the JDK's reason at DEBUG:\n" + log);
            assertTrue(log.contains("INFO  [ringside-worker-0] RelayStats - proxy: a TLS handshake with the target failed"), log);
            assertArrayEquals(new long[] {1, 0, 1}, summary(log), log);
            assertTrue(Files.readString(target.err).contains("alert"), "s_server heard the relay's alert: " + Files.readString(target.err));
        }
    }

    /** Greets with the client's address the PROXY header named, then echoes lines. */
    static final class AddressHandler extends LineHandler {
        @Override
        public void onOpen(Connection c) {
            c.writeLine("remote=" + c.remoteAddress() + " proxy=" + c.proxyAddress());
        }

        @Override
        public void onLine(Connection c, ByteSpan line) {
            c.writeLine(line);
        }
    }

    @ParameterizedTest(name = "the relay sends {0}")
    @ValueSource(strings = {"v1", "v2"})
    void haproxyAcceptsTheRelaysHeaderAndPassesTheClientsAddressOn(String version) throws Exception {
        HaproxyProcess.require();
        ServerConfig config = ServerConfig.builder().port(0).workers(1).proxyProtocol(ProxyProtocol.V2).build();
        RingsideServer backend = new RingsideServer(config, AddressHandler::new).start();
        int front = DaemonProcess.freePort();
        try (HaproxyProcess haproxy = HaproxyProcess.start(HaproxyProcess.lines(List.of(
                     "global",
                     "    maxconn 100",
                     "    log stdout format raw local0",
                     "defaults",
                     "    mode tcp",
                     "    log global",
                     "    timeout connect 5s",
                     "    timeout client 60s",
                     "    timeout server 60s",
                     "frontend fe",
                     "    bind 127.0.0.1:" + front + " accept-proxy",
                     "    log-format \"relayed client %ci:%cp to %fi:%fp\"",
                     "    default_backend be",
                     "backend be",
                     "    server ringside 127.0.0.1:" + backend.localAddress().getPort() + " send-proxy-v2")), front);
             DaemonProcess relay = DaemonProcess.start(0, "proxy", "--to", "127.0.0.1:" + front, "--to-proxy-protocol", version)) {
            Socket client = new Socket();
            client.bind(new InetSocketAddress("127.0.0.5", 0));
            client.connect(new InetSocketAddress("127.0.0.1", relay.port), 5000);
            int clientPort = client.getLocalPort();
            try (client) {
                client.setSoTimeout(30_000);
                BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
                assertTrue(in.readLine().startsWith("remote=/127.0.0.5:" + clientPort + " proxy=/127.0.0.1:"),
                        "the backend sees the client, named by HAProxy's header from the relay's");
                client.getOutputStream().write("through all three\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals("through all three", in.readLine());
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!haproxy.log().contains("relayed client 127.0.0.5:" + clientPort + " to 127.0.0.1:" + relay.port)) {
                assertTrue(System.nanoTime() < deadline, "HAProxy's %ci is not the client (127.0.0.5:" + clientPort + "):\n" + haproxy.log());
                Thread.sleep(20);
            }
            assertEquals(0, relay.terminate(30));
            assertCleanLog(relay.log());
        } finally {
            backend.stop();
        }
    }

    @Test
    void aThousandTlsClientsRelayedOverTlsGetEveryByteBackInOrder() throws Exception {
        int echoTls = DaemonProcess.freePort();
        int relayTls = DaemonProcess.freePort();
        List<String> tlsListener = List.of("--tls-cert", cert.toString(), "--tls-key", key.toString(), "--tls-handshake-timeout", "60s");
        List<String> echoArgs = new ArrayList<>(List.of("echo", "--workers", "1", "--tls-port", Integer.toString(echoTls)));
        echoArgs.addAll(tlsListener);
        List<String> relayArgs = new ArrayList<>(List.of("proxy", "--to", "127.0.0.1:" + echoTls, "--to-tls", "--to-tls-ca",
                ca.toString(), "--connect-timeout", "60s", "--workers", "2", "--tls-port", Integer.toString(relayTls)));
        relayArgs.addAll(tlsListener);
        try (DaemonProcess echo = DaemonProcess.start(0, echoArgs.toArray(new String[0]));
             DaemonProcess relay = DaemonProcess.start(0, relayArgs.toArray(new String[0]))) {
            awaitLog(echo, "listening with TLS on 127.0.0.1:" + echoTls);
            awaitLog(relay, "listening with TLS on 127.0.0.1:" + relayTls);
            // Bounded by a count, not a time: two TLS handshakes per connection (client-relay, relay-echo) take
            // seconds of CPU on two shared cores before the first line is answered; 120 s is only the safety bound.
            LoadOptions options = LoadOptions.builder(relayTls).tls(true).conns(1000).depth(8).size(32).requests(16_000)
                    .seconds(120).connectTimeout(60).rampSeconds(2).mode(ReplyMode.ECHO).quiet(true).build();
            LoadReport report = LoadGenerator.run(options);
            System.out.println("TLS through the TLS relay: " + report.summary());
            assertTrue(report.ok(), report.summary());
            assertEquals(0, report.errors(), report.summary());
            assertTrue(report.requests() >= 16_000, report.summary());
            assertEquals(0, relay.terminate(60));
            assertEquals(0, echo.terminate(60));
            String log = relay.log();
            assertCleanLog(log);
            assertCleanLog(echo.log());
            assertArrayEquals(new long[] {1000, 0, 0}, summary(log), "every client relayed, no connect or handshake failed:\n" + log);
        }
    }
}
