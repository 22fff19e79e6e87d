package io.ringside.it.memcached;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The memcached-compatible server a test talks to, chosen by the system property
 * {@value #PROPERTY}:
 * <ul>
 *   <li>{@code ringside} (the default, and what {@code mvn verify} runs): the daemon jar's
 *       {@code memcached} subcommand, {@code java -jar ringside.jar memcached -p PORT -l 127.0.0.1 ...},
 *       started when it logs {@code listening on 127.0.0.1:PORT};</li>
 *   <li>{@code debian}: Debian's {@code /usr/bin/memcached} (the reference, 1.6.18) with the same
 *       flags, started when its port accepts a connection;</li>
 *   <li>{@code HOST:PORT} (loopback only): a server that is already running; it is neither started
 *       nor stopped, and the flags are not applied.</li>
 * </ul>
 * Every started process gets a free loopback port, its output in a log file, and is destroyed by
 * {@link #close()} (no stray process). The flags are memcached's own ({@code -m -c -t -I ...}), which
 * the Ringside subcommand accepts as aliases.
 *
 * <p>Threading: confined to the test thread.
 */
public final class MemcachedTarget implements AutoCloseable {
    /** The system property choosing the target. */
    public static final String PROPERTY = "memcached.target";
    /** Flags every test starts a server with unless it gives its own: 256 MiB, 2 threads. */
    public static final List<String> DEFAULT_FLAGS = List.of("-m", "256", "-t", "2");

    static final Path JAR = Path.of(System.getProperty("ringside.jar", "../sample-services/target/ringside.jar"));
    static final Path DEBIAN_MEMCACHED = Path.of("/usr/bin/memcached");
    private static final long START_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);

    public final String kind;
    public final String host;
    public final int port;
    private final Process process;
    private final Path log;

    private MemcachedTarget(String kind, String host, int port, Process process, Path log) {
        this.kind = kind;
        this.host = host;
        this.port = port;
        this.process = process;
        this.log = log;
    }

    /** The target the system property names, started with {@link #DEFAULT_FLAGS}. */
    public static MemcachedTarget start() throws IOException, InterruptedException {
        return start(DEFAULT_FLAGS);
    }

    /** The target the system property names, started with {@code flags} (memcached's options). */
    public static MemcachedTarget start(List<String> flags) throws IOException, InterruptedException {
        String target = System.getProperty(PROPERTY, "ringside").trim().toLowerCase(Locale.ROOT);
        switch (target) {
            case "ringside":
                return startRingside(flags);
            case "debian":
                return startDebian(flags);
            default:
                return external(target);
        }
    }

    /** Debian's memcached, whatever the property says: the reference of the differential test. */
    public static MemcachedTarget startDebian(List<String> flags) throws IOException, InterruptedException {
        Tools.require(DEBIAN_MEMCACHED.toString(), "memcached");
        int port = freePort();
        List<String> cmd = new ArrayList<>(List.of(DEBIAN_MEMCACHED.toString(), "-p", Integer.toString(port),
                "-U", "0", "-l", "127.0.0.1"));
        if ("root".equals(System.getProperty("user.name"))) {
            cmd.addAll(List.of("-u", "nobody")); // memcached refuses to run as root without -u
        }
        cmd.addAll(flags);
        return launch("debian", cmd, port, null);
    }

    /** Ringside's daemon jar, {@code memcached} subcommand. */
    public static MemcachedTarget startRingside(List<String> flags) throws IOException, InterruptedException {
        if (!Files.isRegularFile(JAR)) {
            throw new AssertionError(JAR.toAbsolutePath() + " not found: build sample-services first (mvn -B package)");
        }
        int port = freePort();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m", "-XX:MaxDirectMemorySize=1g", "-jar",
                JAR.toString(), "memcached", "-p", Integer.toString(port), "-l", "127.0.0.1"));
        cmd.addAll(flags);
        return launch("ringside", cmd, port, "listening on 127.0.0.1:" + port);
    }

    /** An already-running server at HOST:PORT on loopback; never started or stopped here. */
    static MemcachedTarget external(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            throw new AssertionError("-D" + PROPERTY + " must be ringside, debian or HOST:PORT on loopback: " + hostPort);
        }
        String host = hostPort.substring(0, colon);
        int port = Integer.parseInt(hostPort.substring(colon + 1));
        try {
            if (!InetAddress.getByName(host).isLoopbackAddress()) {
                throw new AssertionError("-D" + PROPERTY + ": loopback only (127.0.0.0/8): " + hostPort);
            }
        } catch (IOException e) {
            throw new AssertionError("-D" + PROPERTY + ": unknown host " + host, e);
        }
        return new MemcachedTarget("external", host, port, null, null);
    }

    private static MemcachedTarget launch(String kind, List<String> cmd, int port, String readyLine)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile("ringside-memcached-" + kind + "-", ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        MemcachedTarget t = new MemcachedTarget(kind, "127.0.0.1", port, p, log);
        long deadline = System.nanoTime() + START_TIMEOUT_NANOS;
        while (!(readyLine == null ? accepts(port) : t.log().contains(readyLine))) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                String out = t.log();
                t.close();
                throw new AssertionError(kind + " memcached did not start (" + String.join(" ", cmd) + "):\n" + out);
            }
            Thread.sleep(20);
        }
        return t;
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** "host:port". */
    public String address() {
        return host + ":" + port;
    }

    /** The process output so far ("" for an external server). */
    public String log() throws IOException {
        return log == null ? "" : Files.readString(log, StandardCharsets.UTF_8);
    }

    /** For failure messages: which server, where, and its output. */
    public String describe() {
        try {
            return kind + " memcached at " + address() + (log == null ? "" : ", log " + log + ":\n" + log());
        } catch (IOException e) {
            return kind + " memcached at " + address() + " (log unreadable: " + e + ")";
        }
    }

    /** The server process's PID, -1 for an external server. */
    public long pid() {
        return process == null ? -1 : process.pid();
    }

    /** Whether the server process is still running (always true for an external one). */
    public boolean alive() {
        return process == null || process.isAlive();
    }

    @Override
    public String toString() {
        return kind + "@" + address();
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
