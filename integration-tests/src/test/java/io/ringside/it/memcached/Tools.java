package io.ringside.it.memcached;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Debian programs the real-client tests run, found or failed clearly (never skipped), and a
 * bounded way to run one. {@code config/ci/install-peers.sh} installs them.
 *
 * <p>Threading: stateless.
 */
final class Tools {
    static final String INSTALL_HINT = "install it with config/ci/install-peers.sh (run by .ci/run), or "
            + "apt-get install -y memcached libmemcached-tools python3-pymemcache nutcracker";

    private Tools() {
    }

    /** Fails unless {@code program} (an absolute path) is executable; {@code pkg} is its Debian package. */
    static void require(String program, String pkg) {
        if (!Files.isExecutable(Path.of(program))) {
            throw new AssertionError(program + " not found (Debian package " + pkg + "): " + INSTALL_HINT);
        }
    }

    /** Exit status and combined output of a finished program. */
    record Run(int exit, String output) {
    }

    /** Runs {@code cmd}, output to a file; destroyed (and the test failed) after {@code timeoutSeconds}. */
    static Run run(List<String> cmd, long timeoutSeconds) throws IOException, InterruptedException {
        Path out = Files.createTempFile("ringside-tool-", ".out");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(String.join(" ", cmd) + " did not finish within " + timeoutSeconds
                        + " s; output:\n" + Files.readString(out, StandardCharsets.UTF_8));
            }
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
