package io.ringside;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringside.server.ServerStats;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The process-wide output budget against 2,000 clients that pipeline requests and never read their replies, beside
 * fast clients on the same workers. Each request gets a 4 KiB reply, so the slow clients ask for 512 MiB in all;
 * the budget is 16 MiB. Checked: the framework's own count of queued output never passes the budget by more than
 * one write batch per connection, direct memory and RSS stay under their bounds, the fast clients get every reply
 * right, the slow readers are paused and then closed with OUTPUT_BUDGET, and the count is back to 0 at the end.
 *
 * <p>Threading: the test's thread drives the slow clients, a pool runs the fast ones, one thread samples the count.
 */
@Timeout(180)
class OutputBudgetTest extends LoopbackServerTest {
    static final int REPLY = 4096;
    private static final int SLOW = 2000;
    private static final int REQUESTS_PER_SLOW = 64;
    private static final int FAST = 8;
    private static final int FAST_ROUNDS = 40;
    private static final int FAST_WINDOW = 10;
    private static final long BUDGET = 16L << 20;
    private static final int LINES_PER_WAKEUP = 4;
    private static final int WRITE_BUFFER = 4096;
    /**
     * The stated bounds on how much direct buffer memory and the JVM's resident set grow during the run (the budget,
     * buffers rounded up to whole pooled buffers, the pools, 4,000 sockets, heap). Without the budget the same run
     * grew direct memory to 429 MiB and RSS to 1,184 MiB; with it, 75 MiB and 365 MiB (the README has the figures).
     */
    private static final long DIRECT_BOUND = 128L << 20;
    private static final long RSS_GROWTH_BOUND = 512L << 20;

