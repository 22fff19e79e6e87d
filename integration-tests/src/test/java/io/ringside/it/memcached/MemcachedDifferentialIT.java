package io.ringside.it.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The target against Debian's memcached 1.6.18, started by this test: the same command sequences,
 * sent over raw sockets to both, must give byte-identical replies, after normalizing only what two
 * correct servers may differ in ({@link ReplyNormalizer}: version, stats values, CAS numbers). The
 * sequences ({@link DifferentialSequences}) are hand-written for every command and error, plus seeded
 * random ones with bad input mixed in; a failure names the case or seed, the step, what was sent and
 * both replies. Re-run one seed with {@code -Dmemcached.seed=N}.
 *
 * <p>With {@code -Dmemcached.target=debian} the target is a second Debian memcached: the test then
 * passes trivially, which proves the harness; {@link #theHarnessSeesADifference} proves it can fail.
 */
@Timeout(300)
class MemcachedDifferentialIT {
    /** Fixed seeds (the same every run) and fresh ones (printed; re-run with -Dmemcached.seed). */
    static final int FIXED_SEEDS = 12;
    static final int FRESH_SEEDS = 8;
    static final int RANDOM_STEPS = 1000;
    static final List<String> FLAGS = List.of("-m", "64", "-t", "2", "-c", "1024");

    private static MemcachedTarget reference;
    private static MemcachedTarget target;

    @BeforeAll
    static void start() throws Exception {
        reference = MemcachedTarget.startDebian(FLAGS);
        target = MemcachedTarget.start(FLAGS);
        System.out.println("differential: reference " + reference + ", target " + target);
    }

    @AfterAll
    static void stop() {
        if (target != null) {
            target.close();
        }
        if (reference != null) {
            reference.close();
        }
    }

    static Stream<String> handWritten() {
        return DifferentialSequences.handWritten().keySet().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("handWritten")
    void handWrittenSequenceGivesTheSameReplies(String name) throws Exception {
        List<String> steps = new ArrayList<>();
        steps.add("flush_all\r\n");
        steps.addAll(DifferentialSequences.handWritten().get(name));
        compare("case '" + name + "'", steps, reference, target);
    }

    static LongStream seeds() {
        String one = System.getProperty("memcached.seed");
        if (one != null) {
            return LongStream.of(Long.parseLong(one.trim()));
        }
        long fresh = System.nanoTime();
        return LongStream.concat(LongStream.rangeClosed(1, FIXED_SEEDS), LongStream.range(0, FRESH_SEEDS).map(i -> fresh + i));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomSequenceGivesTheSameReplies(long seed) throws Exception {
        // Each seed against a pair of servers of its own, so that its replies depend on the seed alone and a
        // failure re-runs with -Dmemcached.seed: memcached 1.6.18 keeps state that flush_all does not reset (an
        // item referenced by the dropped reply of a get with a key over 250 bytes changes how a later incr, decr
        // or append of that key is stored), so a sequence after other sequences could differ from itself alone.
        try (MemcachedTarget ref = MemcachedTarget.startDebian(FLAGS); MemcachedTarget tgt = MemcachedTarget.start(FLAGS)) {
            compare("random sequence, seed " + seed + " (re-run: -Dmemcached.seed=" + seed + ")",
                    DifferentialSequences.random(seed, RANDOM_STEPS), ref, tgt);
        }
    }

    /**
     * The stats a client reads: every name the target prints is one memcached prints, in memcached's
     * order, and the target prints every name issue 10 lists. The target may leave out what it has no
     * counterpart for (libevent's version, memcached's response-object and read-buffer pools, the LRU
     * crawler), so the lists are not required to be equal.
     */
    @Test
    void statsAreMemcachedsNamesInMemcachedsOrder() throws Exception {
        for (String command : List.of("stats", "stats settings")) {
            List<String> ref = statNames(reference, command);
            List<String> got = statNames(target, command);
            int at = 0;
            for (String name : got) {
                int i = ref.subList(at, ref.size()).indexOf(name);
                assertTrue(i >= 0, command + ": '" + name + "' is not in memcached's list after position " + at + ": " + ref);
                at += i + 1;
            }
            if (command.equals("stats")) {
                for (String required : List.of("pid", "uptime", "time", "version", "curr_connections", "total_connections",
                        "rejected_connections", "cmd_get", "cmd_set", "cmd_touch", "cmd_flush", "get_hits", "get_misses",
                        "delete_hits", "delete_misses", "incr_hits", "incr_misses", "decr_hits", "decr_misses", "cas_hits",
                        "cas_misses", "cas_badval", "touch_hits", "touch_misses", "curr_items", "total_items", "evictions",
                        "bytes", "limit_maxbytes", "threads", "conn_yields")) {
                    assertTrue(got.contains(required), "stats lacks " + required + ": " + got);
                }
            } else {
                assertTrue(got.containsAll(List.of("maxbytes", "maxconns", "tcpport", "verbosity", "num_threads", "item_size_max")),
                        "stats settings: " + got);
            }
        }
    }

    /**
     * {@code stats slabs} and {@code stats items} after the same items went into both: each class's names (its
     * number stripped: the servers' classes differ in size, so the items may spread over a different number of
     * them) in memcached's order, a subset of memcached's per-class names, and the same totals after the classes.
     */
    @Test
    void slabAndItemStatsAreMemcachedsNamesInMemcachedsOrder() throws Exception {
        List<String> steps = List.of("flush_all\r\n", DifferentialSequences.set("small", "hi"),
                DifferentialSequences.set("big", "x".repeat(5000)), "get small big\r\n");
        compare("case 'items for the slab stats'", steps, reference, target);
        for (String command : List.of("stats slabs", "stats items")) {
            List<List<String>> ref = classBlocks(statNames(reference, command));
            List<List<String>> got = classBlocks(statNames(target, command));
            List<String> perClass = ref.get(0);
            for (List<String> block : got.subList(0, got.size() - 1)) {
                int at = 0;
                for (String name : block) {
                    int i = perClass.subList(at, perClass.size()).indexOf(name);
                    assertTrue(i >= 0, command + ": '" + name + "' is not in memcached's list after position " + at + ": "
                            + perClass);
                    at += i + 1;
                }
            }
            assertEquals(ref.get(ref.size() - 1), got.get(got.size() - 1), command + ": the totals");
        }
    }

    /** STAT names grouped by slab class ({@code 12:chunk_size}, {@code items:12:number}, number stripped), then the totals. */
    private static List<List<String>> classBlocks(List<String> names) {
        List<List<String>> blocks = new ArrayList<>();
        List<String> totals = new ArrayList<>();
        String current = null;
        for (String name : names) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("^((?:items:)?\\d+):(.*)$").matcher(name);
            if (!m.matches()) {
                totals.add(name);
                continue;
            }
            if (!m.group(1).equals(current)) {
                current = m.group(1);
                blocks.add(new ArrayList<>());
            }
            blocks.get(blocks.size() - 1).add(m.group(2));
        }
        assertTrue(blocks.size() >= 2, "the small and the big item's classes: " + names);
        blocks.add(totals);
        return blocks;
    }

    /** The names of the STAT lines a server answers {@code command} with. */
    private static List<String> statNames(MemcachedTarget server, String command) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port)) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write((command + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(),
                    java.nio.charset.StandardCharsets.ISO_8859_1));
            List<String> names = new ArrayList<>();
            for (String line = in.readLine(); line != null && !line.equals("END"); line = in.readLine()) {
                assertTrue(line.startsWith("STAT "), command + ": " + line);
                names.add(line.split(" ", 3)[1]);
            }
            return names;
        }
    }

    /** The harness can fail: a server that echoes what it gets is not memcached. */
    @Test
    void theHarnessSeesADifference() throws Exception {
        try (EchoServer echo = new EchoServer()) {
            MemcachedTarget fake = MemcachedTarget.external("127.0.0.1:" + echo.port());
            AssertionError e = assertThrows(AssertionError.class,
                    () -> compare("case 'versus an echo server'", List.of("version\r\n"), reference, fake));
            assertTrue(e.getMessage().contains("step 0 of case 'versus an echo server'"), e.getMessage());
            assertTrue(e.getMessage().contains("sent:      version\\r\\n"), e.getMessage());
        }
    }

    /** Sends every step to both servers (a fresh connection each), fails on the first difference. */
    static void compare(String what, List<String> steps, MemcachedTarget ref, MemcachedTarget tgt) throws IOException {
        try (RawSession a = new RawSession(ref.host, ref.port); RawSession b = new RawSession(tgt.host, tgt.port)) {
            for (int i = 0; i < steps.size(); i++) {
                String step = steps.get(i);
                String expected = ReplyNormalizer.normalize(a.exchange(step));
                String actual = ReplyNormalizer.normalize(b.exchange(step));
                if (!expected.equals(actual) && !ReplyNormalizer.sameButForATtlTick(expected, actual)) {
                    StringBuilder m = new StringBuilder();
                    m.append("replies differ at step ").append(i).append(" of ").append(what).append('\n');
                    m.append("  sent:      ").append(ReplyNormalizer.printable(step)).append('\n');
                    m.append("  memcached: ").append(ReplyNormalizer.printable(expected)).append('\n');
                    m.append("  target:    ").append(ReplyNormalizer.printable(actual)).append('\n');
                    m.append("  steps before it:\n");
                    for (int j = Math.max(0, i - 8); j < i; j++) {
                        m.append("    ").append(j).append(": ").append(ReplyNormalizer.printable(steps.get(j))).append('\n');
                    }
                    m.append("  target: ").append(tgt.describe());
                    throw new AssertionError(m.toString());
                }
            }
        }
        assertTrue(ref.alive(), "the reference died: " + ref.describe());
        assertTrue(tgt.alive(), "the target died: " + tgt.describe());
    }

    /** A one-connection-at-a-time echo server on loopback: the wrong server for the self-test. */
    static final class EchoServer implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        private final Thread thread = new Thread(this::serve, "differential-echo");

        EchoServer() throws IOException {
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void serve() {
            while (!server.isClosed()) {
                try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
                    byte[] buf = new byte[4096];
                    for (int n; (n = in.read(buf)) > 0; ) {
                        s.getOutputStream().write(buf, 0, n);
                    }
                } catch (IOException closed) {
                    return;
                }
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
