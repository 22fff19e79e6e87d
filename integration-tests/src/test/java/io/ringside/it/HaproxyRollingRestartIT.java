package io.ringside.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringside.loadgen.LoadGenerator;
import io.ringside.loadgen.LoadOptions;
import io.ringside.loadgen.LoadReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three echo daemons (separate processes, {@code --proxy-protocol v2}, each with an admin port and a drain delay)
 * behind Debian's HAProxy 2.6 ({@code balance leastconn}, {@code send-proxy-v2}, {@code option httpchk GET
 * /health/ready} on each daemon's admin port, {@code inter 200ms fall 1 rise 1}), loaded through HAProxy by the
 * load generator from 127.0.0.7: every line answered in order, each daemon sees 127.0.0.7 (not HAProxy) as the
 * client, the 300 connections spread within 10% of even; then, under that load, each daemon in turn is sent
 * SIGTERM and started again on the same ports. HAProxy marks a draining daemon down before it stops accepting,
 * the load generator ({@code --reconnect}) re-opens what the drain closed and resends what was not answered, and
 * across the three restarts no line is lost or answered twice and there is no error.
 *
 * <p>Threading: the test thread drives the daemons and HAProxy; each test's load generator runs on a thread of its
 * own until the test asks it to stop.
 */
@Timeout(300)
class HaproxyRollingRestartIT {
    private static final String BACKEND = "be_echo";
    private static final int CONNECTIONS = 300;
    /** Longer than HAProxy's check interval x fall (200 ms x 1), so it stops sending first. */
    private static final String DRAIN_DELAY = "1500ms";
    private static final String CLIENT = "127.0.0.7";
    private static final List<EchoBackend> BACKENDS = new ArrayList<>();
    private static HaproxyProcess haproxy;
    private static HaproxyStats stats;
    private static int front;

    /** The configuration the README shows, with this run's ports. */
    static String config(int frontPort, int statsPort, List<String> serverLines) {
        List<String> lines = new ArrayList<>(List.of(
                "global",
                "    maxconn 4000",
                "defaults",
                "    mode tcp",
                "    timeout connect 2s",
                "    timeout client 60s",
                "    timeout server 60s",
                "    timeout check 2s",
                "    retries 3",
                "    option redispatch",
                "frontend fe_echo",
                "    bind 127.0.0.1:" + frontPort,
                "    default_backend " + BACKEND,
                "backend " + BACKEND,
                "    balance leastconn",
                "    option httpchk GET /health/ready",
                "    http-check expect status 200"));
        lines.addAll(serverLines);
        return HaproxyProcess.lines(lines) + HaproxyStats.section(statsPort);
    }

    @BeforeAll
    static void start() throws Exception {
        HaproxyProcess.require();
        for (int i = 1; i <= 3; i++) {
            EchoBackend b = new EchoBackend("echo" + i, DRAIN_DELAY);
            BACKENDS.add(b);
            b.start();
        }
        front = DaemonProcess.freePort();
        int statsPort = DaemonProcess.freePort();
        haproxy = HaproxyProcess.start(config(front, statsPort, BACKENDS.stream().map(EchoBackend::serverLine).toList()),
                front, statsPort);
        stats = new HaproxyStats(statsPort);
        for (EchoBackend b : BACKENDS) {
            assertTrue(stats.await(BACKEND, b.name, "UP", 20_000), b.name + " not UP: " + stats.status(BACKEND) + "\n" + haproxy.log());
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (haproxy != null) {
            haproxy.close();
        }
        BACKENDS.forEach(EchoBackend::close);
    }

    private static LoadOptions load(double seconds) {
        return LoadOptions.builder(front).conns(CONNECTIONS).depth(4).size(48).threads(2).seconds(seconds)
                .srcIpFirst(7).reconnect(true).connectTimeout(10).grace(20).quiet(true).build();
    }

    /** Runs the load on its own thread until {@code stop} is set (or its time bound). */
    private static CompletableFuture<LoadReport> startLoad(double seconds, AtomicBoolean stop) {
        return CompletableFuture.supplyAsync(() -> LoadGenerator.run(load(seconds), System.out, stop::get),
                r -> {
                    Thread t = new Thread(r, "loadgen-run");
                    t.setDaemon(true);
                    t.start();
                });
    }

    /** Connections open on each daemon, once all {@code total} are up (at most 30 s). */
    private static long[] awaitOpen(int total) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long[] open = new long[BACKENDS.size()];
        while (true) {
            long sum = 0;
            for (int i = 0; i < open.length; i++) {
                open[i] = AdminPage.sum(BACKENDS.get(i).adminPort, "ringside_connections_open");
                sum += open[i];
            }
            if (sum == total || System.nanoTime() - deadline > 0) {
                assertEquals(total, sum, "connections open on the daemons: " + java.util.Arrays.toString(open));
                return open;
            }
            Thread.sleep(50);
        }
    }