    /** Answers each line with the line, a space and filler: {@value #REPLY} bytes with the newline. */
    static final class Amplifier extends LineHandler {
        @Override
        public void onLine(Connection c, ByteSpan line) {
            c.write(reply(line.toString(StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    static String reply(String request) {
        StringBuilder b = new StringBuilder(REPLY).append(request).append(' ');
        while (b.length() < REPLY - 1) {
            b.append((char) ('a' + b.length() % 26));
        }
        return b.append('\n').toString();
    }

    @Test
    void slowReadersArePausedThenClosedAndTheBudgetHoldsWhileFastClientsAreServed() throws Exception {
        InetSocketAddress address = start(Amplifier::new, "MAX_BUFFERED_OUTPUT_BYTES", String.valueOf(BUDGET),
                "OUTPUT_BUDGET_GRACE", "2s", "SEND_BUFFER_BYTES", "32k", "LINES_PER_WAKEUP", String.valueOf(LINES_PER_WAKEUP),
                "WRITE_BUFFER_BYTES", String.valueOf(WRITE_BUFFER), "MAX_CONNECTIONS", "5000");
        assertEquals(BUDGET, server.outputBudgetBytes());
        long batch = (long) LINES_PER_WAKEUP * REPLY;
        long countBound = BUDGET + (SLOW + FAST) * batch;
        AtomicLong maxCounted = new AtomicLong();
        AtomicLong maxDirect = new AtomicLong();
        AtomicLong maxRss = new AtomicLong();
        long rssBefore = rssBytes();
        long directBefore = directUsed();
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> sample(sampling, maxCounted, maxDirect, maxRss), "budget-sampler");
        sampler.start();
        ExecutorService pool = Executors.newFixedThreadPool(FAST);
        List<SocketChannel> slow = new ArrayList<>();
        try {
            List<Future<Long>> fast = new ArrayList<>();
            for (int i = 0; i < FAST; i++) {
                int id = i;
                fast.add(pool.submit(() -> fastClient(address, id)));
            }
            byte[] requests = requests();
            for (int i = 0; i < SLOW; i++) {
                SocketChannel ch = SocketChannel.open();
                ch.setOption(StandardSocketOptions.SO_RCVBUF, 4096); // a reader that never reads, with a small window
                ch.connect(address);
                ch.write(ByteBuffer.wrap(requests));
                slow.add(ch);
            }
            long verified = 0;
            for (Future<Long> f : fast) {
                verified += f.get(120, TimeUnit.SECONDS);
            }
            assertEquals((long) FAST * FAST_ROUNDS * FAST_WINDOW * REPLY, verified, "every fast reply, byte for byte");
            await(() -> server.stats().closed(CloseReason.OUTPUT_BUDGET) > 0, "slow readers closed by the budget");
            ServerStats s = server.stats();
            assertTrue(s.get(Metric.OUTPUT_BUDGET_PAUSES) >= s.closed(CloseReason.OUTPUT_BUDGET), "closed only after a pause");
            assertEquals(0, s.closed(CloseReason.OUTPUT_OVERFLOW), "the hard cap was never needed");
        } finally {
            sampling.set(false);
            sampler.join(5_000);
            pool.shutdownNow();
            for (SocketChannel ch : slow) {
                ch.close();
            }
        }
        System.out.printf("output budget %d MiB: counted at most %d bytes (bound %d), direct memory at most %d MiB, RSS at most %d MiB"
                        + " (%d MiB before),"
                        + " %d slow readers closed (OUTPUT_BUDGET), %d pauses%n", BUDGET >> 20, maxCounted.get(), countBound,
                maxDirect.get() >> 20, maxRss.get() >> 20, rssBefore >> 20, server.stats().closed(CloseReason.OUTPUT_BUDGET),
                server.stats().get(Metric.OUTPUT_BUDGET_PAUSES));
        assertTrue(maxCounted.get() > BUDGET, "the slow readers did push the count past the budget: " + maxCounted.get());
        assertTrue(maxCounted.get() <= countBound, "queued output " + maxCounted.get() + " passed budget + one batch per connection " + countBound);
        assertTrue(maxDirect.get() - directBefore <= DIRECT_BOUND, "direct memory grew from " + directBefore + " to " + maxDirect.get());
        assertTrue(maxRss.get() - rssBefore <= RSS_GROWTH_BOUND, "RSS grew from " + rssBefore + " to " + maxRss.get());
        await(() -> server.stats().openConnections() == 0, "every connection closed");
        assertEquals(0, server.bufferedOutputBytes(), "the budget's count returns to 0 with its connections");
    }

    @Test
    void pausedReadersThatCatchUpBeforeTheGraceAreServedInFull() throws Exception {
        start(Amplifier::new, "MAX_BUFFERED_OUTPUT_BYTES", "1m", "OUTPUT_BUDGET_GRACE", "10s", "SEND_BUFFER_BYTES", "32k",
                "LINES_PER_WAKEUP", String.valueOf(LINES_PER_WAKEUP), "WRITE_BUFFER_BYTES", String.valueOf(WRITE_BUFFER));
        List<Socket> late = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                Socket s = new Socket();
                s.setReceiveBufferSize(4096);
                s.connect(server.localAddress());
                s.setSoTimeout(30_000);
                s.getOutputStream().write(requests());
                late.add(s);
            }
            await(() -> server.stats().get(Metric.OUTPUT_BUDGET_PAUSES) > 0 && server.bufferedOutputBytes() > (1 << 20),
                    "readers paused past the budget");
            for (Socket s : late) { // now they read, well within the grace
                StringBuilder want = new StringBuilder();
                for (int r = 0; r < REQUESTS_PER_SLOW; r++) {
                    want.append(reply("slow-" + r));
                }
                byte[] expected = want.toString().getBytes(StandardCharsets.ISO_8859_1);
                assertArrayEquals(expected, s.getInputStream().readNBytes(expected.length), "every reply, in order");
            }
        } finally {
            for (Socket s : late) {
                s.close();
            }
        }
        assertEquals(0, server.stats().closed(CloseReason.OUTPUT_BUDGET), "paused, never closed");
    }

    private static byte[] requests() {
        StringBuilder b = new StringBuilder();
        for (int r = 0; r < REQUESTS_PER_SLOW; r++) {
            b.append("slow-").append(r).append('\n');
        }
        return b.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Rounds of a pipelined window of requests, every reply read and compared; returns the bytes verified. */
    private static long fastClient(InetSocketAddress address, int id) throws IOException {
        long verified = 0;
        try (Socket s = new Socket(address.getAddress(), address.getPort())) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            for (int round = 0; round < FAST_ROUNDS; round++) {
                StringBuilder req = new StringBuilder();
                StringBuilder expected = new StringBuilder();
                for (int k = 0; k < FAST_WINDOW; k++) {
                    String line = "fast-" + id + "-" + round + "-" + k;
                    req.append(line).append('\n');
                    expected.append(reply(line));
                }
                out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
                byte[] want = expected.toString().getBytes(StandardCharsets.ISO_8859_1);
                byte[] got = in.readNBytes(want.length);
                assertArrayEquals(want, got, "fast client " + id + " round " + round);
                verified += got.length;
            }
        }
        return verified;
    }

    private void sample(AtomicBoolean on, AtomicLong counted, AtomicLong direct, AtomicLong rss) {
        for (int i = 0; on.get() && i < 600_000; i++) {
            counted.accumulateAndGet(server.bufferedOutputBytes(), Math::max);
            if (i % 20 == 0) {
                direct.accumulateAndGet(directUsed(), Math::max);
                rss.accumulateAndGet(rssBytes(), Math::max);
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static long directUsed() {
        return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
    }

    /** VmRSS of this process from /proc (Linux, the only platform these tests run on). */
    static long rssBytes() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException e) {
            throw new AssertionError("cannot read /proc/self/status", e);
        }
        throw new AssertionError("no VmRSS in /proc/self/status");
    }
}
