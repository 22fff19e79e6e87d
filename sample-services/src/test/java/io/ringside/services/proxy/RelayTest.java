package io.ringside.services.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringside.CloseReason;
import io.ringside.Metric;
import io.ringside.ServerConfig;
import io.ringside.Setting;
import io.ringside.server.RingsideServer;
import io.ringside.server.ServerStats;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The relay in-process on loopback, between test clients and a target the test plays. */
@Timeout(120)
class RelayTest {
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final RelayStats stats = new RelayStats();
    private RingsideServer relay;

    @AfterEach
    void tearDown() throws Exception {
        if (relay != null) {
            relay.stop(Duration.ofSeconds(5));
        }
        for (AutoCloseable r : resources) {
            r.close();
        }
    }

    private ServerSocket target() throws IOException {
        ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        resources.add(s);
        return s;
    }

    /** Starts the relay to {@code to}; settings as pairs of Setting name and value. */
    private InetSocketAddress startRelay(InetSocketAddress to, String... settings) throws IOException {
        ServerConfig.Builder b = ServerConfig.builder().set(Setting.PORT, "0").set(Setting.WORKERS, "2");
        for (int i = 0; i < settings.length; i += 2) {
            b.set(Setting.valueOf(settings[i]), settings[i + 1]);
        }
        relay = new RingsideServer(b.build(), () -> RelaySide.client(to, Duration.ofSeconds(5), stats)).start();
        return relay.localAddress();
    }

    private Socket client(InetSocketAddress relayAddress) throws IOException {
        Socket s = new Socket(relayAddress.getAddress(), relayAddress.getPort());
        s.setSoTimeout(30_000);
        resources.add(s);
        return s;
    }

    private Socket accept(ServerSocket target) throws IOException {
        target.setSoTimeout(30_000);
        Socket s = target.accept();
        s.setSoTimeout(30_000);
        resources.add(s);
        return s;
    }

