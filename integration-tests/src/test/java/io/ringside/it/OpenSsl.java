package io.ringside.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code openssl} for the TLS tests: certificates made by one command each, and
 * {@code s_client} as the peer. Never skipped: missing, it fails with the script that installs it.
 *
 * <p>Threading: stateless.
 */
final class OpenSsl {
    static final String PROGRAM = "/usr/bin/openssl";

    private OpenSsl() {
    }

    static void require() {
        if (!Files.isExecutable(Path.of(PROGRAM))) {
            throw new AssertionError(PROGRAM + " not found (Debian package openssl): install it with "
                    + "config/ci/install-peers.sh (run by the build before the integration tests), or apt-get install -y openssl");
        }
    }

    /** Output of a finished openssl command, with {@code stdin} as its input; fails on a time-out. */
    record Run(int exit, String output) {
    }

    static Run run(String stdin, long timeoutSeconds, String... args) throws IOException, InterruptedException {
        require();
        List<String> cmd = new ArrayList<>(List.of(PROGRAM));
        cmd.addAll(List.of(args));
        Path in = Files.createTempFile("ringside-openssl-", ".in");
        Path out = Files.createTempFile("ringside-openssl-", ".out");
        try {
            Files.writeString(in, stdin, StandardCharsets.ISO_8859_1);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(in.toFile()).redirectOutput(out.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(String.join(" ", cmd) + " did not finish within " + timeoutSeconds + " s; output:\n"
                        + Files.readString(out, StandardCharsets.ISO_8859_1));
            }
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1));
        } finally {
            Files.deleteIfExists(in);
            Files.deleteIfExists(out);
        }
    }

    /** Runs a command that must succeed (certificate making); returns its output. */
    static String ok(String... args) throws IOException, InterruptedException {
        Run r = run("", 120, args);
        if (r.exit() != 0) {
            throw new AssertionError("openssl " + String.join(" ", args) + " failed (" + r.exit() + "):\n" + r.output());
        }
        return r.output();
    }

    /** A self-signed EC certificate for {@code CN=cn} (SAN 127.0.0.1) and its PKCS#8 key: one openssl command. */
    static void selfSigned(Path cert, Path key, String cn) throws IOException, InterruptedException {
        ok("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key.toString(),
                "-out", cert.toString(), "-days", "30", "-subj", "/CN=" + cn, "-addext", "subjectAltName=IP:127.0.0.1");
    }

    /**
     * A test CA ({@code CN=Ringside Test CA}, self-signed) and a certificate for {@code dnsName} and 127.0.0.1
     * signed by it ({@code CA:FALSE}), EC keys in PKCS#8: two openssl commands.
     */
    static void caSigned(Path caCert, Path caKey, Path cert, Path key, String dnsName) throws IOException, InterruptedException {
        ok("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", caKey.toString(),
                "-out", caCert.toString(), "-days", "30", "-subj", "/CN=Ringside Test CA");
        ok("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key.toString(),
                "-out", cert.toString(), "-days", "30", "-subj", "/CN=" + dnsName, "-CA", caCert.toString(), "-CAkey", caKey.toString(),
                "-addext", "subjectAltName=DNS:" + dnsName + ",IP:127.0.0.1", "-addext", "basicConstraints=CA:FALSE");
    }

    /**
     * An interactive {@code s_client} (no {@code -ign_eof}, so its commands work: a line {@code K} sends
     * a KeyUpdate asking for one back, {@code R} renegotiates): the test types lines and waits for what
     * comes back. Closing it destroys the process.
     */
    static final class Session implements AutoCloseable {
        private final Process process;
        private final Path out;

        Session(int port, Path ca, String... extra) throws IOException {
            require();
            List<String> cmd = new ArrayList<>(List.of(PROGRAM, "s_client", "-connect", "127.0.0.1:" + port, "-CAfile", ca.toString(),
                    "-verify_return_error"));
            cmd.addAll(List.of(extra));
            out = Files.createTempFile("ringside-s_client-", ".out");
            process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        }

        void type(String line) throws IOException {
            process.getOutputStream().write(line.getBytes(StandardCharsets.ISO_8859_1));
            process.getOutputStream().flush();
        }

        String output() throws IOException {
            return Files.readString(out, StandardCharsets.ISO_8859_1);
        }

        /** Waits (at most 20 s) until the output holds {@code text} (true) or s_client has exited without it (false). */
        boolean await(String text) throws IOException, InterruptedException {
            return await(text, 1);
        }

        /** As {@link #await(String)}, for the {@code times}-th time {@code text} shows. */
        boolean await(String text, int times) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (count(output(), text) < times) {
                if (!process.isAlive()) {
                    return count(output(), text) >= times;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("s_client did not show '" + text + "' within 20 s:\n" + output());
                }
                Thread.sleep(20);
            }
            return true;
        }

        private static int count(String haystack, String needle) {
            int n = 0;
            for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) {
                n++;
            }
            return n;
        }

        boolean exited(long seconds) throws InterruptedException {
            return process.waitFor(seconds, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws IOException, InterruptedException {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            Files.deleteIfExists(out);
        }
    }

    /** {@code s_client} to 127.0.0.1:{@code port} with extra arguments, sending {@code input}; verifies against {@code ca}. */
    static Run client(int port, Path ca, String input, String... extra) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("s_client", "-connect", "127.0.0.1:" + port, "-CAfile", ca.toString(),
                "-verify_return_error", "-verify_ip", "127.0.0.1", "-ign_eof"));
        args.addAll(List.of(extra));
        return run(input, 60, args.toArray(new String[0]));
    }
}
