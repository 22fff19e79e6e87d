package io.ringside;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringside.server.ServerStats;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Rate limits on a real server: a connection over its line or byte rate is slowed (reading paused, every line still
 * answered in order), one that keeps going past {@code rate-limit-grace} is closed (RATE_LIMIT), an address's
 * connections share its rate, new connections past the per-address rate are refused; each counted, and other
 * clients unaffected. Speed is not asserted; the limiter's promise is: no more than one second's burst, plus the
 * rate for the time that passed, plus one batch (a read, or lines-per-wakeup lines) charged after the fact.
 *
 * <p>Threading: the test's thread and a small pool are the clients; the handlers run on the workers.
 */
@Timeout(120)
class RateLimitTest extends LoopbackServerTest {
    private static final int LINES_PER_WAKEUP = 64;

    /** Sends {@code lines} numbered lines at once, then reads every echo and checks it; returns seconds taken. */
    private static double pipeline(Socket s, String tag, int lines) throws IOException {
        long start = System.nanoTime();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < lines; i++) {
            b.append(tag).append('-').append(i).append('\n');
        }
        OutputStream out = s.getOutputStream();
        out.write(b.toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();
        BufferedReader in = reader(s);
        for (int i = 0; i < lines; i++) {
            assertEquals(tag + "-" + i, in.readLine(), tag + ": echo " + i + " in order");
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private static BufferedReader reader(Socket s) throws IOException {
        s.setSoTimeout(30_000);
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
    }

    private static Socket from(String source, InetSocketAddress server) throws IOException {
        Socket s = new Socket(server.getAddress(), server.getPort(), InetAddress.getByName(source), 0);
        s.setSoTimeout(30_000);
        return s;
    }

    @Test
    void aConnectionOverItsLineRateIsSlowedNotDropped() throws Exception {
        InetSocketAddress address = start(HostileClientsTest.EchoHandler::new, "RATE_LIMIT_LINES", "100");
        try (Socket s = new Socket(address.getAddress(), address.getPort())) {
            int lines = 300;
            double seconds = pipeline(s, "a", lines);
            assertTrue(lines <= 100 + 100 * seconds + LINES_PER_WAKEUP, lines + " lines in " + seconds + " s at 100 lines/s");
            assertEquals(1, pipeline(s, "after", 1) > 0 ? 1 : 0, "still open and served");
        }
        ServerStats st = server.stats();
        assertTrue(st.get(Metric.RATE_LIMIT_PAUSES) > 0, "paused and counted: " + st);
        assertEquals(0, st.closed(CloseReason.RATE_LIMIT), "not dropped");
    }

    @Test
    void aConnectionOverItsByteRateIsSlowedNotDropped() throws Exception {
        InetSocketAddress address = start(HostileClientsTest.EchoHandler::new, "RATE_LIMIT_BYTES", "64k");
        long start = System.nanoTime();
        long bytes = PipelinedClients.exchange(address, 1, 2048, 128, l -> l, 60_000);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(2048L * 128, bytes, "every byte echoed in order");
        long readBuffer = 16 << 10;
        assertTrue(bytes <= (64 << 10) * (1 + seconds) + readBuffer, bytes + " bytes in " + seconds + " s at 64 KiB/s");
        assertTrue(server.stats().get(Metric.RATE_LIMIT_PAUSES) > 0, "paused and counted");
        assertEquals(0, server.stats().closed(CloseReason.RATE_LIMIT), "not dropped");
    }

    @Test
    void aPersistentOffenderIsClosedWhileAPoliteClientIsServed() throws Exception {
        InetSocketAddress address = start(HostileClientsTest.EchoHandler::new, "RATE_LIMIT_LINES", "20", "RATE_LIMIT_GRACE", "1s");
        try (Socket polite = new Socket(address.getAddress(), address.getPort());
             Socket offender = new Socket(address.getAddress(), address.getPort())) {
            offender.getOutputStream().write("x\n".repeat(2000).getBytes(StandardCharsets.US_ASCII));
            await(() -> server.stats().get(Metric.RATE_LIMIT_PAUSES) > 0, "the offender paused");
            pipeline(polite, "polite", 10); // served while the offender is held
            assertEquals(0, server.stats().closed(CloseReason.RATE_LIMIT), "the offender is still open here");
            BufferedReader in = reader(offender);
            int echoed = 0;
            while (in.readLine() != null) { // until the server closes it (bounded by the socket timeout)
                echoed++;
            }
            assertTrue(echoed < 2000, "closed before all its lines were answered: " + echoed);
            assertEquals(1, server.stats().closed(CloseReason.RATE_LIMIT), "closed for its rate, counted");
            pipeline(polite, "later", 5);
        }
        assertTrue(server.stats().get(Metric.RATE_LIMIT_PAUSES) >= 1, "paused before it was closed");
    }

    @Test
    void anAddressSharesItsRateAmongItsConnectionsAndOtherAddressesAreNotSlowed() throws Exception {
        InetSocketAddress address = start(HostileClientsTest.EchoHandler::new, "RATE_LIMIT_ADDRESS_LINES", "50",
                "RATE_LIMIT_GRACE", "60s");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (Socket a1 = from("127.0.0.2", address); Socket a2 = from("127.0.0.2", address); Socket other = from("127.0.0.3", address)) {
            long start = System.nanoTime();
            List<Future<Double>> shared = new ArrayList<>();
            shared.add(pool.submit(() -> pipeline(a1, "a1", 150)));
            shared.add(pool.submit(() -> pipeline(a2, "a2", 150)));
            await(() -> server.stats().get(Metric.RATE_LIMIT_PAUSES) > 0, "127.0.0.2 paused");
            pipeline(other, "other", 40);
            assertTrue(!shared.get(0).isDone() || !shared.get(1).isDone(), "127.0.0.3 was served while 127.0.0.2 was still held");
            for (Future<Double> f : shared) {
                f.get(60, TimeUnit.SECONDS);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(300 <= 50 + 50 * seconds + 2 * LINES_PER_WAKEUP, "300 lines of one address in " + seconds + " s at 50 lines/s");
        } finally {
            pool.shutdownNow();
        }
        assertEquals(0, server.stats().closed(CloseReason.RATE_LIMIT), "slowed, not dropped");
    }

    /** Greets each connection, so a client can tell an accepted connection from a refused one. */
    static final class HelloHandler extends LineHandler {
        @Override
        public void onOpen(Connection c) {
            c.writeLine("hello");
        }

        @Override
        public void onLine(Connection c, ByteSpan line) {
            c.writeLine(line);
        }
    }

    @Test
    void newConnectionsPastTheAddressRateAreRefusedAndCounted() throws Exception {
        InetSocketAddress address = start(HelloHandler::new, "RATE_LIMIT_CONNECTS", "5");
        List<Socket> sockets = new ArrayList<>();
        int accepted = 0;
        int refused = 0;
        long start = System.nanoTime();
        try {
            for (int i = 0; i < 20; i++) {
                Socket s = from("127.0.0.2", address);
                sockets.add(s);
                String first = reader(s).readLine();
                if ("hello".equals(first)) {
                    accepted++;
                } else {
                    assertEquals("ERROR too many new connections from 127.0.0.2", first);
                    refused++;
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(accepted >= 5, "the burst of one second's worth is accepted: " + accepted);
            assertTrue(accepted <= 5 + 5 * seconds + 1, accepted + " accepted in " + seconds + " s at 5/s");
            assertTrue(refused > 0, "some refused");
            Socket other = from("127.0.0.3", address);
            sockets.add(other);
            assertEquals("hello", reader(other).readLine(), "another address is not limited");
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
        ServerStats st = server.stats();
        assertEquals(refused, st.get(Metric.RATE_LIMIT_REFUSED), "each refusal counted");
        assertEquals(refused, st.get(Metric.REFUSED), "and counted as refused");
    }
}
