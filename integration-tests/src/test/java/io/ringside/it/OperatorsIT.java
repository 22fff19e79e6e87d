package io.ringside.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The daemon as an operator runs it: {@code --admin-port} serving the memcached stats and the framework's
 * counters on /metrics (a page Prometheus's own {@code promtool check metrics} accepts), /health/ready turning 503 on SIGTERM while /health/live stays 200 (drain-delay), and
 * {@code --log-format json} writing one JSON object per line with the same fields as the text lines.
 */
@Timeout(180)
class OperatorsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** The text line of config/logback.xml: timestamp, level, [thread], logger - message. */
    private static final Pattern TEXT_LINE = Pattern.compile(
            "(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(?:Z|[+-]\\d\\d:\\d\\d)) (\\S+) +\\[([^\\]]+)\\] (\\S+) - (.*)");

    @Test
    void memcachedStatsOnMetricsReadinessOnSigtermAndJsonLogLines() throws Exception {
        int admin = DaemonProcess.freePort();
        try (DaemonProcess d = DaemonProcess.start(0, "memcached", "--admin-port", Integer.toString(admin),
                "--log-format", "json", "--drain-delay", "2s")) {
            assertEquals(200, get(admin, "/health/ready").statusCode());
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", d.port), 5_000);
                s.setSoTimeout(10_000);
                OutputStream out = s.getOutputStream();
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                for (int i = 0; i < 3; i++) {
                    out.write(("set key" + i + " 0 0 5\r\nvalue\r\n").getBytes(StandardCharsets.US_ASCII));
                    assertEquals("STORED", in.readLine());
                }
                for (String key : List.of("key0", "key1", "absent")) {
                    out.write(("get " + key + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    String first = in.readLine();
                    if (!key.equals("absent")) {
                        assertEquals("VALUE " + key + " 0 5", first);
                        assertEquals("value", in.readLine());
                        first = in.readLine();
                    }
                    assertEquals("END", first);
                }
                String page = get(admin, "/metrics").body();
                assertEquals("", promtoolCheck(page), "promtool check metrics found problems in the page:\n" + page);
                assertEquals(3, value(page, "memcached_curr_items"), page);
                assertEquals(3, value(page, "memcached_cmd_set_total"));
                assertEquals(2, value(page, "memcached_get_hits_total"));
                assertEquals(1, value(page, "memcached_get_misses_total"));
                assertEquals(0, value(page, "memcached_evictions_total"));
                assertTrue(value(page, "memcached_bytes") > 0);
                assertEquals(64L << 20, value(page, "memcached_limit_maxbytes"));
                assertEquals(1, sum(page, "ringside_connections_open"), "the test's one connection");
                assertEquals(6, sum(page, "ringside_lines_in_total"), "3 set lines and 3 get lines (data blocks are not lines)");
            }
            d.process.destroy(); // SIGTERM
            assertEquals(503, awaitStatus(admin, "/health/ready", 503));
            assertEquals(200, get(admin, "/health/live").statusCode(), "live during the drain delay");
            assertEquals(0, d.awaitExit(30));
            List<JsonNode> lines = jsonLines(d.log());
            assertTrue(lines.stream().anyMatch(l -> l.get("message").asText().startsWith("SIGTERM received: draining")), d.log());
            assertTrue(lines.stream().anyMatch(l -> l.get("message").asText().equals("stopped: every connection drained")));
        }
    }

    @Test
    void promtoolReportsWhatIsWrongWithAPage() throws Exception {
        // The check the page must pass can fail: a counter without HELP or _total (the linter), a label value
        // without quotes (the parser).
        String lint = promtoolCheck("# TYPE ringside_lines_in counter\nringside_lines_in{worker=\"0\"} 1\n");
        assertTrue(lint.startsWith("exit 3") && lint.contains("\"_total\" suffix") && lint.contains("no help text"), lint);
        String parse = promtoolCheck("# HELP a_total x\n# TYPE a_total counter\na_total{worker=0} 1\n");
        assertTrue(parse.startsWith("exit 1") && parse.contains("parsing error in line 3"), parse);
    }

    /**
     * What {@code promtool check metrics} (Debian's prometheus package, config/ci/install-peers.sh) reports for a
     * page read from its standard input: "" when it parses it and its linter has nothing to say; else its report,
     * with its exit status.
     */
    static String promtoolCheck(String page) throws IOException, InterruptedException {
        Path promtool = Path.of("/usr/bin/promtool");
        assertTrue(Files.isExecutable(promtool), "promtool missing: run config/ci/install-peers.sh as root");
        Process p = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(page.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "promtool check metrics did not finish");
        return p.exitValue() == 0 && out.isEmpty() ? "" : "exit " + p.exitValue() + ": " + out;
    }

    @Test
    void jsonLinesCarryTheFieldsOfTheTextLines() throws Exception {
        String textLine;
        try (DaemonProcess d = DaemonProcess.start(0, "echo")) {
            assertEquals(0, d.terminate(30));
            textLine = d.log().lines().filter(l -> l.contains("listening on")).findFirst().orElseThrow();
        }
        JsonNode jsonLine;
        try (DaemonProcess d = DaemonProcess.start(0, "echo", "--log-format", "json")) {
            assertEquals(0, d.terminate(30));
            jsonLine = jsonLines(d.log()).stream().filter(l -> l.get("message").asText().contains("listening on"))
                    .findFirst().orElseThrow();
        }
        Matcher m = TEXT_LINE.matcher(textLine);
        assertTrue(m.matches(), "a text line: " + textLine);
        assertTrue(TEXT_LINE.matcher(jsonLine.get("timestamp").asText() + " X [t] L - m").matches(),
                "the same timestamp format: " + jsonLine);
        assertEquals(m.group(2), jsonLine.get("level").asText());
        assertEquals(m.group(3), jsonLine.get("thread").asText());
        assertEquals(m.group(4), jsonLine.get("logger").asText());
        assertEquals(m.group(5).replaceAll(":\\d+ ", ":P "), jsonLine.get("message").asText().replaceAll(":\\d+ ", ":P "));
    }

    @Test
    void anUnknownLogFormatIsAUsageError() throws Exception {
        String javaBin = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(javaBin, "-jar", DaemonProcess.JAR.toString(), "echo", "--port", "0", "--log-format", "xml")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), out);
        assertEquals("ringside: invalid log-format 'xml': expected text or json\n", out);
    }

    /** Every line of the log, each a JSON object with exactly the text line's fields. */
    private static List<JsonNode> jsonLines(String log) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : log.split("\n")) {
            JsonNode n = JSON.readTree(line);
            assertTrue(n.isObject(), "not a JSON object: " + line);
            Set<String> fields = new TreeSet<>();
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                fields.add(it.next());
            }
            fields.remove("stack_trace"); // only with an exception, as the text line's trace below it
            assertEquals(Set.of("level", "logger", "message", "thread", "timestamp"), fields, line);
            lines.add(n);
        }
        assertTrue(lines.size() >= 2, log);
        return lines;
    }

    private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int awaitStatus(int port, String path, int status) throws Exception {
        int last = -1;
        for (int i = 0; i < 400; i++) {
            last = get(port, path).statusCode();
            if (last == status) {
                return last;
            }
            Thread.sleep(5);
        }
        return last;
    }

    /** The value of the one unlabelled series {@code name}. */
    private static long value(String page, String name) {
        for (String line : page.split("\n")) {
            if (line.startsWith(name + " ")) {
                return (long) Double.parseDouble(line.substring(name.length() + 1));
            }
        }
        throw new AssertionError("no " + name + " on the page");
    }

    /** The sum of every labelled series {@code name{...}}. */
    private static long sum(String page, String name) {
        double total = 0;
        boolean found = false;
        for (String line : page.split("\n")) {
            if (line.startsWith(name + "{")) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                found = true;
            }
        }
        assertTrue(found, "no " + name + " on the page");
        return (long) total;
    }
}
