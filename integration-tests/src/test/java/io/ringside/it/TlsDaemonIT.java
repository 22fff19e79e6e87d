package io.ringside.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringside.loadgen.LoadGenerator;
import io.ringside.loadgen.LoadOptions;
import io.ringside.loadgen.LoadReport;
import io.ringside.loadgen.ReplyMode;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The daemon with {@code --tls-port}, against OpenSSL's {@code s_client}: both protocol versions, the
 * services' handlers unchanged over TLS, client certificates, the key formats OpenSSL writes, hostile
 * bytes that leave no stack trace, and the SIGHUP reload.
 */
@Timeout(300)
class TlsDaemonIT {
    @TempDir
    static Path dir;
    static Path cert;
    static Path key;
    static Path clientCert;
    static Path clientKey;

    @BeforeAll
    static void certificates() throws Exception {
        cert = dir.resolve("cert.pem");
        key = dir.resolve("key.pem");
        OpenSsl.selfSigned(cert, key, "ringside-test");
        clientCert = dir.resolve("client-cert.pem");
        clientKey = dir.resolve("client-key.pem");
        OpenSsl.selfSigned(clientCert, clientKey, "ringside-client");
    }

    /** Starts {@code service} with a TLS listener too; returns it and its TLS port. */
    static DaemonProcess startTls(int tlsPort, String service, Path certFile, Path keyFile, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of(service, "--tls-port", Integer.toString(tlsPort), "--tls-cert", certFile.toString()));
        if (keyFile != null) {
            args.addAll(List.of("--tls-key", keyFile.toString()));
        }
        args.addAll(List.of(more));
        if (!args.contains("--idle-timeout")) {
            args.addAll(List.of("--idle-timeout", "1s")); // s_client -ign_eof ends when the server closes the idle connection
        }
        DaemonProcess d = DaemonProcess.start(0, args.toArray(new String[0]));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); // logged just after the plain listener's line
        while (!d.log().contains("listening with TLS on 127.0.0.1:" + tlsPort)) {
            if (System.nanoTime() > deadline) {
                d.close();
                throw new AssertionError("no TLS listener:\n" + d.log());
            }
            Thread.sleep(10);
        }
        return d;
    }

    static void assertCleanLog(String log) {
        assertFalse(log.contains(" ERROR "), log);
        assertFalse(log.contains("Exception"), log);
        assertFalse(log.contains("\tat "), log);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-tls1_3", "-tls1_2"})
    void sClientHandshakesAndGetsTheEchoBack(String version) throws Exception {
        int tlsPort = DaemonProcess.freePort();
        try (DaemonProcess d = startTls(tlsPort, "echo", cert, key)) {
            OpenSsl.Run r = OpenSsl.client(tlsPort, cert, "hello over tls\nsecond line\n", version);
            String protocol = version.equals("-tls1_3") ? "TLSv1.3" : "TLSv1.2";
            assertTrue(r.output().contains("New, " + protocol + ", Cipher is "), r.output());
            assertTrue(r.output().contains("Verify return code: 0 (ok)"), r.output());
            assertTrue(r.output().contains("hello over tls\n") && r.output().contains("second line\n"), r.output());
            assertEquals(0, r.exit(), r.output());
            assertCleanLog(d.log());
        }
    }

    @Test
    void aKeyUpdateFromTheClientIsAnsweredAndTheEchoGoesOn() throws Exception {
        int tlsPort = DaemonProcess.freePort();
        try (DaemonProcess d = startTls(tlsPort, "echo", cert, key, "--idle-timeout", "30s");
             OpenSsl.Session s = new OpenSsl.Session(tlsPort, cert, "-tls1_3")) {
            s.type("before-key-update\n");
            assertTrue(s.await("before-key-update\n"));
            for (int i = 0; i < 3; i++) {
                s.type("K\n"); // KeyUpdate with update_requested: the server must send its own
                // s_client takes a command only as a read of its own: the next line waits until this one is done
                assertTrue(s.await("KEYUPDATE", i + 1));
                String line = "after-key-update-" + i + "\n";
                s.type(line);
                assertTrue(s.await(line), s.output()); // decrypts only if the server's keys moved on too
            }
            assertCleanLog(d.log());
        }
    }

    @Test
    void aTls12RenegotiationFromSClientIsRefused() throws Exception {
        int tlsPort = DaemonProcess.freePort();
        try (DaemonProcess d = startTls(tlsPort, "echo", cert, key, "--idle-timeout", "3s");
             OpenSsl.Session s = new OpenSsl.Session(tlsPort, cert, "-tls1_2")) {
            s.type("before-renegotiation\n");
            assertTrue(s.await("before-renegotiation\n"));
            s.type("R\n");
            assertTrue(s.await("RENEGOTIATING"));
            assertTrue(s.exited(20), "the server closed the connection, so s_client ended\n" + s.output());
            String after = s.output().substring(s.output().indexOf("RENEGOTIATING"));
            assertTrue(after.contains("closed") || after.contains("error"), "closed instead of a second handshake:\n" + s.output());
            OpenSsl.Run next = OpenSsl.client(tlsPort, cert, "served-after-refusal\n", "-tls1_2");
            assertTrue(next.output().contains("served-after-refusal\n"), next.output());
            assertCleanLog(d.log());
        }
    }

    @Test
    void theLoadGeneratorOverTlsGetsEveryByteBackSteadyAndChurning() throws Exception {
        int tlsPort = DaemonProcess.freePort();
        // 200 handshakes at once on two shared cores can take seconds: the warm-up covers them (its replies are
        // checked, not counted) and the handshake timeout is no part of this test
        try (DaemonProcess d = startTls(tlsPort, "rot13", cert, key, "--workers", "2", "--idle-timeout", "60s",
                "--tls-handshake-timeout", "60s")) {
            LoadReport steady = LoadGenerator.run(LoadOptions.builder(tlsPort).tls(true).conns(200).depth(8).size(200)
                    .warmup(3).seconds(4).mode(ReplyMode.ROT13).quiet(true).build());
            System.out.println("tls steady: " + steady.summary());
            assertTrue(steady.ok(), steady.summary());
            assertEquals(0, steady.errors(), steady.summary());
            assertTrue(steady.requests() > 0, steady.summary());
            assertEquals(200, steady.tls().handshakes(), "one handshake per connection: " + steady.summary());
            LoadReport churn = LoadGenerator.run(LoadOptions.builder(tlsPort).tls(true).conns(8).churn(true).size(64)
                    .tlsProtocol(LoadOptions.TLS12).serverPid(d.process.pid())
                    .seconds(3).mode(ReplyMode.ROT13).quiet(true).build());
            System.out.println("tls churn: " + churn.summary());
            assertTrue(churn.ok(), churn.summary());
            assertEquals(0, churn.errors(), churn.summary());
            assertTrue(churn.requests() > 0, churn.summary());
            // the handshake benchmark's figures: one full handshake per verified line, the protocol asked for, the
            // daemon's CPU time per handshake
            assertTrue(Math.abs(churn.tls().measuredHandshakes() - churn.requests()) <= 8, churn.summary());
            assertEquals("TLSv1.2", churn.tls().protocol(), churn.summary());
            assertTrue(churn.tls().uniform(), churn.summary());
            assertTrue(churn.cpu().serverMicrosPerRequest(churn.requests()) > 0, churn.summary());
            assertEquals(0, d.terminate(30));
            assertCleanLog(d.log());
        }
    }

    @Test
    void memcachedServesOverTlsWithoutAChangeToItsHandler() throws Exception {
        int tlsPort = DaemonProcess.freePort();
        try (DaemonProcess d = startTls(tlsPort, "memcached", cert, key)) {
            OpenSsl.Run r = OpenSsl.client(tlsPort, cert, "set k 0 0 5\r\nhello\r\nget k\r\nquit\r\n", "-tls1_3");
            assertTrue(r.output().contains("STORED\r\nVALUE k 0 5\r\nhello\r\nEND\r\n"), r.output());
            assertCleanLog(d.log());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"-tls1_3", "-tls1_2"})
    void aRequiredClientCertificate(String version) throws Exception {
        int tlsPort = DaemonProcess.freePort();
        try (DaemonProcess d = startTls(tlsPort, "echo", cert, key, "--tls-client-auth", "required",
                "--tls-client-ca", clientCert.toString())) {
            OpenSsl.Run with = OpenSsl.client(tlsPort, cert, "with a certificate\n", version,
                    "-cert", clientCert.toString(), "-key", clientKey.toString());
            assertTrue(with.output().contains("with a certificate\n"), with.output());
            OpenSsl.Run without = OpenSsl.client(tlsPort, cert, "without one\n", version);
            assertFalse(without.output().contains("without one\n"), without.output());
            assertTrue(without.output().contains("alert"), without.output());
            assertCleanLog(d.log());
        }
    }

    /**
     * The handshake counters on the daemon's {@code /metrics}: s_client over TLS 1.3 with a client certificate and
     * over TLS 1.2 without one (optional), s_client with a certificate the client CA did not issue (refused), a
     * plaintext request and a connection that never starts its handshake (closed at the 500 ms timeout).
     */
    @Test
    void handshakesAndTheirFailuresAreCountedOnMetrics() throws Exception {
        int tlsPort = DaemonProcess.freePort();
        int adminPort = DaemonProcess.freePort();
        try (DaemonProcess d = startTls(tlsPort, "echo", cert, key, "--tls-client-auth", "optional",
                "--tls-client-ca", clientCert.toString(), "--tls-handshake-timeout", "500ms", "--admin-port", Integer.toString(adminPort))) {
            OpenSsl.Run with = OpenSsl.client(tlsPort, cert, "tls13 with cert\n", "-tls1_3",
                    "-cert", clientCert.toString(), "-key", clientKey.toString());
            assertTrue(with.output().contains("tls13 with cert\n"), with.output());
            OpenSsl.Run without = OpenSsl.client(tlsPort, cert, "tls12 without\n", "-tls1_2");
            assertTrue(without.output().contains("tls12 without\n"), without.output());
            OpenSsl.Run wrong = OpenSsl.client(tlsPort, cert, "refused cert\n", "-cert", cert.toString(), "-key", key.toString());
            assertFalse(wrong.output().contains("refused cert\n"), wrong.output());
            try (Socket plain = new Socket("127.0.0.1", tlsPort); Socket silent = new Socket("127.0.0.1", tlsPort)) {
                plain.setSoTimeout(20_000);
                silent.setSoTimeout(20_000);
                plain.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                plain.getInputStream().readAllBytes(); // the alert, then the close
                assertEquals(-1, silent.getInputStream().read(), "closed at the handshake timeout");
            }
            String failures = "ringside_tls_handshake_failures_total";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (AdminPage.sum(adminPort, failures, "kind", "timeout") < 1 && System.nanoTime() - deadline < 0) {
                Thread.sleep(20); // counted as the connection closes, just after the client saw it
            }
            assertEquals(1, AdminPage.sum(adminPort, "ringside_tls_handshakes_total", "protocol", "TLSv1.3"));
            assertEquals(1, AdminPage.sum(adminPort, "ringside_tls_handshakes_total", "protocol", "TLSv1.2"));
            assertEquals(1, AdminPage.sum(adminPort, failures, "kind", "client_cert"), "the certificate the client CA did not issue");
            assertEquals(1, AdminPage.sum(adminPort, failures, "kind", "not_tls"));
            assertEquals(1, AdminPage.sum(adminPort, failures, "kind", "timeout"));
            assertEquals(0, AdminPage.sum(adminPort, failures, "kind", "alert") + AdminPage.sum(adminPort, failures, "kind", "peer_gone"));
            assertEquals(2, AdminPage.sum(adminPort, "ringside_connections_closed_total", "reason", "tls_handshake_failed"));
            assertCleanLog(d.log());
        }
    }

    @Test
    void anOptionalClientCertificate() throws Exception {
        int tlsPort = DaemonProcess.freePort();
        try (DaemonProcess d = startTls(tlsPort, "echo", cert, key, "--tls-client-auth", "optional",
                "--tls-client-ca", clientCert.toString())) {
            OpenSsl.Run with = OpenSsl.client(tlsPort, cert, "optional-with-cert\n", "-cert", clientCert.toString(), "-key", clientKey.toString());
            assertTrue(with.output().contains("optional-with-cert\n"), with.output());
            OpenSsl.Run without = OpenSsl.client(tlsPort, cert, "optional-without-cert\n");
            assertTrue(without.output().contains("optional-without-cert\n"), without.output());
            // a certificate that the client CA did not issue is refused even when optional
            OpenSsl.Run wrong = OpenSsl.client(tlsPort, cert, "wrong-cert\n", "-cert", cert.toString(), "-key", key.toString());
            assertFalse(wrong.output().contains("wrong-cert\n"), wrong.output());
        }
    }

    @Test
    void theKeyFormatsOpenSslWritesAllServe() throws Exception {
        Path rsaKey = dir.resolve("rsa-pkcs1.pem");
        Path rsaCert = dir.resolve("rsa-cert.pem");
        OpenSsl.ok("genrsa", "-traditional", "-out", rsaKey.toString(), "2048");
        OpenSsl.ok("req", "-x509", "-new", "-key", rsaKey.toString(), "-out", rsaCert.toString(), "-days", "30",
                "-subj", "/CN=rsa", "-addext", "subjectAltName=IP:127.0.0.1");
        Path ecKey = dir.resolve("ec-sec1.pem");
        Path ecCert = dir.resolve("ec-cert.pem");
        OpenSsl.ok("ecparam", "-name", "secp384r1", "-genkey", "-out", ecKey.toString());
        OpenSsl.ok("req", "-x509", "-new", "-key", ecKey.toString(), "-out", ecCert.toString(), "-days", "30",
                "-subj", "/CN=ec", "-addext", "subjectAltName=IP:127.0.0.1");
        Path p12 = dir.resolve("bundle.p12");
        OpenSsl.ok("pkcs12", "-export", "-in", cert.toString(), "-inkey", key.toString(), "-out", p12.toString(), "-passout", "pass:s3cret");
        assertTrue(Files.readString(rsaKey).startsWith("-----BEGIN RSA PRIVATE KEY-----"));
        assertTrue(Files.readString(ecKey).contains("-----BEGIN EC PRIVATE KEY-----"));
        // {tls-cert, tls-key, what s_client trusts, more options}
        Object[][] cases = {{rsaCert, rsaKey, rsaCert, new String[0]}, {ecCert, ecKey, ecCert, new String[0]},
                {p12, null, cert, new String[] {"--tls-key-password", "s3cret"}}};
        for (Object[] c : cases) {
            int tlsPort = DaemonProcess.freePort();
            Path caFile = (Path) c[2];
            try (DaemonProcess d = startTls(tlsPort, "echo", (Path) c[0], (Path) c[1], (String[]) c[3])) {
                OpenSsl.Run r = OpenSsl.client(tlsPort, caFile, "key-format-check\n");
                assertTrue(r.output().contains("Verify return code: 0 (ok)") && r.output().contains("key-format-check\n"), r.output());
            }
        }
    }

    @Test
    void plaintextOnTheTlsPortIsClosedWithoutAStackTrace() throws Exception {
        int tlsPort = DaemonProcess.freePort();
        try (DaemonProcess d = startTls(tlsPort, "echo", cert, key, "--tls-handshake-timeout", "500ms")) {
            for (String junk : new String[] {"GET / HTTP/1.1\r\n\r\n", "\u0016\u0003\u0001\u00ff\u00ffgarbage", "stall"}) {
                try (Socket s = new Socket("127.0.0.1", tlsPort)) {
                    s.setSoTimeout(20_000);
                    s.getOutputStream().write(junk.getBytes(StandardCharsets.ISO_8859_1));
                    try {
                        while (s.getInputStream().read() >= 0) {
                            // an alert, if any, then the close
                        }
                    } catch (IOException reset) {
                        // closed with our bytes unread
                    }
                }
            }
            OpenSsl.Run r = OpenSsl.client(tlsPort, cert, "after the junk\n");
            assertTrue(r.output().contains("after the junk\n"), r.output());
            assertCleanLog(d.log());
        }
    }

    @Test
    void sighupReloadsTheCertificateAndABadFileKeepsTheOldOne() throws Exception {
        Path liveCert = dir.resolve("live-cert.pem");
        Path liveKey = dir.resolve("live-key.pem");
        Files.copy(cert, liveCert, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(key, liveKey, StandardCopyOption.REPLACE_EXISTING);
        Path newCert = dir.resolve("new-cert.pem");
        Path newKey = dir.resolve("new-key.pem");
        OpenSsl.selfSigned(newCert, newKey, "ringside-renewed");
        int tlsPort = DaemonProcess.freePort();
        try (DaemonProcess d = startTls(tlsPort, "echo", liveCert, liveKey)) {
            assertTrue(OpenSsl.client(tlsPort, cert, "before-reload\n").output().contains("CN = ringside-test"));
            Files.copy(newCert, liveCert, StandardCopyOption.REPLACE_EXISTING);
            Files.copy(newKey, liveKey, StandardCopyOption.REPLACE_EXISTING);
            hangUp(d, "TLS certificate reloaded");
            OpenSsl.Run renewed = OpenSsl.client(tlsPort, newCert, "after-reload\n");
            assertTrue(renewed.output().contains("CN = ringside-renewed") && renewed.output().contains("after-reload\n"), renewed.output());

            Files.writeString(liveKey, "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");
            hangUp(d, "TLS reload failed, the previous certificate stays in use");
            OpenSsl.Run kept = OpenSsl.client(tlsPort, newCert, "kept-after-bad-reload\n");
            assertTrue(kept.output().contains("CN = ringside-renewed") && kept.output().contains("kept-after-bad-reload\n"), kept.output());
            assertTrue(d.process.isAlive());
            assertEquals(0, d.terminate(30));
            assertCleanLog(d.log());
        }
    }

    @Test
    void aSighupIgnoredFromTheStartIsSaidInTheLog() throws Exception {
        String warning = "SIGHUP is ignored by this process (inherited from its parent, e.g. nohup)";
        int tlsPort = DaemonProcess.freePort();
        try (DaemonProcess d = DaemonProcess.startIgnoringHangUp("echo", "--tls-port", Integer.toString(tlsPort),
                "--tls-cert", cert.toString(), "--tls-key", key.toString())) {
            assertTrue(d.log().contains(warning), d.log());
            // What the warning says: the JVM leaves the signal ignored, so kill -HUP neither reloads nor kills.
            Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(d.process.pid())).start();
            assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0);
            Thread.sleep(2_000);
            assertTrue(d.process.isAlive());
            assertFalse(d.log().contains("SIGHUP received"), d.log());
            assertEquals(0, d.terminate(30));
        }
        try (DaemonProcess d = startTls(DaemonProcess.freePort(), "echo", cert, key)) {
            assertFalse(d.log().contains(warning), "SIGHUP not ignored: no warning\n" + d.log());
            assertEquals(0, d.terminate(30));
        }
    }

    /** Sends SIGHUP and waits (bounded) for {@code logLine} to appear once more in the daemon's log. */
    private static void hangUp(DaemonProcess d, String logLine) throws Exception {
        int before = count(d.log(), logLine);
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(d.process.pid())).start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (count(d.log(), logLine) == before) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no '" + logLine + "' after SIGHUP:\n" + d.log());
            }
            Thread.sleep(20);
        }
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
