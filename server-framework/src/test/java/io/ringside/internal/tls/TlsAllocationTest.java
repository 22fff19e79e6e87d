package io.ringside.internal.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringside.ServerConfig;
import io.ringside.internal.transport.MemoryTransport;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The TLS transport allocates nothing of its own per record: what a record read (unwrapped) or written (wrapped)
 * through {@link TlsTransport} allocates on the connection's thread is what the JDK's {@link SSLEngine} allocates
 * for the same record when called directly (the JDK's own share is about 1.2 KB a record, mostly its AES-GCM cipher
 * re-initialised for each record's nonce: see README, TLS benchmark). Measured with the JVM's per-thread allocation
 * counter around the server side's calls only (the client's wraps and unwraps are outside the count), over
 * {@value #RECORDS} records after a warm-up of twice as many. The smallest object is 16 bytes; the tolerance of
 * {@value #TOLERANCE} bytes per record absorbs the JIT's differing inlining of the two call sites (each record is
 * one call there), not an object per record.
 *
 * <p>Threading: each test runs on its own thread, which drives both engines (tasks inline).
 */
@Timeout(300)
class TlsAllocationTest {
    private static final Path KEYS = Path.of("src/test/resources/io/ringside/internal/tls");
    private static final int RECORDS = 20_000;
    private static final int TOLERANCE = 8;

    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** One server engine and a client engine, handshaken, with the server side driven through {@code server}. */
    private static final class Pair {
        final SSLEngine client;
        final SSLEngine serverEngine;
        final MemoryTransport wire = new MemoryTransport();
        final TlsTransport server;

        Pair(String protocol) throws Exception {
            ServerConfig config = ServerConfig.builder().tlsPort(0).tlsCert(KEYS.resolve("ec-cert.pem").toString())
                    .tlsKey(KEYS.resolve("ec-pkcs8.pem").toString()).build();
            serverEngine = TlsContextLoader.load(config.tls()).context().createSSLEngine();
            serverEngine.setUseClientMode(false);
            SSLContext trustAny = SSLContext.getInstance("TLS");
            trustAny.init(null, new TrustManager[] {new TrustAny()}, null);
            client = trustAny.createSSLEngine();
            client.setUseClientMode(true);
            client.setEnabledProtocols(new String[] {protocol});
            server = new TlsTransport(wire, serverEngine, Runnable::run);
            server.bind(Runnable::run);
        }
    }

    @ParameterizedTest(name = "{0}, {1}-byte records")
    @CsvSource({"TLSv1.3, 32", "TLSv1.3, 16000", "TLSv1.2, 32", "TLSv1.2, 16000"})
    void readingARecordAllocatesOnlyWhatTheEngineDoes(String protocol, int size) throws Exception {
        Pair viaTransport = handshaken(protocol);
        Pair direct = handshaken(protocol);
        ByteBuffer plain = ByteBuffer.wrap(new byte[size]);
        ByteBuffer record = ByteBuffer.allocate(direct.client.getSession().getPacketBufferSize());
        ByteBuffer dst = ByteBuffer.allocateDirect(16 * 1024); // a worker's read buffer
        ByteBuffer[] dsts = {dst};
        viaTransport.wire.discardOutput(true);
        double transport = 0;
        double engine = 0;
        for (int round = 0; round < 3; round++) {
            long t = 0;
            long e = 0;
            for (int i = 0; i < RECORDS; i++) {
                wrap(viaTransport.client, plain, record);
                viaTransport.wire.feed(record);
                dst.clear();
                long before = threads.getCurrentThreadAllocatedBytes();
                int n = viaTransport.server.read(dst);
                t += threads.getCurrentThreadAllocatedBytes() - before;
                assertEquals(size, n);

                wrap(direct.client, plain, record);
                dst.clear();
                before = threads.getCurrentThreadAllocatedBytes();
                SSLEngineResult r = direct.serverEngine.unwrap(record, dsts, 0, 1);
                e += threads.getCurrentThreadAllocatedBytes() - before;
                assertEquals(size, r.bytesProduced());
            }
            transport = t / (double) RECORDS;
            engine = e / (double) RECORDS;
        }
        report("read", protocol, size, transport, engine);
        assertTrue(engine > 100, "the JDK's engine allocates per record (" + engine + " bytes): the counter works");
        assertTrue(transport <= engine + TOLERANCE, String.format(Locale.ROOT,
                "reading a record through TlsTransport allocates %.1f bytes, the engine alone %.1f", transport, engine));
    }

    @ParameterizedTest(name = "{0}, {1}-byte records")
    @CsvSource({"TLSv1.3, 32", "TLSv1.3, 16000", "TLSv1.2, 32", "TLSv1.2, 16000"})
    void writingARecordAllocatesOnlyWhatTheEngineDoes(String protocol, int size) throws Exception {
        Pair viaTransport = handshaken(protocol);
        Pair direct = handshaken(protocol);
        ByteBuffer[] srcs = {ByteBuffer.allocateDirect(size)}; // a pooled output buffer
        ByteBuffer record = ByteBuffer.allocate(direct.serverEngine.getSession().getPacketBufferSize());
        viaTransport.wire.discardOutput(true);
        double transport = 0;
        double engine = 0;
        for (int round = 0; round < 3; round++) {
            long t = 0;
            long e = 0;
            for (int i = 0; i < RECORDS; i++) {
                srcs[0].clear();
                long before = threads.getCurrentThreadAllocatedBytes();
                long n = viaTransport.server.write(srcs, 0, 1);
                t += threads.getCurrentThreadAllocatedBytes() - before;
                assertEquals(size, n);

                srcs[0].clear();
                record.clear();
                before = threads.getCurrentThreadAllocatedBytes();
                SSLEngineResult r = direct.serverEngine.wrap(srcs, 0, 1, record);
                e += threads.getCurrentThreadAllocatedBytes() - before;
                assertEquals(size, r.bytesConsumed());
            }
            transport = t / (double) RECORDS;
            engine = e / (double) RECORDS;
        }
        report("write", protocol, size, transport, engine);
        assertTrue(engine > 100, "the JDK's engine allocates per record (" + engine + " bytes): the counter works");
        assertTrue(transport <= engine + TOLERANCE, String.format(Locale.ROOT,
                "writing a record through TlsTransport allocates %.1f bytes, the engine alone %.1f", transport, engine));
    }

    private static void report(String what, String protocol, int size, double transport, double engine) {
        System.out.printf(Locale.ROOT, "TLS %s %s, %d-byte record: TlsTransport %.1f bytes, SSLEngine alone %.1f bytes%n",
                what, protocol, size, transport, engine);
    }

    /** The client wraps one record of {@code plain} into {@code record} (flipped, ready to read). */
    private static void wrap(SSLEngine client, ByteBuffer plain, ByteBuffer record) throws Exception {
        plain.clear();
        record.clear();
        SSLEngineResult r = client.wrap(plain, record);
        assertEquals(plain.capacity(), r.bytesConsumed());
        record.flip();
    }

    /**
     * A pair whose handshake is done and whose post-handshake messages (TLS 1.3 session tickets) the client has read.
     * The server side goes through the transport; the directly driven engine of another pair is the same engine,
     * handshaken the same way.
     */
    private static Pair handshaken(String protocol) throws Exception {
        Pair p = new Pair(protocol);
        ByteBuffer toServer = ByteBuffer.allocate(1 << 17);
        ByteBuffer fromServer = ByteBuffer.allocate(1 << 17);
        ByteBuffer plain = ByteBuffer.allocate(1 << 17);
        ByteBuffer serverPlain = ByteBuffer.allocate(1 << 15);
        p.client.beginHandshake();
        for (int step = 0; step < 100; step++) {
            runTasks(p.client);
            boolean sent = false;
            while (p.client.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                p.client.wrap(ByteBuffer.allocate(0), toServer);
                runTasks(p.client);
                sent = true;
            }
            toServer.flip();
            byte[] bytes = new byte[toServer.remaining()];
            toServer.get(bytes).clear();
            p.wire.feed(ByteBuffer.wrap(bytes));
            serverPlain.clear();
            assertEquals(0, p.server.read(serverPlain));
            p.server.writeBuffered();
            byte[] out = p.wire.takeCollected();
            fromServer.put(out).flip();
            while (fromServer.hasRemaining() && p.client.getHandshakeStatus() != HandshakeStatus.NEED_WRAP) {
                if (p.client.unwrap(fromServer, plain).getStatus() != SSLEngineResult.Status.OK) {
                    break;
                }
                runTasks(p.client);
            }
            fromServer.compact();
            if (p.server.established() && !sent && out.length == 0 && fromServer.position() == 0
                    && p.client.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING) {
                assertEquals(protocol, p.serverEngine.getSession().getProtocol());
                return p;
            }
        }
        throw new AssertionError("no handshake");
    }

    private static void runTasks(SSLEngine engine) {
        for (Runnable t = engine.getDelegatedTask(); t != null; t = engine.getDelegatedTask()) {
            t.run();
        }
    }

    /** The client accepts the test certificate without checking it: records are measured here, not trust. */
    private static final class TrustAny implements X509TrustManager {
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType) { }
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType) { }
        @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
    }
}
