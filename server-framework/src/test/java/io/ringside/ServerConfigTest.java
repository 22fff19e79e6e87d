package io.ringside;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigTest {

    @Test
    void layersOverrideInOrder(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("ringside.properties");
        Files.writeString(file, "port=7001\nmax-line-bytes=4k\nworkers=3\n");
        ServerConfig c = ServerConfig.builder()
                .loadProperties(file)
                .applyEnvironment(Map.of("RINGSIDE_PORT", "7002", "RINGSIDE_DRAIN_TIMEOUT", "2s", "UNRELATED", "x"))
                .set(Setting.WORKERS, "5")
                .build();
        assertEquals(7002, c.port());
        assertEquals(4096, c.maxLineBytes());
        assertEquals(5, c.workers());
        assertEquals(2000, c.drainTimeout().toMillis());
        assertEquals("127.0.0.1", c.host());
    }

    @Test
    void defaultsAreSafe() {
        ServerConfig c = ServerConfig.defaults();
        assertEquals("127.0.0.1", c.host(), "loopback unless binding everywhere is chosen");
        assertEquals(Runtime.getRuntime().availableProcessors(), c.workers());
        assertEquals(EndOfLine.LF, c.endOfLine());
        assertTrue(c.outputLowWatermark() < c.outputHighWatermark() && c.outputHighWatermark() <= c.outputHardCap());
    }

    @Test
    void badValuesGiveOneLineErrorsNamingTheSetting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.builder().set(Setting.PORT, "70000"));
        assertEquals("invalid port '70000': must be between 0 and 65535", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ServerConfig.builder().set(Setting.MAX_LINE_BYTES, "lots"));
        assertEquals("invalid max-line-bytes 'lots': not a number", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ServerConfig.builder().set(Setting.END_OF_LINE, "CR"));
        assertTrue(e.getMessage().startsWith("invalid end-of-line 'CR'"));
        e = assertThrows(IllegalArgumentException.class, () -> ServerConfig.builder()
                .set(Setting.OUTPUT_LOW_WATERMARK, "1m").set(Setting.OUTPUT_HIGH_WATERMARK, "64k").build());
        assertEquals("output-low-watermark must be below output-high-watermark", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ServerConfig.builder().set(Setting.RING_SIZE, "1000").build());
        assertEquals("ring-size must be a power of two", e.getMessage());
        java.util.Properties p = new java.util.Properties();
        p.setProperty("max-lien-bytes", "10");
        e = assertThrows(IllegalArgumentException.class, () -> ServerConfig.builder().applyProperties(p));
        assertEquals("unknown setting 'max-lien-bytes'", e.getMessage());
    }

    @Test
    void unitsOfSizesAndDurations() {
        ServerConfig c = ServerConfig.builder()
                .set(Setting.OUTPUT_HARD_CAP, "8m").set(Setting.DRAIN_TIMEOUT, "1m").set(Setting.READ_BUFFER_BYTES, "1024").build();
        assertEquals(8L << 20, c.outputHardCap());
        assertEquals(60_000, c.drainTimeout().toMillis());
        assertEquals(1024, c.readBufferBytes());
        assertEquals("RINGSIDE_MAX_LINE_BYTES", Setting.MAX_LINE_BYTES.environmentVariable());
        assertEquals("max-line-bytes", Setting.MAX_LINE_BYTES.key());
    }

    @Test
    void typedSettersGiveTheSameConfigAsText() {
        ServerConfig text = ServerConfig.builder()
                .set(Setting.HOST, "0.0.0.0").set(Setting.PORT, "7000").set(Setting.WORKERS, "3").set(Setting.BACKLOG, "50")
                .set(Setting.REUSE_PORT, "true").set(Setting.END_OF_LINE, "crlf").set(Setting.MAX_LINE_BYTES, "2k")
                .set(Setting.READ_BUFFER_BYTES, "4k").set(Setting.WRITE_BUFFER_BYTES, "8k").set(Setting.POOL_MAX_BUFFERS, "7")
                .set(Setting.OUTPUT_HIGH_WATERMARK, "1m").set(Setting.OUTPUT_LOW_WATERMARK, "100").set(Setting.OUTPUT_HARD_CAP, "2m")
                .set(Setting.LINES_PER_WAKEUP, "9").set(Setting.RING_SIZE, "64").set(Setting.DRAIN_TIMEOUT, "3s")
                .set(Setting.IDLE_TIMEOUT, "0").set(Setting.LINE_TIMEOUT, "2m").set(Setting.MAX_CONNECTIONS, "10")
                .set(Setting.MAX_CONNECTIONS_PER_ADDRESS, "2").set(Setting.REFUSED_REPLY, "ERROR Too many open connections")
                .set(Setting.LOOP_LAG_WARNING, "250ms")
                .set(Setting.MAX_OFFLOADS_PER_CONNECTION, "4").set(Setting.OFFLOAD_THREADS, "8").set(Setting.TCP_NO_DELAY, "false")
                .set(Setting.ADMIN_HOST, "127.0.0.2").set(Setting.ADMIN_PORT, "9100").set(Setting.DRAIN_DELAY, "5s")
                .set(Setting.PROXY_PROTOCOL, "V2").set(Setting.PROXY_PROTOCOL_TIMEOUT, "2s")
                .set(Setting.MAX_BUFFERED_OUTPUT_BYTES, "64m").set(Setting.OUTPUT_BUDGET_GRACE, "2s")
                .set(Setting.SEND_BUFFER_BYTES, "32k").set(Setting.WORKER_CHOICE, "LEAST_LAG")
                .set(Setting.RATE_LIMIT_LINES, "100").set(Setting.RATE_LIMIT_BYTES, "1m")
                .set(Setting.RATE_LIMIT_ADDRESS_LINES, "1000").set(Setting.RATE_LIMIT_ADDRESS_BYTES, "4m")
                .set(Setting.RATE_LIMIT_CONNECTS, "20").set(Setting.RATE_LIMIT_GRACE, "3s")
                .set(Setting.TLS_PORT, "7001").set(Setting.TLS_CERT, "cert.pem").set(Setting.TLS_KEY, "key.pem")
                .set(Setting.TLS_KEY_PASSWORD, "secret").set(Setting.TLS_CLIENT_CA, "ca.pem").set(Setting.TLS_CLIENT_AUTH, "Required")
                .set(Setting.TLS_PROTOCOLS, "TLSv1.3").set(Setting.TLS_HANDSHAKE_TIMEOUT, "2s")
                .set(Setting.TLS_PROXY_PROTOCOL, "any")
                .build();
        ServerConfig typed = ServerConfig.builder()
                .host("0.0.0.0").port(7000).workers(3).backlog(50)
                .reusePort(true).endOfLine(EndOfLine.CRLF).maxLineBytes(2048)
                .readBufferBytes(4096).writeBufferBytes(8192).poolMaxBuffers(7)
                .outputHighWatermark(1 << 20).outputLowWatermark(100).outputHardCap(2 << 20)
                .linesPerWakeup(9).ringSize(64).drainTimeout(Duration.ofSeconds(3))
                .idleTimeout(Duration.ZERO).lineTimeout(Duration.ofMinutes(2)).maxConnections(10)
                .maxConnectionsPerAddress(2).refusedReply("ERROR Too many open connections").loopLagWarning(Duration.ofMillis(250))
                .maxOffloadsPerConnection(4).offloadThreads(8).tcpNoDelay(false)
                .adminHost("127.0.0.2").adminPort(9100).drainDelay(Duration.ofSeconds(5))
                .proxyProtocol(ProxyProtocol.V2).proxyProtocolTimeout(Duration.ofSeconds(2))
                .maxBufferedOutputBytes(64 << 20).outputBudgetGrace(Duration.ofSeconds(2))
                .sendBufferBytes(32 << 10).workerChoice(WorkerChoice.LEAST_LAG)
                .rateLimitLines(100).rateLimitBytes(1 << 20)
                .rateLimitAddressLines(1000).rateLimitAddressBytes(4 << 20)
                .rateLimitConnects(20).rateLimitGrace(Duration.ofSeconds(3))
                .tlsPort(7001).tlsCert("cert.pem").tlsKey("key.pem").tlsKeyPassword("secret").tlsClientCa("ca.pem")
                .tlsClientAuth(TlsConfig.ClientAuth.REQUIRED).tlsProtocols("TLSv1.3").tlsHandshakeTimeout(Duration.ofSeconds(2))
                .tlsProxyProtocol(ProxyProtocol.ANY)
                .build();
        assertEquals(settings(text), settings(typed));
        Map<String, String> defaults = settings(ServerConfig.defaults());
        for (Setting s : Setting.values()) {
            assertNotEquals(defaults.get(s.key()), settings(text).get(s.key()), "the test sets " + s.key() + " away from its default");
        }
        assertEquals(4, typed.maxOffloadsPerConnection());
        assertEquals(8, typed.offloadThreads());
        assertEquals(Duration.ofMinutes(2), typed.lineTimeout());
        assertEquals(ProxyProtocol.V2, typed.proxyProtocol());
        assertEquals(Duration.ofSeconds(2), typed.proxyProtocolTimeout());
        assertEquals(7001, typed.tlsPort());
        assertEquals(java.util.Optional.of(java.nio.file.Path.of("ca.pem")), typed.tlsClientCa());
        assertEquals(TlsConfig.ClientAuth.REQUIRED, typed.tlsClientAuth());
        assertEquals(java.util.List.of("TLSv1.3"), typed.tlsProtocols());
        assertEquals("secret", new String(typed.tlsKeyPassword()));
        assertEquals(ProxyProtocol.ANY, typed.tlsProxyProtocol());
    }

    @Test
    void proxyProtocolTakesOffV1V2OrAnyInAnyCase() {
        assertEquals(ProxyProtocol.OFF, ServerConfig.defaults().proxyProtocol(), "off by default: a header is never guessed");
        assertEquals(ProxyProtocol.ANY, ServerConfig.builder().set(Setting.PROXY_PROTOCOL, " Any ").build().proxyProtocol());
        assertEquals(ProxyProtocol.V1, ServerConfig.builder().applyEnvironment(Map.of("RINGSIDE_PROXY_PROTOCOL", "v1")).build().proxyProtocol());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.builder().set(Setting.PROXY_PROTOCOL, "v3"));
        assertEquals("invalid proxy-protocol 'v3': expected off, v1, v2 or any", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ServerConfig.builder().proxyProtocol(null));
        assertEquals("invalid proxy-protocol 'null': expected off, v1, v2 or any", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ServerConfig.builder().set(Setting.PROXY_PROTOCOL_TIMEOUT, "0"));
        assertEquals("invalid proxy-protocol-timeout '0': must be between 1 and 3600000", e.getMessage());
        assertEquals(Duration.ofSeconds(5), ServerConfig.defaults().proxyProtocolTimeout());
    }

    @Test
    void tlsSettingsThatDoNotFitTogetherAreOneLineErrors() {
        assertEquals("tls-port needs tls-cert (a PEM certificate chain with tls-key, or a PKCS#12 file)",
                assertThrows(IllegalArgumentException.class, () -> ServerConfig.builder().tlsPort(0).build()).getMessage());
        assertEquals("tls-cert c.pem is not PKCS#12 (.p12, .pfx): tls-key is needed",
                assertThrows(IllegalArgumentException.class, () -> ServerConfig.builder().tlsPort(0).tlsCert("c.pem").build()).getMessage());
        assertEquals("tls-client-auth optional needs tls-client-ca", assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.builder().tlsPort(0).tlsCert("c.p12").tlsClientAuth(TlsConfig.ClientAuth.OPTIONAL).build()).getMessage());
        assertEquals("tls-protocols names no protocol", assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.builder().tlsPort(0).tlsCert("c.p12").tlsProtocols(" , ").build()).getMessage());
        assertEquals("invalid tls-client-auth 'sometimes': expected one of none, optional, required",
                assertThrows(IllegalArgumentException.class, () -> ServerConfig.builder().set(Setting.TLS_CLIENT_AUTH, "sometimes")).getMessage());
        assertEquals("invalid tls-port '-2': must be between -1 and 65535",
                assertThrows(IllegalArgumentException.class, () -> ServerConfig.builder().tlsPort(-2)).getMessage());
        assertFalse(ServerConfig.defaults().tls().enabled());
        assertTrue(ServerConfig.builder().tlsPort(0).tlsCert("c.p12").build().tls().enabled(), "a PKCS#12 file needs no tls-key");
    }

    @Test
    void everySettingHasATypedSetterNamedAfterIt() {
        for (Setting s : Setting.values()) {
            String[] words = s.key().split("-");
            StringBuilder name = new StringBuilder(words[0]);
            for (int i = 1; i < words.length; i++) {
                name.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
            }
            long setters = Arrays.stream(ServerConfig.Builder.class.getMethods())
                    .filter(m -> m.getName().equals(name.toString()) && m.getParameterCount() == 1).count();
            assertEquals(1, setters, "ServerConfig.Builder." + name + "(...) for " + s);
            assertTrue(Arrays.stream(ServerConfig.class.getMethods()).anyMatch(m -> m.getName().equals(name.toString())),
                    "ServerConfig." + name + "() for " + s);
        }
    }

    @Test
    void badTypedValuesAreRejectedLikeTextNamingTheSetting() {
        assertRejected("invalid port '70000': must be between 0 and 65535", b -> b.port(70_000));
        assertRejected("invalid port '-1': must be between 0 and 65535", b -> b.port(-1));
        assertRejected("invalid max-line-bytes '0': must be between 1 and 67108864", b -> b.maxLineBytes(0));
        assertRejected("invalid output-hard-cap '4294967296': must be between 1 and 2147483648", b -> b.outputHardCap(1L << 32));
        assertRejected("invalid offload-threads '0': must be between 1 and 100000", b -> b.offloadThreads(0));
        assertRejected("invalid max-offloads-per-connection '1000001': must be between 1 and 1000000",
                b -> b.maxOffloadsPerConnection(1_000_001));
        assertRejected("invalid drain-timeout 'PT2H': must be between 0 and 3600000", b -> b.drainTimeout(Duration.ofHours(2)));
        assertRejected("invalid idle-timeout 'PT-0.001S': must be between 0 and 86400000", b -> b.idleTimeout(Duration.ofMillis(-1)));
        assertRejected("invalid line-timeout 'PT0.000000001S': not a whole number of milliseconds",
                b -> b.lineTimeout(Duration.ofNanos(1)));
        assertRejected("invalid loop-lag-warning 'PT2562047788015215H30M7S': must be between 1 and 3600000",
                b -> b.loopLagWarning(Duration.ofSeconds(Long.MAX_VALUE)));
        assertRejected("invalid drain-timeout 'null': missing", b -> b.drainTimeout(null));
        assertRejected("invalid end-of-line 'null': missing", b -> b.endOfLine(null));
        assertRejected("invalid host 'null': missing", b -> b.host(null));
        assertRejected("invalid host ' ': empty", b -> b.host(" "));
        assertRejected("ring-size must be a power of two", b -> b.ringSize(1000).build());
        assertEquals("invalid port '70000': must be between 0 and 65535",
                assertThrows(IllegalArgumentException.class, () -> ServerConfig.builder().set(Setting.PORT, "70000")).getMessage(),
                "the same message as the typed form");
    }

    @Test
    void protectionSettingsHaveSafeDefaultsAndCheckedSpellings() {
        ServerConfig d = ServerConfig.defaults();
        assertEquals(-1, d.maxBufferedOutputBytes(), "auto: half the max direct memory");
        assertEquals(Duration.ofSeconds(5), d.outputBudgetGrace());
        assertEquals(WorkerChoice.ROUND_ROBIN, d.workerChoice());
        assertEquals(0, d.rateLimitLines());
        assertEquals(0, d.rateLimitConnects());
        assertEquals(WorkerChoice.LEAST_CONNECTIONS, ServerConfig.builder().set(Setting.WORKER_CHOICE, " Least-Connections ").build().workerChoice());
        assertEquals("least-lag", WorkerChoice.LEAST_LAG.toString());
        assertRejected("invalid worker-choice 'fastest': expected round-robin, least-connections or least-lag",
                b -> b.set(Setting.WORKER_CHOICE, "fastest"));
        assertRejected("invalid max-buffered-output-bytes '-2': must be between -1 and 1099511627776",
                b -> b.set(Setting.MAX_BUFFERED_OUTPUT_BYTES, "-2"));
        assertRejected("invalid rate-limit-lines '-1': must be between 0 and 100000000", b -> b.rateLimitLines(-1));
        assertRejected("invalid rate-limit-grace '0': must be between 1 and 3600000", b -> b.set(Setting.RATE_LIMIT_GRACE, "0"));
    }

    @Test
    void theOffloadLimitsHaveDefaults() {
        ServerConfig c = ServerConfig.defaults();
        assertEquals(16, c.maxOffloadsPerConnection());
        assertEquals(64, c.offloadThreads());
    }

    /** Every setting's value, read from {@code ServerConfig{key=value, ...}}. */
    private static Map<String, String> settings(ServerConfig c) {
        String s = c.toString();
        assertTrue(s.startsWith("ServerConfig{") && s.endsWith("}"), s);
        Map<String, String> values = new java.util.TreeMap<>();
        for (String pair : s.substring("ServerConfig{".length(), s.length() - 1).split(", ")) {
            String[] kv = pair.split("=", 2);
            values.put(kv[0], kv[1]);
        }
        assertEquals(Setting.values().length, values.size(), s);
        return values;
    }

    private static void assertRejected(String message, java.util.function.Consumer<ServerConfig.Builder> change) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> change.accept(ServerConfig.builder()));
        assertEquals(message, e.getMessage());
    }
}
