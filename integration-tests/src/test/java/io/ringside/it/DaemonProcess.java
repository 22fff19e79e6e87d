package io.ringside.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The daemon jar run as a child process on loopback: a free port, stdout and stderr to a log file,
 * started when it logs {@code listening on}. Always destroyed by {@link #close()} (no stray process).
 */
final class DaemonProcess implements AutoCloseable {
    static final Path JAR = Path.of(System.getProperty("ringside.jar", "../sample-services/target/ringside.jar"));

    final int port;
    final Process process;
    final Path log;

    private DaemonProcess(int port, Process process, Path log) {
        this.port = port;
        this.process = process;
        this.log = log;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Starts {@code java -jar ringside.jar args... --port P}; with {@code maxFiles > 0} under {@code ulimit -n}. */
    static DaemonProcess start(int maxFiles, String... args) throws IOException, InterruptedException {
        return launch(freePort(), maxFiles > 0 ? "ulimit -n " + maxFiles + " &&" : "", Map.of(), args);
    }

    /** As {@link #start} with SIGHUP ignored, as a daemon started by {@code nohup} inherits it. */
    static DaemonProcess startIgnoringHangUp(String... args) throws IOException, InterruptedException {
        return launch(freePort(), "trap '' HUP;", Map.of(), args);
    }

    /**
     * Starts {@code java -jar ringside.jar args... --port port} with {@code env} added to its environment (e.g.
     * {@code RINGSIDE_LOG_LEVEL}): the same port again for a restart.
     */
    static DaemonProcess startOn(int port, Map<String, String> env, String... args) throws IOException, InterruptedException {
        return launch(port, "", env, args);
    }

    /** {@code shell}: bash commands run before bash execs the JVM (a limit, a signal disposition), or "" for none. */
    private static DaemonProcess launch(int port, String shell, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        if (!shell.isEmpty()) {
            cmd.addAll(List.of("bash", "-c", shell + " exec \"$0\" \"$@\"", java));
        } else {
            cmd.add(java);
        }
        cmd.addAll(List.of("-Xmx256m", "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--port", Integer.toString(port)));
        Path log = Files.createTempFile("ringside-daemon-", ".log");
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        Process p = builder.start();
        DaemonProcess d = new DaemonProcess(port, p, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!d.log().contains("listening on 127.0.0.1:" + port)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                d.close();
                throw new AssertionError("daemon did not start: " + d.log());
            }
            Thread.sleep(20);
        }
        return d;
    }

    String log() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** SIGTERM (Process.destroy on Unix), then the exit status; fails if it does not exit in time. */
    int terminate(long timeoutSeconds) throws InterruptedException {
        process.destroy();
        return awaitExit(timeoutSeconds);
    }

    int awaitExit(long timeoutSeconds) throws InterruptedException {
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("daemon did not exit within " + timeoutSeconds + " s");
        }
        return process.exitValue();
    }

    /** Output of {@code jcmd PID Thread.print}. */
    String threadDump() throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "Thread.print")
                .redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        p.waitFor(30, TimeUnit.SECONDS);
        return new String(out, StandardCharsets.UTF_8);
    }

    /** CPU ticks (user + system) of the daemon's thread whose name starts with {@code prefix}. */
    long threadCpuTicks(String prefix) throws IOException {
        try (var tasks = Files.list(Path.of("/proc", Long.toString(process.pid()), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                String comm = Files.readString(task.resolve("comm")).trim();
                if (comm.startsWith(prefix)) {
                    String stat = Files.readString(task.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
                }
            }
        }
        throw new AssertionError("no thread named " + prefix + "*");
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
