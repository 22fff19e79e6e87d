package io.ringside.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringside.ServerConfig;
import io.ringside.Setting;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The daemon's command line, without starting a daemon (except where a bind must fail). */
class RingsideMainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return RingsideMain.run(args, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String errText() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpListsEverySetting() {
        assertEquals(0, run("rot13", "--help"));
        String help = out.toString(StandardCharsets.UTF_8);
        for (Setting s : Setting.values()) {
            assertTrue(help.contains("--" + s.key()), "help lacks --" + s.key() + ":\n" + help);
        }
        assertTrue(help.replaceAll("\\s+", " ").contains("Default: 40713"), help);
    }

    @Test
    void badOptionsGiveOneLineAndExitTwo() {
        assertEquals(2, run("rot13", "--port", "banana"));
        assertEquals("ringside: invalid port 'banana': not a number\n", errText());
        err.reset();
        assertEquals(2, run("rot13", "--no-such-option"));
        assertEquals(1, errText().lines().count(), errText());
        assertTrue(errText().startsWith("ringside: Unknown option: '--no-such-option'"), errText());
        err.reset();
        assertEquals(2, run());
        assertEquals("ringside: missing service: one of echo, rot13, memcached, proxy (see --help)\n", errText());
        err.reset();
        assertEquals(2, run("echo", "--config", "/nonexistent/ringside.properties"));
        assertEquals("ringside: config file not found: /nonexistent/ringside.properties\n", errText());
    }

    @Test
    void anUnusablePortIsOneLineAndExitOne() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertEquals(1, run("echo", "--port", Integer.toString(taken.getLocalPort())));
            String e = errText();
            assertEquals(1, e.lines().count(), e);
            assertTrue(e.startsWith("ringside: cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": "), e);
            assertFalse(e.contains("Exception"), e);
        }
    }

    @Test
    void tlsSettingsThatCannotBeUsedAreOneLineAndNoStart(@TempDir Path dir) {
        assertEquals(2, run("echo", "--port", "0", "--tls-port", "0"));
        assertEquals("ringside: tls-port needs tls-cert (a PEM certificate chain with tls-key, or a PKCS#12 file)\n", errText());
        err.reset();
        Path missing = dir.resolve("missing-cert.pem");
        assertEquals(1, run("echo", "--port", "0", "--tls-port", "0", "--tls-cert", missing.toString(),
                "--tls-key", dir.resolve("missing-key.pem").toString()));
        String e = errText();
        assertEquals(1, e.lines().count(), e);
        assertTrue(e.contains("no such file: " + missing), e);
        assertFalse(e.contains("Exception"), e);
    }

    @Test
    void settingsLayerDefaultsFileEnvironmentOptions(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("r.properties");
        Files.writeString(file, "max-line-bytes=1k\nworkers=3\nport=5000\n");
        CommandLine cli = new CommandLine(RingsideMain.commandSpec());
        CommandLine.ParseResult sub = cli.parseArgs("echo", "--config", file.toString(), "--workers", "4").subcommand();
        ServerConfig c = RingsideMain.configure(Service.ECHO, sub, Map.of("RINGSIDE_PORT", "6000"));
        assertEquals(1024, c.maxLineBytes());
        assertEquals(4, c.workers());
        assertEquals(6000, c.port());
        sub = cli.parseArgs("echo").subcommand();
        assertEquals(40712, RingsideMain.configure(Service.ECHO, sub, Map.of()).port());
        assertEquals("127.0.0.1", RingsideMain.configure(Service.ECHO, sub, Map.of()).host());
    }

    @Test
    void proxysListenIsHostAndPortAndItsTargetIsRequired() throws Exception {
        CommandLine cli = new CommandLine(RingsideMain.commandSpec());
        CommandLine.ParseResult sub = cli.parseArgs("proxy", "--listen", "[::1]:7000", "--to", "127.0.0.1:7001").subcommand();
        ServerConfig c = RingsideMain.configure(Service.PROXY, sub, Map.of("RINGSIDE_PORT", "6000"));
        assertEquals("::1", c.host());
        assertEquals(7000, c.port(), "--listen wins over the environment, as options do");
        assertEquals(java.time.Duration.ZERO, c.idleTimeout(), "a relay may be quiet for long");
        assertEquals(40714, RingsideMain.configure(Service.PROXY, cli.parseArgs("proxy").subcommand(), Map.of()).port());
        CommandLine.ParseResult both = cli.parseArgs("proxy", "--listen", "127.0.0.1:7000", "--port", "7002").subcommand();
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> RingsideMain.configure(Service.PROXY, both, Map.of()));

        assertEquals(2, run("proxy", "--port", "0"));
        assertEquals("ringside: proxy: --to HOST:PORT is required (where to relay clients to)\n", errText());
        err.reset();
        assertEquals(2, run("proxy", "--port", "0", "--to", "127.0.0.1"));
        assertEquals("ringside: --to '127.0.0.1': expected HOST:PORT\n", errText());
        err.reset();
        assertEquals(2, run("proxy", "--port", "0", "--to", "127.0.0.1:99999"));
        assertEquals("ringside: --to 127.0.0.1:99999: the port must be a number from 0 to 65535\n", errText());
        err.reset();
        assertEquals(2, run("proxy", "--port", "0", "--to", "no-such-host.invalid:80"));
        assertEquals("ringside: --to no-such-host.invalid:80: unknown host no-such-host.invalid\n", errText());
        err.reset();
        assertEquals(2, run("proxy", "--port", "0", "--to", "127.0.0.1:80", "--connect-timeout", "0s"));
        assertEquals("ringside: --connect-timeout '0s': expected a duration from 1ms to 60m (ms, s or m)\n", errText());
        err.reset();
        assertEquals(2, run("proxy", "--listen", "127.0.0.1:0", "--host", "0.0.0.0", "--to", "127.0.0.1:80"));
        assertEquals("ringside: --listen 127.0.0.1:0: give --listen or --host/--port, not both\n", errText());
    }

    @Test
    void proxysTargetTlsAndProxyHeaderOptionsAreCheckedAtStart(@TempDir Path dir) throws Exception {
        assertEquals(2, run("proxy", "--port", "0", "--to", "127.0.0.1:80", "--to-tls-ca", "ca.pem"));
        assertEquals("ringside: --to-tls-ca needs --to-tls\n", errText());
        err.reset();
        assertEquals(2, run("proxy", "--port", "0", "--to", "127.0.0.1:80", "--to-tls-server-name", "backend.test"));
        assertEquals("ringside: --to-tls-server-name needs --to-tls\n", errText());
        err.reset();
        assertEquals(2, run("proxy", "--port", "0", "--to", "127.0.0.1:80", "--to-tls", "--to-tls-ca", dir.resolve("none.pem").toString()));
        assertEquals("ringside: --to-tls-ca " + dir.resolve("none.pem") + ": TLS: no such file: " + dir.resolve("none.pem") + "\n", errText());
        err.reset();
        Path junk = Files.writeString(dir.resolve("junk.pem"), "not a certificate\n");
        assertEquals(2, run("proxy", "--port", "0", "--to", "127.0.0.1:80", "--to-tls", "--to-tls-ca", junk.toString()));
        assertEquals("ringside: --to-tls-ca " + junk + ": " + junk + ": no PEM certificate (BEGIN CERTIFICATE) in it\n", errText());
        err.reset();
        assertEquals(2, run("proxy", "--port", "0", "--to", "127.0.0.1:80", "--to-tls", "--to-tls-server-name", "no spaces"));
        assertTrue(errText().startsWith("ringside: --to-tls-server-name: server name 'no spaces' is not a DNS name or an IP address"), errText());
        assertEquals(1, errText().lines().count(), errText());
        err.reset();
        assertEquals(2, run("proxy", "--port", "0", "--to", "127.0.0.1:80", "--to-proxy-protocol", "v3"));
        assertEquals("ringside: --to-proxy-protocol 'v3': expected v1 or v2\n", errText());
        err.reset();
        assertEquals(0, run("proxy", "--help"));
        String help = out.toString(StandardCharsets.UTF_8);
        for (String option : new String[] {"--to-tls", "--to-tls-ca", "--to-tls-server-name", "--to-proxy-protocol", "--tls-port"}) {
            assertTrue(help.contains(option), "proxy --help lacks " + option);
        }
    }

    @Test
    void memcachedsShortOptionsAreAliasesOfTheSettings() throws Exception {
        CommandLine cli = new CommandLine(RingsideMain.commandSpec());
        CommandLine.ParseResult sub = cli.parseArgs("memcached", "-p", "12345", "-l", "0.0.0.0", "-c", "10", "-t", "2",
                "-R", "5", "-o", "idle_timeout=7,modern", "-U", "0", "-vv").subcommand();
        ServerConfig c = RingsideMain.configure(Service.MEMCACHED, sub, Map.of("RINGSIDE_MAX_LINE_BYTES", "128k"));
        assertEquals(12345, c.port());
        assertEquals("0.0.0.0", c.host());
        assertEquals(10, c.maxConnections());
        assertEquals(2, c.workers());
        assertEquals(5, c.linesPerWakeup());
        assertEquals(java.time.Duration.ofSeconds(7), c.idleTimeout());
        assertEquals(128 * 1024, c.maxLineBytes());
        assertEquals(io.ringside.EndOfLine.CRLF, c.endOfLine());
        sub = cli.parseArgs("memcached").subcommand();
        c = RingsideMain.configure(Service.MEMCACHED, sub, Map.of());
        assertEquals(11211, c.port());
        assertEquals(4, c.workers());
        assertEquals(1024, c.maxConnections());
        assertEquals(20, c.linesPerWakeup());
        assertEquals(java.time.Duration.ZERO, c.idleTimeout());
        CommandLine.ParseResult udp = cli.parseArgs("memcached", "-U", "11211").subcommand();
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> RingsideMain.configure(Service.MEMCACHED, udp, Map.of()));
    }
}
