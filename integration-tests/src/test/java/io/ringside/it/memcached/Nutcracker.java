package io.ringside.it.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's twemproxy ({@code /usr/sbin/nutcracker} 0.5) in front of memcached daemons, run by a test:
 * its YAML config, pid file and log file in a fresh temp directory, its pools and its stats port on free
 * loopback ports. Started daemonized ({@code -d}: nutcracker 0.5 writes its pid file only then), found by
 * the PID in its pid file, stopped by that PID (SIGTERM, then SIGKILL) in {@link #close()}.
 *
 * <p>Every pool uses {@code distribution: ketama} and {@code hash: md5} (libketama's key hash, the one
 * memcached clients use; twemproxy's {@code fnv1a_64} is a 32-bit hash with a 0x1b3 multiplier) over the
 * same servers, each line {@code host:port:weight name}. The names, not the addresses, place the servers
 * on the ketama ring, so the ring (and the share of each server) is the same on every run although the
 * ports are not.
 *
 * <p>Threading: confined to the test thread.
 */
final class Nutcracker implements AutoCloseable {
    static final String PROGRAM = "/usr/sbin/nutcracker";
    /** How long a dead server stays ejected from an auto-eject pool: longer than any test runs. */
    static final int RETRY_TIMEOUT_MILLIS = 600_000;
    /** Stats aggregation interval ({@code -i}), so a test sees an ejection soon after it happened. */
    static final int STATS_INTERVAL_MILLIS = 100;
    private static final long START_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final int MAX_STATS_BYTES = 1 << 20;

    /** A pool: its name, its listen port, whether it ejects a failing server from the ring. */
    record Pool(String name, int port, boolean autoEject) {
    }

    /** A server line of every pool: {@code host:port:weight name}. */
    record Server(String name, String host, int port, int weight) {
    }

    final Path dir;
    final Path config;
    final Path log;
    final int statsPort;
    final long pid;

    private Nutcracker(Path dir, Path config, Path log, int statsPort, long pid) {
        this.dir = dir;
        this.config = config;
        this.log = log;
        this.statsPort = statsPort;
        this.pid = pid;
    }

    /** The YAML config: one block per pool, every pool over {@code servers}. */
    static String yaml(List<Pool> pools, List<Server> servers) {
        StringBuilder y = new StringBuilder();
        for (Pool p : pools) {
            y.append(p.name()).append(":\n")
                    .append("  listen: 127.0.0.1:").append(p.port()).append('\n')
                    .append("  distribution: ketama\n")
                    .append("  hash: md5\n")
                    .append("  timeout: 2000\n")
                    .append("  server_connections: 1\n")
                    .append("  auto_eject_hosts: ").append(p.autoEject()).append('\n');
            if (p.autoEject()) {
                y.append("  server_failure_limit: 1\n")
                        .append("  server_retry_timeout: ").append(RETRY_TIMEOUT_MILLIS).append('\n');
            }
            y.append("  servers:\n");
            for (Server s : servers) {
                y.append("   - ").append(s.host()).append(':').append(s.port()).append(':').append(s.weight())
                        .append(' ').append(s.name()).append('\n');
            }
        }
        return y.toString();
    }

    /** Writes the config, checks it with {@code nutcracker -t}, starts it; returns once every port accepts. */
    static Nutcracker start(List<Pool> pools, List<Server> servers) throws IOException, InterruptedException {
        Tools.require(PROGRAM, "nutcracker");
        Path dir = Files.createTempDirectory("ringside-nutcracker-");
        Path config = dir.resolve("nutcracker.yml");
        Path pidFile = dir.resolve("nutcracker.pid");
        Path log = dir.resolve("nutcracker.log");
        Files.writeString(config, yaml(pools, servers), StandardCharsets.UTF_8);
        Tools.Run check = Tools.run(List.of(PROGRAM, "-t", "-c", config.toString()), 30);
        assertEquals(0, check.exit(), "nutcracker -t refused " + config + ":\n" + check.output());
        int statsPort = MemcachedTarget.freePort();
        List<String> cmd = List.of(PROGRAM, "-d", "-c", config.toString(), "-p", pidFile.toString(),
                "-o", log.toString(), "-v", "5", "-s", Integer.toString(statsPort), "-a", "127.0.0.1",
                "-i", Integer.toString(STATS_INTERVAL_MILLIS));
        Tools.Run launch = Tools.run(cmd, 30); // the launcher forks the daemon and exits
        assertEquals(0, launch.exit(), String.join(" ", cmd) + ":\n" + launch.output());
        long deadline = System.nanoTime() + START_TIMEOUT_NANOS;
        long pid = awaitPid(pidFile, log, deadline);
        Nutcracker n = new Nutcracker(dir, config, log, statsPort, pid);
        try {
            Optional<String> command = n.handle().flatMap(h -> h.info().commandLine());
            assertTrue(command.isEmpty() || command.get().contains(config.toString()),
                    "PID " + pid + " of " + pidFile + " is not our nutcracker: " + command);
            for (Pool p : pools) {
                awaitAccept(n, p.port(), deadline);
            }
            awaitAccept(n, statsPort, deadline);
            return n;
        } catch (RuntimeException | Error | IOException | InterruptedException e) {
            n.close();
            throw e;
        }
    }

    private static long awaitPid(Path pidFile, Path log, long deadline) throws IOException, InterruptedException {
        while (true) {
            String text = Files.exists(pidFile) ? Files.readString(pidFile, StandardCharsets.US_ASCII).trim() : "";
            if (text.matches("\\d+")) {
                return Long.parseLong(text);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("nutcracker wrote no pid file " + pidFile + "; log:\n"
                        + (Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(none)"));
            }
            Thread.sleep(20);
        }
    }

    private static void awaitAccept(Nutcracker n, int port, long deadline) throws IOException, InterruptedException {
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                if (!n.alive() || System.nanoTime() > deadline) {
                    throw new AssertionError("nutcracker (PID " + n.pid + ") does not accept on 127.0.0.1:" + port
                            + "; log:\n" + n.log());
                }
                Thread.sleep(20);
            }
        }
    }

    private Optional<ProcessHandle> handle() {
        return ProcessHandle.of(pid);
    }

    boolean alive() {
        return handle().map(ProcessHandle::isAlive).orElse(false);
    }

    /** The JSON page of the stats port (nutcracker writes it on connect and closes). */
    String stats() throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", statsPort), 2000);
            s.setSoTimeout(5000);
            InputStream in = s.getInputStream();
            byte[] page = in.readNBytes(MAX_STATS_BYTES);
            return new String(page, StandardCharsets.UTF_8);
        }
    }

    /** The pool's {@code server_ejects} counter from the stats page. */
    long serverEjects(String pool) throws IOException {
        String page = stats();
        Matcher m = Pattern.compile("\"" + Pattern.quote(pool) + "\": \\{[^{}]*\"server_ejects\":(\\d+)").matcher(page);
        if (!m.find()) {
            throw new AssertionError("no server_ejects for pool " + pool + " in the stats page:\n" + page);
        }
        return Long.parseLong(m.group(1));
    }

    /** Polls the stats page until the pool has ejected {@code ejects} servers; fails after {@code seconds}. */
    void awaitEjects(String pool, long ejects, long seconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long seen;
        while ((seen = serverEjects(pool)) < ejects) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("pool " + pool + " ejected " + seen + " servers, not " + ejects + ", in "
                        + seconds + " s; stats:\n" + stats() + "\nlog:\n" + log());
            }
            Thread.sleep(STATS_INTERVAL_MILLIS);
        }
        assertEquals(ejects, seen, "pool " + pool + " ejected more servers than were stopped:\n" + stats());
    }

    String log() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    /** Stops the daemon by its PID: SIGTERM, then SIGKILL if it has not exited within 10 s. */
    @Override
    public void close() {
        Optional<ProcessHandle> h = handle();
        if (h.isEmpty() || !h.get().isAlive()) {
            return;
        }
        h.get().destroy();
        if (!exited(h.get())) {
            h.get().destroyForcibly();
            exited(h.get());
        }
    }

    private static boolean exited(ProcessHandle h) {
        try {
            h.onExit().get(10, TimeUnit.SECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
