package io.ringside.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One echo daemon behind the balancer, on fixed ports that survive its restarts: the service port
 * ({@code --proxy-protocol v2}) and the admin port ({@code /health/ready} for the balancer's checks,
 * {@code /metrics} for the test), with a drain delay, logging at DEBUG so that each connection's PROXY
 * header (the client's address) shows in its log. Every process it ran keeps its log, for the test to read.
 *
 * <p>Used by the test's thread only.
 */
final class EchoBackend implements AutoCloseable {
    /** The daemon's DEBUG line for a PROXY header: "PROXY header: client /127.0.0.7:41234 via /127.0.0.1:50000". */
    private static final Pattern CLIENT = Pattern.compile("PROXY header: client /([0-9.]+):\\d+ via ");

    final String name;
    final int port;
    final int adminPort;
    private final String drainDelay;
    private final List<Path> logs = new ArrayList<>();
    private DaemonProcess process;

    EchoBackend(String name, String drainDelay) throws IOException {
        this.name = name;
        this.port = DaemonProcess.freePort();
        this.adminPort = DaemonProcess.freePort();
        this.drainDelay = drainDelay;
    }

    /** Starts the daemon (again) on its ports; returns once it listens. */
    void start() throws IOException, InterruptedException {
        process = DaemonProcess.startOn(port, Map.of("RINGSIDE_LOG_LEVEL", "DEBUG"), "echo", "--proxy-protocol", "v2",
                "--admin-port", Integer.toString(adminPort), "--drain-delay", drainDelay, "--workers", "2");
        logs.add(process.log);
    }

    DaemonProcess process() {
        return process;
    }

    /** The log of the process running now. */
    String log() throws IOException {
        return process.log();
    }

    /** How many connections of every process so far named each client address in their PROXY header. */
    Map<String, Integer> clients() throws IOException {
        Map<String, Integer> seen = new java.util.TreeMap<>();
        for (Path log : logs) {
            Matcher m = CLIENT.matcher(Files.readString(log));
            while (m.find()) {
                seen.merge(m.group(1), 1, Integer::sum);
            }
        }
        return seen;
    }

    /** This daemon's HAProxy server line. */
    String serverLine() {
        return serverLine(name, port, adminPort);
    }

    /**
     * An HAProxy server line: PROXY v2 to the service port; health checks (the backend's {@code option httpchk})
     * on the admin port, every 200 ms, down after one failure, up after one success.
     */
    static String serverLine(String name, int port, int adminPort) {
        return "    server " + name + " 127.0.0.1:" + port + " send-proxy-v2 check port " + adminPort + " inter 200ms fall 1 rise 1";
    }

    @Override
    public void close() {
        if (process != null) {
            process.close();
        }
    }
}