    private static InetSocketAddress addressOf(ServerSocket s) {
        return new InetSocketAddress(s.getInetAddress(), s.getLocalPort());
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    private static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Writes {@code bytes} on another thread (so both directions can flow at once). */
    private static CompletableFuture<Void> sendAsync(OutputStream out, byte[] bytes) {
        return CompletableFuture.runAsync(() -> {
            try {
                for (int at = 0; at < bytes.length; at += 7_777) {
                    out.write(bytes, at, Math.min(7_777, bytes.length - at));
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    @Test
    void everyByteValueGoesThroughBothWaysAtOnceUnchangedAndInOrder() throws Exception {
        ServerSocket target = target();
        Socket client = client(startRelay(addressOf(target)));
        Socket server = accept(target);
        long seed = new Random().nextLong();
        byte[] up = random(seed, 3_000_000);
        byte[] down = random(seed + 1, 2_000_000);
        CompletableFuture<Void> sendingUp = sendAsync(client.getOutputStream(), up);
        CompletableFuture<Void> sendingDown = sendAsync(server.getOutputStream(), down);
        assertArrayEquals(up, server.getInputStream().readNBytes(up.length), "client to target, seed " + seed);
        assertArrayEquals(down, client.getInputStream().readNBytes(down.length), "target to client, seed " + seed);
        sendingUp.get(30, TimeUnit.SECONDS);
        sendingDown.get(30, TimeUnit.SECONDS);
        assertEquals(1, stats.relays());
    }

    @Test
    void aClientsHalfCloseReachesTheTargetWhichStillAnswersThenBothClose() throws Exception {
        ServerSocket target = target();
        Socket client = client(startRelay(addressOf(target)));
        Socket server = accept(target);
        client.getOutputStream().write("request".getBytes(StandardCharsets.US_ASCII));
        client.shutdownOutput();
        assertEquals("request", new String(server.getInputStream().readAllBytes(), StandardCharsets.US_ASCII),
                "the request, then the end of stream");
        server.getOutputStream().write("the answer after the client's FIN".getBytes(StandardCharsets.US_ASCII));
        server.shutdownOutput();
        assertEquals("the answer after the client's FIN",
                new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
        await(() -> relay.stats().openConnections() == 0, "both sides closed");
        assertEquals(2, relay.stats().closed(CloseReason.PEER_CLOSED), relay.stats().toString());
        assertEquals(0, relay.stats().get(Metric.PARTIAL_LINES_DROPPED), "raw input is never a dropped line");
    }

    @Test
    void aTargetsHalfCloseReachesTheClientWhichStillSends() throws Exception {
        ServerSocket target = target();
        Socket client = client(startRelay(addressOf(target)));
        Socket server = accept(target);
        server.getOutputStream().write("banner".getBytes(StandardCharsets.US_ASCII));
        server.shutdownOutput();
        assertEquals("banner", new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
        client.getOutputStream().write("late upload".getBytes(StandardCharsets.US_ASCII));
        client.shutdownOutput();
        assertEquals("late upload", new String(server.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
        await(() -> relay.stats().openConnections() == 0, "both sides closed");
        assertEquals(2, relay.stats().closed(CloseReason.PEER_CLOSED), relay.stats().toString());
    }

    @Test
    void aResetOnEitherSideClosesTheOtherAtOnce() throws Exception {
        ServerSocket target = target();
        InetSocketAddress address = startRelay(addressOf(target));
        for (boolean clientResets : new boolean[] {true, false}) {
            Socket client = client(address);
            Socket server = accept(target);
            client.getOutputStream().write("x".getBytes(StandardCharsets.US_ASCII));
            assertEquals('x', server.getInputStream().read());
            Socket resetter = clientResets ? client : server;
            Socket other = clientResets ? server : client;
            resetter.setSoLinger(true, 0);
            resetter.close(); // an RST, not a FIN
            assertEndsWithoutData(other.getInputStream());
        }
        await(() -> relay.stats().openConnections() == 0, "every side closed");
        assertEquals(2, relay.stats().closed(CloseReason.IO_ERROR) + relay.stats().closed(CloseReason.PEER_CLOSED),
                relay.stats().toString());
        assertEquals(2, relay.stats().closed(CloseReason.LOCAL_CLOSE), "each reset side closed its partner: " + relay.stats());
    }

    private static void assertEndsWithoutData(InputStream in) throws IOException {
        try {
            assertEquals(-1, in.read(), "the other side was closed");
        } catch (SocketException reset) {
            // closed with a reset: as good an end as a FIN here
        }
    }

    @Test
    void aFailedConnectToTheTargetClosesTheClient() throws Exception {
        InetSocketAddress nobody;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nobody = addressOf(s);
        }
        Socket client = client(startRelay(nobody));
        client.getOutputStream().write("anyone?".getBytes(StandardCharsets.US_ASCII));
        assertEndsWithoutData(client.getInputStream());
        await(() -> relay.stats().openConnections() == 0, "both closed");
        assertEquals(1, relay.stats().closed(CloseReason.CONNECT_FAILED));
        assertEquals(1, stats.connectFailures());
    }

    @Test
    void aClientThatStopsReadingStallsTheRelayWithinItsWatermarksThenGetsEveryByte() throws Exception {
        ServerSocket target = target();
        InetSocketAddress address = startRelay(addressOf(target), "WORKERS", "1",
                "OUTPUT_HIGH_WATERMARK", "64k", "OUTPUT_LOW_WATERMARK", "16k", "READ_BUFFER_BYTES", "16k");
        SocketChannel client = SocketChannel.open(address);
        resources.add(client);
        Socket server = accept(target);
        Thread echo = new Thread(() -> echoUntilEnd(server), "test-echo-target");
        echo.start(); // a blocking echo: it stops reading while its writes block, as a real server does

        client.configureBlocking(false);
        long sent = 0;
        ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
        long stalledSince = 0;
        for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); sent < (512L << 20); ) {
            assertTrue(System.nanoTime() < deadline, "the client never stalled after " + sent + " bytes: the relay buffers without bound");
            fill(chunk, sent);
            int n = client.write(chunk);
            sent += n;
            if (n > 0) {
                stalledSince = 0;
            } else if (stalledSince == 0) {
                stalledSince = System.nanoTime();
            } else if (System.nanoTime() - stalledSince > TimeUnit.MILLISECONDS.toNanos(1000)) {
                break; // nothing taken for a second: every buffer on the way is full
            } else {
                Thread.sleep(5);
            }
        }
        long limit = 64 * 1024 + 16 * 1024; // high watermark plus one read buffer, per direction
        ServerStats before = relay.stats();
        Thread.sleep(300);
        ServerStats after = relay.stats();
        assertEquals(before.get(Metric.BYTES_IN), after.get(Metric.BYTES_IN), "the relay stopped reading");
        long held = after.get(Metric.BYTES_IN) - after.get(Metric.BYTES_OUT);
        System.out.println("stalled after " + sent + " bytes sent; the relay holds " + held + " bytes; " + stats.summary());
        assertTrue(held <= 2 * limit, "the relay holds " + held + " bytes for one relayed connection, more than 2 x " + limit);
        assertTrue(stats.peakPendingOutput() <= limit, "pending output reached " + stats.peakPendingOutput());
        assertTrue(stats.readPauses() > 0, "reading was paused for back-pressure: " + stats.summary());
        assertTrue(sent > 4 * limit, "the stall came from the kernel buffers and the relay, after " + sent + " bytes");

        client.configureBlocking(true);
        client.shutdownOutput();
        long received = 0;
        ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        for (int n; (n = client.read(in.clear())) >= 0; ) {
            for (int i = 0; i < n; i++) {
                assertEquals(patternByte(received + i), in.get(i), "byte " + (received + i));
            }
            received += n;
        }
        assertEquals(sent, received, "every byte came back through the relay, in order");
        echo.join(10_000);
    }

    private static void fill(ByteBuffer chunk, long offset) {
        if (chunk.hasRemaining() && chunk.position() > 0) {
            return; // the rest of the last chunk is still to be written
        }
        chunk.clear();
        for (int i = 0; i < chunk.capacity(); i++) {
            chunk.put(i, patternByte(offset + i));
        }
    }

    private static byte patternByte(long at) {
        return (byte) (at * 31 + (at >>> 9));
    }

    private static void echoUntilEnd(Socket s) {
        byte[] buf = new byte[8192];
        try {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.write(buf, 0, n);
            }
            s.shutdownOutput();
        } catch (IOException e) {
            // the test fails on its own side if the stream is cut
        }
    }

    @Test
    void aStopEndsOpenRelaysCleanly() throws Exception {
        ServerSocket target = target();
        Socket client = client(startRelay(addressOf(target)));
        Socket server = accept(target);
        client.getOutputStream().write("hi".getBytes(StandardCharsets.US_ASCII));
        assertEquals("hi", new String(server.getInputStream().readNBytes(2), StandardCharsets.US_ASCII));
        assertTrue(relay.stop(Duration.ofSeconds(10)), "a clean drain, not its deadline: " + relay.stats());
        assertEquals(-1, client.getInputStream().read());
        assertEquals(-1, server.getInputStream().read());
        assertEquals(2, relay.stats().closed(CloseReason.SERVER_STOP), relay.stats().toString());
    }
}
