package io.ringside.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's HAProxy run in the foreground ({@code -db}) as a child process with a configuration the test
 * writes (loopback addresses only), its output to a log file; started once every frontend port accepts,
 * stopped by its PID ({@link Process#destroy}, SIGTERM). {@code config/ci/install-peers.sh} installs it.
 *
 * <p>Used by the test's thread only.
 */
final class HaproxyProcess implements AutoCloseable {
    static final Path HAPROXY = Path.of("/usr/sbin/haproxy");

    final Process process;
    final Path log;

    private HaproxyProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Fails (never skips) when HAProxy is not installed. */
    static void require() {
        if (!Files.isExecutable(HAPROXY)) {
            throw new AssertionError(HAPROXY + " not found (Debian package haproxy): install it with "
                    + "config/ci/install-peers.sh (run by the integration-tests build), or apt-get install -y haproxy");
        }
    }

    /** Checks {@code config}, starts HAProxy with it and waits (at most 20 s) until each of {@code frontendPorts} accepts. */
    static HaproxyProcess start(String config, int... frontendPorts) throws IOException, InterruptedException {
        require();
        Path dir = Files.createTempDirectory("ringside-haproxy-");
        Path cfg = dir.resolve("haproxy.cfg");
        Files.writeString(cfg, config);
        Path log = dir.resolve("haproxy.log");
        Process check = new ProcessBuilder(HAPROXY.toString(), "-c", "-f", cfg.toString()).redirectErrorStream(true).start();
        String checked = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!check.waitFor(20, TimeUnit.SECONDS) || check.exitValue() != 0) {
            check.destroyForcibly();
            throw new AssertionError("haproxy -c refused the configuration:\n" + checked + "\n" + config);
        }
        Process p = new ProcessBuilder(HAPROXY.toString(), "-db", "-f", cfg.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        HaproxyProcess h = new HaproxyProcess(p, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (int port : frontendPorts) {
            while (!listening(port)) {
                if (!p.isAlive() || System.nanoTime() - deadline > 0) {
                    h.close();
                    throw new AssertionError("haproxy did not start listening on " + port + ": " + h.log());
                }
                Thread.sleep(20);
            }
        }
        return h;
    }

    /**
     * Whether something listens on 127.0.0.1:{@code port}: a connect-only probe from 127.0.0.9, closed at
     * once (HAProxy may pass it on to its backend, which sees a client from 127.0.0.9).
     */
    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress("127.0.0.9", 0));
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    String log() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** Stops HAProxy by its PID (SIGTERM, then SIGKILL after 10 s). */
    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** The PID, for the test's messages. */
    long pid() {
        return process.pid();
    }

    /** Joins config lines with newlines. */
    static String lines(List<String> lines) {
        return String.join("\n", lines) + "\n";
    }
}
