package io.ringside.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Keeps the README's "Behind HAProxy" configuration equal to what {@link HaproxyRollingRestartIT} runs: the
 * config its {@code config} method writes, with the README's ports.
 *
 * <p>Threading: the test thread.
 */
class HaproxyReadmeTest {
    private static final Path README = Path.of("..", "README.md");

    /** The README's example: the frontend on 40700, three daemons on 40712/40722/40732 with admin ports 9101-9103. */
    static String readmeConfig() {
        return HaproxyRollingRestartIT.config(40700, 8404, List.of(
                EchoBackend.serverLine("echo1", 40712, 9101),
                EchoBackend.serverLine("echo2", 40722, 9102),
                EchoBackend.serverLine("echo3", 40732, 9103)));
    }

    @Test
    void theReadmeShowsTheHaproxyConfigTheTestRuns() throws IOException {
        String config = readmeConfig();
        assertTrue(config.contains("    balance leastconn\n") && config.contains("    option httpchk GET /health/ready\n")
                && config.contains(" send-proxy-v2 check port 9103 inter 200ms fall 1 rise 1\n"), config);
        assertTrue(Files.readString(README).contains("```\n" + config + "```\n"),
                "README lacks the HAProxy config HaproxyRollingRestartIT runs:\n" + config);
    }
}
