package io.ringside.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * HAProxy's own view of its servers, from its stats page in CSV ({@code stats uri /stats}, read as
 * {@code /stats;csv}) on a loopback port of the test's configuration: each server's {@code status} (UP, DOWN,
 * MAINT, ...) as its health checks decided it.
 *
 * <p>Thread-safe (the HTTP client is).
 */
final class HaproxyStats {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final int port;

    HaproxyStats(int port) {
        this.port = port;
    }

    /** The config lines of the stats listener this class reads. */
    static String section(int port) {
        return HaproxyProcess.lines(java.util.List.of(
                "listen stats",
                "    bind 127.0.0.1:" + port,
                "    mode http",
                "    stats enable",
                "    stats uri /stats",
                "    stats refresh 0"));
    }

    /** Server name -> status for every server of {@code backend}, now. */
    Map<String, String> status(String backend) throws IOException, InterruptedException {
        String csv = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/stats;csv"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
        String[] lines = csv.split("\n");
        if (lines.length == 0 || !lines[0].startsWith("# ")) {
            throw new AssertionError("not HAProxy's CSV stats: " + csv);
        }
        String[] header = lines[0].substring(2).split(",", -1);
        int name = column(header, "svname");
        int status = column(header, "status");
        Map<String, String> servers = new HashMap<>();
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split(",", -1);
            if (f.length > status && f[0].equals(backend) && !f[name].equals("BACKEND") && !f[name].equals("FRONTEND")) {
                servers.put(f[name], f[status]);
            }
        }
        return servers;
    }

    /** Waits (every 20 ms, at most {@code timeoutMillis}) until {@code server} has {@code wanted} status; false if not. */
    boolean await(String backend, String server, String wanted, long timeoutMillis) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (!wanted.equals(status(backend).get(server))) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    private static int column(String[] header, String name) {
        for (int i = 0; i < header.length; i++) {
            if (header[i].equals(name)) {
                return i;
            }
        }
        throw new AssertionError("no column " + name + " in HAProxy's stats");
    }
}
