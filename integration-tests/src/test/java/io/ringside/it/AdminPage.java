package io.ringside.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Reads a daemon's admin listener ({@code --admin-port}) on 127.0.0.1: a page, and the sum of a labelled
 * series on {@code /metrics} (e.g. {@code ringside_connections_open{worker="0"}} and {@code {worker="1"}}).
 *
 * <p>Thread-safe (the HTTP client is).
 */
final class AdminPage {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private AdminPage() {
    }

    static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The sum of every series {@code name{...}} on the daemon's /metrics page now. */
    static long sum(int port, String name) throws IOException, InterruptedException {
        return sum(port, name, "");
    }

    /** The sum of every series {@code name{...}} with the label {@code label="value"} on the page now. */
    static long sum(int port, String name, String label, String value) throws IOException, InterruptedException {
        return sum(port, name, label + "=\"" + value + "\"");
    }

    private static long sum(int port, String name, String labelled) throws IOException, InterruptedException {
        String page = get(port, "/metrics").body();
        double total = 0;
        boolean found = false;
        for (String line : page.split("\n")) {
            if (line.startsWith(name + "{") && line.substring(0, line.indexOf('}') + 1).contains(labelled)) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                found = true;
            }
        }
        if (!found) {
            throw new AssertionError("no " + name + "{" + labelled + "} on the /metrics page of admin port " + port + ":\n" + page);
        }
        return (long) total;
    }
}
