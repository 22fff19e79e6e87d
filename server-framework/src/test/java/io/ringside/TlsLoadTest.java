package io.ringside;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many TLS connections: handshakes at once beside a served connection, connect/close cycles without a
 * descriptor leak, and the certificate reload. Correctness only: no test measures time.
 */
@Timeout(300)
class TlsLoadTest extends LoopbackServerTest {
    @TempDir
    static Path dir;
    static TlsFixture cert;
    static TlsFixture other;

    @BeforeAll
    static void identities() throws Exception {
        cert = TlsFixture.create(dir, "server", "EC");
        other = TlsFixture.create(dir, "other", "RSA");
    }

    @Test
    void aThousandHandshakesAtOnceWhileAnotherConnectionOfTheSameWorkerIsServed() throws Exception {
        start(HostileClientsTest.EchoHandler::new, cert.pemSettings("WORKERS", "1"));
        InetSocketAddress tls = tlsAddress();
        SSLContext client = cert.clientContext();
        int total = 1_000;
        List<SSLSocket> sockets = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean handshaking = new AtomicBoolean(true);
        AtomicLong servedDuring = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(64);
        try (SSLSocket steady = TlsEchoTest.connect(tls, client, "TLSv1.3")) {
            InetSocketAddress address = tls;
            List<Future<?>> handshakes = new ArrayList<>();
            for (int i = 0; i < total; i++) {
                String protocol = i % 2 == 0 ? "TLSv1.3" : "TLSv1.2";
                handshakes.add(pool.submit(() -> {
                    sockets.add(TlsEchoTest.connect(address, client, protocol));
                    return null;
                }));
            }
            Future<?> served = Executors.newSingleThreadExecutor().submit(() -> {
                for (int n = 0; n < 100_000 && (handshaking.get() || n < 10); n++) {
                    byte[] line = ("steady " + n + "\n").getBytes(StandardCharsets.US_ASCII);
                    assertArrayEquals(line, TlsEchoTest.exchange(steady, line));
                    if (handshaking.get()) {
                        servedDuring.incrementAndGet();
                    }
                }
                return null;
            });
            for (Future<?> f : handshakes) {
                f.get(240, TimeUnit.SECONDS);
            }
            handshaking.set(false);
            served.get(60, TimeUnit.SECONDS);
            assertTrue(servedDuring.get() > 0, "the steady connection was served while the handshakes ran");
            assertTrue(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith("ringside-tls-")),
                    "the handshakes' tasks ran on the TLS task threads, off the worker");
            assertEquals(total, sockets.size());
            for (int i = 0; i < total; i++) {
                byte[] line = ("conn " + i + "\n").getBytes(StandardCharsets.US_ASCII);
                assertArrayEquals(line, TlsEchoTest.exchange(sockets.get(i), line), "connection " + i);
            }
        } finally {
            pool.shutdownNow();
            for (SSLSocket s : sockets) {
                s.close();
            }
        }
        await(() -> server.stats().closed(CloseReason.PEER_CLOSED) == total + 1, "every connection closed as the peer closed");
    }

    @Test
    void threeThousandConnectCloseCyclesLeakNoDescriptorAndNoMemory() throws Exception {
        start(HostileClientsTest.EchoHandler::new, cert.pemSettings());
        InetSocketAddress tls = tlsAddress();
        SSLContext client = cert.clientContext();
        cycles(tls, client, 300); // warm-up: classes, session caches, pools
        await(() -> server.stats().openConnections() == 0, "warm-up connections closed");
        long fdsBefore = openDescriptors();
        long heapBefore = usedHeapAfterGc();
        int cycles = 3_000;
        cycles(tls, client, cycles);
        await(() -> server.stats().openConnections() == 0, "every connection closed");
        long fdsAfter = openDescriptors();
        long heapAfter = usedHeapAfterGc();
        assertTrue(fdsAfter - fdsBefore <= 8, "descriptors: " + fdsBefore + " before, " + fdsAfter + " after " + cycles + " cycles");
        assertTrue(heapAfter - heapBefore < 64L << 20, "heap grew by " + (heapAfter - heapBefore) + " bytes over " + cycles + " cycles");
        assertEquals(0, server.stats().closed(CloseReason.PREFACE_FAILED) + server.stats().closed(CloseReason.TLS_HANDSHAKE_FAILED)
                + server.stats().closed(CloseReason.IO_ERROR));
    }

    /** {@code n} connections from 4 threads: each handshakes, echoes one line and closes (close_notify). */
    private static void cycles(InetSocketAddress tls, SSLContext client, int n) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = thread; i < n; i += 4) {
                        try (SSLSocket s = TlsEchoTest.connect(tls, client, i % 3 == 0 ? "TLSv1.2" : "TLSv1.3")) {
                            byte[] line = ("cycle " + i + "\n").getBytes(StandardCharsets.US_ASCII);
                            assertArrayEquals(line, TlsEchoTest.exchange(s, line));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(240, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    static long openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    static long usedHeapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    @Test
    void aReloadServesTheNewCertificateToNewHandshakesAndABadFileKeepsTheOld() throws Exception {
        Path certFile = dir.resolve("live-cert.pem");
        Path keyFile = dir.resolve("live-key.pem");
        Files.copy(cert.certPem, certFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(cert.keyPem, keyFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        start(HostileClientsTest.EchoHandler::new, "TLS_PORT", "0", "TLS_CERT", certFile.toString(), "TLS_KEY", keyFile.toString());
        SSLContext trustsBoth = trustingBoth();
        try (SSLSocket open = TlsEchoTest.connect(tlsAddress(), trustsBoth, "TLSv1.3")) {
            assertEquals(cert.certificate, peer(open));
            Files.copy(other.certPem, certFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.copy(other.keyPem, keyFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            assertTrue(server.reloadTls(), "a good pair reloads");
            assertEquals(other.certificate, peerOfNewConnection(trustsBoth));
            byte[] line = "open across the reload\n".getBytes(StandardCharsets.US_ASCII);
            assertArrayEquals(line, TlsEchoTest.exchange(open, line));

            Files.writeString(keyFile, "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");
            assertFalse(server.reloadTls(), "a broken key is refused");
            assertEquals(other.certificate, peerOfNewConnection(trustsBoth));
            Files.copy(cert.keyPem, keyFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING); // a key of another certificate
            assertFalse(server.reloadTls(), "a key that does not match the certificate is refused");
            assertEquals(other.certificate, peerOfNewConnection(trustsBoth));
            Files.delete(certFile);
            assertFalse(server.reloadTls(), "a missing file is refused");
            assertEquals(other.certificate, peerOfNewConnection(trustsBoth));
        }
    }

    private Certificate peerOfNewConnection(SSLContext ctx) throws Exception {
        try (SSLSocket s = TlsEchoTest.connect(tlsAddress(), ctx, "TLSv1.3")) {
            return peer(s);
        }
    }

    private static Certificate peer(SSLSocket s) throws Exception {
        return s.getSession().getPeerCertificates()[0];
    }

    private static SSLContext trustingBoth() throws Exception {
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("a", cert.certificate);
        trust.setCertificateEntry("b", other.certificate);
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