    @Test
    void threeHundredConnectionsThroughHaproxySpreadEvenlyWithTheClientsAddresses() throws Exception {
        int[] before = new int[BACKENDS.size()];
        for (int i = 0; i < before.length; i++) {
            before[i] = BACKENDS.get(i).clients().getOrDefault(CLIENT, 0);
        }
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<LoadReport> run = startLoad(60, stop);
        long[] open = awaitOpen(CONNECTIONS);
        Thread.sleep(2_000); // pipelined lines on every connection for a while
        stop.set(true);
        LoadReport r = run.get(60, TimeUnit.SECONDS);
        System.out.println("HAProxy, 3 daemons, no restart:\n" + r.summary() + "per daemon: " + java.util.Arrays.toString(open));
        assertTrue(r.ok(), r.summary());
        assertEquals(0, r.errors(), r.summary());
        assertEquals(0, r.lost(), r.summary());
        assertEquals(0, r.repeated(), r.summary());
        assertEquals(r.linesSent(), r.answered(), r.summary());
        assertEquals(0, r.reconnects(), "no daemon closed a connection: " + r.summary());
        for (int i = 0; i < open.length; i++) {
            double even = (double) CONNECTIONS / open.length;
            assertTrue(Math.abs(open[i] - even) <= even * 0.10, "daemon " + i + " has " + open[i] + " of " + CONNECTIONS
                    + " connections, not within 10% of " + even + ": " + java.util.Arrays.toString(open));
            Map<String, Integer> clients = BACKENDS.get(i).clients();
            int from = clients.getOrDefault(CLIENT, 0) - before[i];
            assertEquals(open[i], from, "daemon " + i + " saw each of its connections come from " + CLIENT + ": " + clients);
            for (String address : clients.keySet()) {
                assertTrue(address.equals(CLIENT) || address.equals("127.0.0.9"), // 127.0.0.9: HaproxyProcess's start probe
                        "daemon " + i + " saw a client " + address + " (HAProxy's own address instead of the client's?): " + clients);
            }
        }
    }

    @Test
    void rollingRestartUnderLoadLosesNothing() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<LoadReport> run = startLoad(180, stop);
        awaitOpen(CONNECTIONS);
        Thread.sleep(1_000);
        List<String> timeline = new ArrayList<>();
        for (EchoBackend b : BACKENDS) {
            long t0 = System.nanoTime();
            b.process().process.destroy(); // SIGTERM
            assertTrue(stats.await(BACKEND, b.name, "DOWN", 10_000), b.name + " not marked DOWN: " + stats.status(BACKEND));
            long down = System.nanoTime() - t0;
            String log = b.log();
            assertTrue(log.contains("stopping: not ready"), log);
            assertFalse(log.contains("stopping: draining"), b.name + " stopped accepting before HAProxy marked it down ("
                    + down / 1_000_000 + " ms): " + log);
            assertEquals(0, b.process().awaitExit(60), b.name + " exit status after its drain: " + log);
            long exited = System.nanoTime() - t0;
            log = b.log();
            assertTrue(log.contains("stopped: every connection drained"), "no connection cut at the drain deadline: " + log);
            b.start();
            assertTrue(stats.await(BACKEND, b.name, "UP", 30_000), b.name + " not UP again: " + stats.status(BACKEND));
            long up = System.nanoTime() - t0;
            timeline.add(String.format("%s: DOWN after %d ms, exited after %d ms, UP again after %d ms", b.name,
                    down / 1_000_000, exited / 1_000_000, up / 1_000_000));
            assertFalse(run.isDone(), "the load ended during the restarts: " + (run.isDone() ? run.get().summary() : ""));
        }
        Thread.sleep(1_000); // the restarted daemons serve the reconnected load
        stop.set(true);
        LoadReport r = run.get(90, TimeUnit.SECONDS);
        System.out.println("HAProxy rolling restart of 3 daemons:\n" + String.join("\n", timeline) + "\n" + r.summary());
        assertEquals(0, r.errors(), r.summary());
        assertEquals(0, r.lost(), r.summary());
        assertEquals(0, r.repeated(), r.summary());
        assertEquals(r.linesSent(), r.answered(), r.summary());
        assertTrue(r.reconnects() >= CONNECTIONS / 3, "each drain closed its daemon's connections: " + r.summary());
        assertTrue(r.ok(), r.summary());
    }
}
