package io.ringside;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringside.server.RingsideServer;
import io.ringside.server.ServerStats;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hostile and broken clients against a real server on loopback: it keeps serving, bounded, and loses nothing. */
@Timeout(120)
class HostileClientsTest extends LoopbackServerTest {
    private static String readAll(Socket s) throws IOException {
        s.setSoTimeout(20_000);
        return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void floodsOfLinesWithoutNewlineAreCutOffWithAnErrorWhileOthersAreServed() throws Exception {
        InetSocketAddress address = start(EchoHandler::new);
        int flooders = 200;
        List<SocketChannel> floods = new ArrayList<>();
        for (int i = 0; i < flooders; i++) {
            floods.add(SocketChannel.open(address));
        }
        long directBefore = directMemoryUsed();
        ByteBuffer mib = ByteBuffer.allocate(1 << 20);
        while (mib.hasRemaining()) {
            mib.put((byte) 'x');
        }
        long sent = 0;
        for (SocketChannel ch : floods) {
            mib.clear();
            try {
                while (mib.hasRemaining()) {
                    sent += ch.write(mib); // blocking: ends when the server closes (reset) or all is sent
                }
            } catch (IOException closedByServer) {
                // expected once the server has read past the limit and closed
            }
        }
        long verified = PipelinedClients.exchange(address, 20, 100, 32, l -> l, 60_000);
        assertEquals(20L * 100 * 32, verified, "echo clients unaffected");
        String error = "ERROR line too long (max 8192 bytes)\n";
        int replies = 0;
        int resets = 0;
        for (SocketChannel ch : floods) {
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            boolean reset = readUntilEndOrReset(ch.socket(), got);
            String reply = got.toString(StandardCharsets.ISO_8859_1);
            if (reset) {
                // The server closed with unread bytes of ours in its socket: the kernel sent RST, which may
                // have overtaken the error reply. Whatever arrived before it is the start of that reply.
                resets++;
                assertTrue(error.startsWith(reply), "before the reset: " + reply);
            } else {
                replies++;
                assertEquals(error, reply, "a flooder that was not reset gets the whole error reply, then EOF");
            }
            // Either way the server closed this connection, and it counts a close before the peer can see it.
            long tooLong = server.stats().closed(CloseReason.LINE_TOO_LONG);
            assertTrue(tooLong >= replies + resets, replies + resets + " flooders saw their close, the server counted "
                    + tooLong + " LINE_TOO_LONG closes");
            ch.close();
        }
        System.out.printf("flooders: %d got the error reply, %d were reset%n", replies, resets);
        await(() -> server.stats().closed(CloseReason.LINE_TOO_LONG) == flooders, "every flooder closed");
        await(() -> server.stats().closed(CloseReason.PEER_CLOSED) == 20, "every echo client closed");
        ServerStats stats = server.stats();
        assertEquals(flooders + 20, stats.get(Metric.CLOSED), "no connection closed for another reason: " + stats);
        assertEquals(0, stats.get(Metric.HANDLER_ERRORS), stats.toString());
        long directGrowth = directMemoryUsed() - directBefore;
        assertTrue(directGrowth < 32L << 20, "direct buffer memory grew by " + directGrowth + " bytes after " + sent + " bytes without newline");
    }

    /** Reads everything into {@code got} until EOF; true when a reset ended it instead. Bounded by a 20 s timeout. */
    private static boolean readUntilEndOrReset(Socket s, ByteArrayOutputStream got) throws IOException {
        s.setSoTimeout(20_000);
        InputStream in = s.getInputStream();
        byte[] buf = new byte[512];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                got.write(buf, 0, n);
                if (got.size() > 1 << 20) {
                    throw new AssertionError("the server sent more than 1 MiB to a flooder");
                }
            }
            return false;
        } catch (SocketException reset) {
            return true;
        }
    }

    private static long directMemoryUsed() {
        return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
    }

    @Test
    void idleConnectionsAreClosedAndCounted() throws Exception {
        InetSocketAddress address = start(EchoHandler::new, "IDLE_TIMEOUT", "300ms");
        try (Socket idle = new Socket(address.getAddress(), address.getPort());
             Socket busy = new Socket(address.getAddress(), address.getPort())) {
            busy.setSoTimeout(10_000);
            for (int i = 0; i < 8; i++) {
                busy.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals("ping\n", new String(busy.getInputStream().readNBytes(5), StandardCharsets.US_ASCII));
                Thread.sleep(100);
            }
            assertEquals("", readAll(idle), "closed without a reply");
            assertEquals(1, server.stats().closed(CloseReason.IDLE_TIMEOUT), "only the idle one");
        }
    }

    @Test
    void byteAtATimeSendersAreClosedByTheLineTimeout() throws Exception {
        InetSocketAddress address = start(EchoHandler::new, "LINE_TIMEOUT", "400ms", "IDLE_TIMEOUT", "0");
        try (Socket slow = new Socket(address.getAddress(), address.getPort())) {
            OutputStream out = slow.getOutputStream();
            try {
                for (int i = 0; i < 100 && server.stats().closed(CloseReason.LINE_TIMEOUT) == 0; i++) {
                    out.write('z');
                    out.flush();
                    Thread.sleep(50);
                }
            } catch (SocketException closed) {
                // the server closed it
            }
            await(() -> server.stats().closed(CloseReason.LINE_TIMEOUT) == 1, "line timeout");
            assertEquals("", readAll(slow));
        }
    }

    @Test
    void aClientThatNeverReadsStopsBeingReadAtTheHighWatermarkAndLosesNothing() throws Exception {
        InetSocketAddress address = start(EchoHandler::new, "WORKERS", "1", "OUTPUT_HIGH_WATERMARK", "64k",
                "OUTPUT_LOW_WATERMARK", "16k", "OUTPUT_HARD_CAP", "1m");
        int lines = 400_000; // 12.8 MB of echo: far more than the kernel's socket buffers hold
        byte[] all = new byte[lines * 32];
        for (int i = 0; i < lines; i++) {
            System.arraycopy(PipelinedClients.line(7, i, 32).getBytes(StandardCharsets.US_ASCII), 0, all, i * 32, 32);
        }
        try (SocketChannel ch = SocketChannel.open(address)) {
            ch.configureBlocking(false);
            ByteBuffer out = ByteBuffer.wrap(all);
            int stalls = 0;
            while (out.hasRemaining() && stalls < 200) {
                stalls = ch.write(out) == 0 ? stalls + 1 : 0;
                Thread.sleep(stalls == 0 ? 0 : 5);
            }
            assertTrue(out.hasRemaining(), "the server kept reading from a client that never reads");
            ServerStats paused = server.stats();
            long heldByServer = paused.get(Metric.BYTES_IN) - paused.get(Metric.BYTES_OUT);
            assertTrue(heldByServer <= 64 * 1024 + 16 * 1024 + 32, "server holds " + heldByServer + " bytes for the client");
            assertEquals(0, paused.get(Metric.CLOSED));
            // now read: every byte comes back, in order, and the rest of the input is consumed
            ByteBuffer in = ByteBuffer.allocate(all.length);
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (in.hasRemaining() && System.nanoTime() < deadline) {
                if (out.hasRemaining()) {
                    ch.write(out);
                }
                if (ch.read(in) == 0) {
                    Thread.sleep(1);
                }
            }
            assertEquals(ByteBuffer.wrap(all), in.flip(), "echo of 12.8 MB after the pause");
        }
    }

    @Test
    void outputPastTheHardCapClosesTheConnection() throws Exception {
        byte[] chunk = new byte[64 * 1024];
        InetSocketAddress address = start(() -> new LineHandler() {
            @Override
            public void onLine(Connection c, ByteSpan line) {
                for (int i = 0; i < 32 && c.isOpen(); i++) { // 2 MiB for one line: no watermark can stop that
                    c.write(chunk);
                }
            }
        }, "OUTPUT_HARD_CAP", "1m");
        try (Socket s = new Socket(address.getAddress(), address.getPort())) {
            s.getOutputStream().write("gimme\n".getBytes(StandardCharsets.US_ASCII));
            await(() -> server.stats().closed(CloseReason.OUTPUT_OVERFLOW) == 1, "overflow close");
        }
    }

    @Test
    void connectionLimitsRefuseTheExcessWithOneLineAndCountExactly() throws Exception {
        InetSocketAddress address = start(EchoHandler::new, "MAX_CONNECTIONS", "10", "MAX_CONNECTIONS_PER_ADDRESS", "6");
        List<Socket> kept = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                kept.add(new Socket(address.getAddress(), address.getPort()));
            }
            await(() -> server.stats().openConnections() == 6, "6 open");
            try (Socket sixth = new Socket(address.getAddress(), address.getPort())) {
                assertEquals("ERROR too many connections from 127.0.0.1\n", readAll(sixth));
            }
            InetAddress other = InetAddress.getByName("127.0.0.2");
            for (int i = 0; i < 4; i++) {
                kept.add(new Socket(address.getAddress(), address.getPort(), other, 0));
            }
            await(() -> server.stats().openConnections() == 10, "10 open");
            for (int i = 0; i < 3; i++) {
                try (Socket excess = new Socket(address.getAddress(), address.getPort(), InetAddress.getByName("127.0.0.3"), 0)) {
                    assertEquals("ERROR too many connections\n", readAll(excess));
                }
            }
            for (Socket s : kept) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write("still served\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals("still served\n", new String(s.getInputStream().readNBytes(13), StandardCharsets.US_ASCII));
            }
            assertEquals(4, server.stats().get(Metric.REFUSED));
        } finally {
            for (Socket s : kept) {
                s.close();
            }
        }
        await(() -> server.stats().openConnections() == 0, "all closed");
        try (Socket again = new Socket(address.getAddress(), address.getPort())) {
            again.setSoTimeout(10_000);
            again.getOutputStream().write("room again\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("room again\n", new String(again.getInputStream().readNBytes(11), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void resetsAndHalfClosesLeaveNothingBehind() throws Exception {
        InetSocketAddress address = start(EchoHandler::new);
        long fdsBefore = openDescriptors();
        byte[] lines = "one\ntwo\nthree\npartial".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 3000; i++) {
            Socket s = new Socket(address.getAddress(), address.getPort());
            s.getOutputStream().write(lines);
            if (i % 3 == 1) {
                s.shutdownOutput(); // half-close, then reset
            }
            if (i % 3 != 2) {
                s.setSoLinger(true, 0); // close() sends RST
            }
            s.close();
        }
        // the acceptor may still be taking the last ones from the backlog: wait for all 3,000, then for the closes
        await(() -> server.stats().get(Metric.ACCEPTED) == 3000, "3,000 accepted");
        await(() -> server.stats().get(Metric.CLOSED) == 3000, "3,000 closed");
        await(() -> openDescriptors() <= fdsBefore + 2, "descriptors back to the baseline of " + fdsBefore);
        ServerStats stats = server.stats();
        assertEquals(0, stats.openConnections(), stats.toString());
        assertEquals(3000, stats.get(Metric.OPENED), stats.toString());
    }

    private static long openDescriptors() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aThrowingHandlerClosesOnlyItsConnectionAndABlockingOneIsReported() throws Exception {
        InetSocketAddress address = start(() -> new LineHandler() {
            @Override
            public void onLine(Connection c, ByteSpan line) {
                if (line.equalsAscii("throw")) {
                    throw new IllegalStateException("handler bug");
                } else if (line.equalsAscii("block")) {
                    try {
                        Thread.sleep(700);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                c.writeLine(line);
            }
        }, "WORKERS", "1", "LOOP_LAG_WARNING", "300ms");
        try (Socket bad = new Socket(address.getAddress(), address.getPort());
             Socket good = new Socket(address.getAddress(), address.getPort())) {
            bad.getOutputStream().write("ok\nthrow\nnever\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("ok\n", readAll(bad));
            good.setSoTimeout(10_000);
            good.getOutputStream().write("block\nafter\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("block\nafter\n", new String(good.getInputStream().readNBytes(12), StandardCharsets.US_ASCII));
        }
        // counters are published by the worker after the reply left: wait for them, do not race them
        await(() -> server.stats().get(Metric.LOOP_LAG_WARNINGS) == 1, "one loop-lag warning");
        ServerStats stats = server.stats();
        assertEquals(1, stats.closed(CloseReason.HANDLER_ERROR));
        assertEquals(1, stats.get(Metric.HANDLER_ERRORS));
    }

    @Test
    void onePipeliningClientCannotStarveTheOthersOfItsWorker() throws Exception {
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        InetSocketAddress address = start(() -> new LineHandler() {
            @Override
            public void onLine(Connection c, ByteSpan line) {
                order.add(line.toString(StandardCharsets.US_ASCII));
                if (line.startsWithAscii("hog")) {
                    java.util.concurrent.locks.LockSupport.parkNanos(50_000); // the hog's 4,000 lines take 200+ ms
                }
                c.writeLine(line);
            }
        }, "WORKERS", "1", "LINES_PER_WAKEUP", "4", "READ_BUFFER_BYTES", "1m");
        try (Socket hog = new Socket(address.getAddress(), address.getPort());
             Socket other = new Socket(address.getAddress(), address.getPort())) {
            await(() -> server.stats().openConnections() == 2, "both registered");
            StringBuilder batch = new StringBuilder();
            for (int i = 0; i < 4000; i++) {
                batch.append("hog ").append(i).append('\n');
            }
            hog.getOutputStream().write(batch.toString().getBytes(StandardCharsets.US_ASCII));
            other.getOutputStream().write("other\n".getBytes(StandardCharsets.US_ASCII));
            other.setSoTimeout(10_000);
            assertEquals("other\n", new String(other.getInputStream().readNBytes(6), StandardCharsets.US_ASCII));
            hog.setSoTimeout(10_000);
            InputStream in = hog.getInputStream();
            assertEquals(batch.toString(), new String(in.readNBytes(batch.length()), StandardCharsets.US_ASCII));
        }
        int otherAt = order.indexOf("other");
        assertTrue(otherAt >= 0 && otherAt < 2000, "the other client's line was served at position " + otherAt + " of 4001");
    }

    @Test
    void garbageBytesAreEchoedByteExact() throws Exception {
        InetSocketAddress address = start(EchoHandler::new);
        long seed = System.nanoTime();
        Random r = new Random(seed);
        byte[] garbage = new byte[200_000];
        r.nextBytes(garbage);
        garbage[garbage.length - 1] = '\n';
        for (int i = 0, run = 0; i < garbage.length; i++) { // keep every line under the maximum
            run = garbage[i] == '\n' ? 0 : run + 1;
            if (run == 4000) {
                garbage[i] = '\n';
                run = 0;
            }
        }
        try (Socket s = new Socket(address.getAddress(), address.getPort())) {
            s.setSoTimeout(20_000);
            Thread writer = new Thread(() -> {
                try {
                    s.getOutputStream().write(garbage);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            writer.start();
            byte[] back = s.getInputStream().readNBytes(garbage.length);
            writer.join();
            assertTrue(java.util.Arrays.equals(garbage, back), "echo differs, seed " + seed);
        }
    }

    @Test
    void countersAreReadableOverJmx() throws Exception {
        InetSocketAddress address = start(EchoHandler::new);
        PipelinedClients.exchange(address, 3, 5, 32, l -> l, 10_000);
        ObjectName name = new ObjectName("io.ringside:type=RingsideServer,port=" + address.getPort());
        javax.management.openmbean.TabularData counters =
                (javax.management.openmbean.TabularData) ManagementFactory.getPlatformMBeanServer().getAttribute(name, "Counters");
        Object lines = counters.get(new Object[] {"LINES_IN"}).get("value");
        assertEquals(15L, lines);
    }

    /** Byte-exact echo. */
    static final class EchoHandler extends LineHandler {
        @Override
        public void onLine(Connection c, ByteSpan line) {
            c.writeLine(line);
        }
    }
}
