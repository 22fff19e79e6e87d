package io.ringside;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code worker-choice}: new connections avoid a worker whose handler sleeps (least-lag) and go to the worker with
 * fewer connections (least-connections); round-robin, the default, does neither.
 *
 * <p>Threading: the test's thread is every client; the handler runs on the workers.
 */
@Timeout(120)
class WorkerChoiceTest extends LoopbackServerTest {
    private static final String SLOW_WORKER = "ringside-worker-1";
    /** While true the slow lines sleep; the test ends it so the server's stop does not wait for them. */
    private static volatile boolean slowOn;

    /** Says which worker it runs on when opened; on worker 1 each "sleep" line blocks the worker for 50 ms. */
    static final class WhereHandler extends LineHandler {
        @Override
        public void onOpen(Connection c) {
            c.writeLine(Thread.currentThread().getName());
        }

        @Override
        public void onLine(Connection c, ByteSpan line) {
            if (slowOn && Thread.currentThread().getName().equals(SLOW_WORKER) && line.toString(StandardCharsets.US_ASCII).equals("sleep")) {
                try {
                    Thread.sleep(50); // the blocking handler this test is about: worker 1 turns slow
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            c.writeLine(line.toString(StandardCharsets.US_ASCII));
        }
    }

    /** A connection and the worker it said it runs on. */
    private record Client(Socket socket, BufferedReader in, String worker) {
        static Client open(InetSocketAddress address) throws IOException {
            Socket s = new Socket(address.getAddress(), address.getPort());
            s.setSoTimeout(20_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            return new Client(s, in, in.readLine());
        }
    }

    @Test
    void leastLagSendsNewConnectionsAwayFromAWorkerBlockedByItsHandler() throws Exception {
        Map<String, Integer> placed = placeBesideASlowWorker("least-lag");
        assertEquals(Map.of("ringside-worker-0", 20), placed, "every new connection on the worker that is not slow");
    }

    @Test
    void roundRobinKeepsFeedingTheSlowWorker() throws Exception {
        Map<String, Integer> placed = placeBesideASlowWorker("round-robin");
        assertEquals(10, placed.getOrDefault(SLOW_WORKER, 0), "round-robin, the control: half of them on the slow worker " + placed);
    }

    /** Keeps worker 1 busy with a pipeline of slow lines, opens 20 connections meanwhile; where did they go? */
    private Map<String, Integer> placeBesideASlowWorker(String choice) throws Exception {
        InetSocketAddress address = start(WhereHandler::new, "WORKER_CHOICE", choice, "LINES_PER_WAKEUP", "4");
        List<Client> clients = new ArrayList<>();
        slowOn = true;
        try {
            Client slow = null;
            for (int i = 0; i < 4 && slow == null; i++) {
                Client c = Client.open(address);
                clients.add(c);
                if (c.worker().equals(SLOW_WORKER)) {
                    slow = c;
                }
            }
            assertTrue(slow != null, "a connection on worker 1 among the first four");
            int slowLines = 200; // 10 s of blocking at most, far longer than the 20 connects below
            OutputStream out = slow.socket().getOutputStream();
            out.write("sleep\n".repeat(slowLines).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertEquals("sleep", slow.in().readLine(), "worker 1 has started its slow lines");
            Map<String, Integer> placed = new TreeMap<>();
            for (int i = 0; i < 20; i++) {
                Client c = Client.open(address);
                clients.add(c);
                placed.merge(c.worker(), 1, Integer::sum);
            }
            return placed;
        } finally {
            slowOn = false;
            for (Client c : clients) {
                c.socket().close();
            }
        }
    }

    @Test
    void leastConnectionsFillsTheWorkerThatLostItsConnections() throws Exception {
        InetSocketAddress address = start(WhereHandler::new, "WORKER_CHOICE", "least-connections");
        List<Client> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                clients.add(Client.open(address));
            }
            assertEquals(4, clients.stream().filter(c -> c.worker().equals("ringside-worker-0")).count(), "equal workers: shared evenly");
            for (Client c : clients) {
                if (c.worker().equals("ringside-worker-0")) {
                    c.socket().close();
                }
            }
            await(() -> server.stats().get(Metric.CLOSED) == 4, "worker 0's connections closed");
            Map<String, Integer> placed = new TreeMap<>();
            for (int i = 0; i < 4; i++) {
                Client c = Client.open(address);
                clients.add(c);
                placed.merge(c.worker(), 1, Integer::sum);
            }
            assertEquals(Map.of("ringside-worker-0", 4), placed, "the four new connections refill worker 0");
            Client fifth = Client.open(address);
            clients.add(fifth);
            Client sixth = Client.open(address);
            clients.add(sixth);
            assertTrue(!fifth.worker().equals(sixth.worker()), "balanced again: shared evenly");
        } finally {
            for (Client c : clients) {
                c.socket().close();
            }
        }
    }
}
