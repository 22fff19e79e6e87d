package io.ringside.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringside.loadgen.LoadGenerator;
import io.ringside.loadgen.LoadOptions;
import io.ringside.loadgen.LoadReport;
import io.ringside.loadgen.ReplyMode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code ringside.jar proxy} as operators run it: a separate process relaying to an echo server started by the test. */
@Timeout(300)
class ProxyIT {
    private static final Pattern SUMMARY = Pattern.compile(
            "proxy: relayed (\\d+) connections \\((\\d+) connects failed, (\\d+) TLS handshakes failed\\), reading paused (\\d+) times"
                    + " for back-pressure,"
                    + " largest pending output (\\d+) bytes");

    private static void assertCleanLog(String log) {
        assertFalse(log.contains(" ERROR "), log);
        assertFalse(log.contains("Exception"), log);
        assertFalse(log.contains("\tat "), log);
    }

    /** The proxy's stop line: relays, connect failures, read pauses, largest pending output, TLS handshake failures. */
    private static long[] summary(String log) {
        Matcher m = SUMMARY.matcher(log);
        assertTrue(m.find(), "no relay summary in the log:\n" + log);
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(4)),
                Long.parseLong(m.group(5)), Long.parseLong(m.group(3))};
    }

    private static String target(ByteEchoServer echo) throws IOException {
        return "127.0.0.1:" + echo.address().getPort();
    }

    @Test
    void aThousandRelayedConnectionsCarryEveryByteInOrderAndBinaryStreamsHalfCloseThrough() throws Exception {
        try (ByteEchoServer echo = ByteEchoServer.start();
             DaemonProcess proxy = DaemonProcess.start(0, "proxy", "--to", target(echo), "--workers", "2")) {
            LoadOptions options = LoadOptions.builder(proxy.port).conns(1000).depth(8).size(32).seconds(4)
                    .mode(ReplyMode.ECHO).quiet(true).build();
            LoadReport report = LoadGenerator.run(options);
            System.out.println("through the proxy: " + report.summary());
            assertTrue(report.ok(), report.summary());
            assertEquals(0, report.errors());
            assertTrue(report.requests() > 8000, report.summary());

            int streams = 100;
            long seed = new Random().nextLong();
            ExecutorService pool = Executors.newFixedThreadPool(2 * streams);
            try {
                List<Future<byte[]>> received = new ArrayList<>();
                for (int i = 0; i < streams; i++) {
                    received.add(binaryRoundTrip(pool, proxy.port, random(seed + i, 256 * 1024 + i)));
                }
                for (int i = 0; i < streams; i++) {
                    assertArrayEquals(random(seed + i, 256 * 1024 + i), received.get(i).get(120, TimeUnit.SECONDS),
                            "stream " + i + " (seed " + seed + "): every byte back, in order, then the end of stream");
                }
            } finally {
                pool.shutdownNow();
            }
            assertEquals(1000 + streams, echo.accepted(), "one target connection per client");
            assertEquals(0, proxy.terminate(30));
            String log = proxy.log();
            assertCleanLog(log);
            long[] s = summary(log);
            assertEquals(1000 + streams, s[0], log);
            assertEquals(0, s[1], log);
        }
    }

    private static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Sends {@code bytes} then half-closes, while another thread reads the echo until the end of stream. */
    private static Future<byte[]> binaryRoundTrip(ExecutorService pool, int port, byte[] bytes) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(60_000);
        pool.submit(() -> {
            OutputStream out = s.getOutputStream();
            for (int at = 0; at < bytes.length; at += 10_000) {
                out.write(bytes, at, Math.min(10_000, bytes.length - at));
            }
            s.shutdownOutput(); // the relay passes the FIN on; the echo answers with its own after the last byte
            return null;
        });
        return pool.submit(() -> {
            try (s) {
                InputStream in = s.getInputStream();
                return in.readAllBytes();
            }
        });
    }

    @Test
    void aClientThatStopsReadingNeverGrowsTheRelayPastItsWatermarks() throws Exception {
        long high = 64 * 1024;
        long readBuffer = 16 * 1024;
        try (ByteEchoServer echo = ByteEchoServer.start();
             DaemonProcess proxy = DaemonProcess.start(0, "proxy", "--to", target(echo), "--workers", "1",
                     "--output-high-watermark", "64k", "--output-low-watermark", "16k", "--read-buffer-bytes", "16k");
             DaemonStats stats = DaemonStats.attach(proxy);
             SocketChannel client = SocketChannel.open(new InetSocketAddress("127.0.0.1", proxy.port))) {
            client.configureBlocking(false);
            long sent = writeUntilStalled(client);
            long inBefore = stats.counter("BYTES_IN");
            Thread.sleep(500);
            long in = stats.counter("BYTES_IN");
            long held = in - stats.counter("BYTES_OUT") - stats.counter("BYTES_UNFLUSHED");
            System.out.println("stalled after " + sent + " bytes; the relay holds " + held + " bytes");
            assertEquals(inBefore, in, "the relay stopped reading while the client does not read");
            assertTrue(held <= 2 * (high + readBuffer), "the relay holds " + held + " bytes for one connection");
            assertTrue(sent > 4 * (high + readBuffer), "stalled after only " + sent + " bytes");

            stats.close();

            client.configureBlocking(true);
            client.shutdownOutput();
            assertEquals(sent, readBackPattern(client), "once the client reads, every byte comes back in order");
            assertEquals(0, proxy.terminate(30));
            String log = proxy.log();
            assertCleanLog(log);
            long[] s = summary(log);
            assertTrue(s[2] > 0, "reading was paused for back-pressure: " + log);
            assertTrue(s[3] <= high + readBuffer, "pending output reached " + s[3] + " bytes: " + log);
        }
    }

    /** Writes a byte pattern until the socket took nothing for a second (bounded: 512 MiB, 60 s); returns the count. */
    private static long writeUntilStalled(SocketChannel client) throws Exception {
        ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
        long sent = 0;
        long stalledSince = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            assertTrue(System.nanoTime() < deadline && sent < (512L << 20), "never stalled after " + sent + " bytes");
            if (!chunk.hasRemaining() || chunk.position() == 0) {
                chunk.clear();
                for (int i = 0; i < chunk.capacity(); i++) {
                    chunk.put(i, patternByte(sent + i));
                }
            }
            int n = client.write(chunk);
            sent += n;
            if (n > 0) {
                stalledSince = 0;
            } else if (stalledSince == 0) {
                stalledSince = System.nanoTime();
            } else if (System.nanoTime() - stalledSince > TimeUnit.SECONDS.toNanos(1)) {
                return sent;
            } else {
                Thread.sleep(5);
            }
        }
    }

    private static long readBackPattern(SocketChannel client) throws IOException {
        ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        long received = 0;
        for (int n; (n = client.read(in.clear())) >= 0; ) {
            for (int i = 0; i < n; i++) {
                if (in.get(i) != patternByte(received + i)) {
                    throw new AssertionError("byte " + (received + i) + " differs");
                }
            }
            received += n;
        }
        return received;
    }

    private static byte patternByte(long at) {
        return (byte) (at * 31 + (at >>> 9));
    }
}
