package io.ringside.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The same on one host without a balancer ({@link ReusePortHandover}): a new echo daemon started with
 * {@code --reuse-port true} on the port of a running one, then the old one drained by SIGTERM, while three
 * clients connect in a loop, one line each. No connect is refused (the new listener is bound before the old one
 * closes), none fails after its connect, every line is answered.
 *
 * <p>What Linux does at the old listener's close: a connection still in its accept queue is reset, unless
 * {@code net.ipv4.tcp_migrate_req=1} (Linux 5.14+) moves it to another listener of the port. The acceptor
 * accepts what is queued and closes the listener right after the accept that found the queue empty, which
 * leaves microseconds for that (measured: 1 reset in 38 hand-overs, where closing it after the selector had
 * reset connections in 4 hand-overs of 6). The first test runs with the machine's setting (0 by default): no
 * connect refused, no wrong reply, and at most the connections that can be queued at a close (one per client
 * per hand-over) reset. The second runs in a private network namespace ({@code unshare --net}, root) with
 * {@code tcp_migrate_req=1}: nothing refused, nothing reset, every line answered.
 *
 * <p>Threading: the test thread; the clients are {@link ConnectLoop}'s threads (or the driver process's).
 */
@Timeout(240)
class ReusePortHandoverIT {
    private static final int HANDOVERS = 2;

    @Test
    void twoHandOversWithThisMachinesKernelSettingRefuseNoConnect() throws Exception {
        String migrate = sysctl();
        ReusePortHandover.Result r = ReusePortHandover.run(HANDOVERS);
        ConnectLoop c = r.clients();
        String report = String.join("\n", r.steps()) + "\n" + c.summary() + "; lines answered by the last daemon "
                + r.servedByLast() + "; net.ipv4.tcp_migrate_req=" + migrate;
        System.out.println("reuse-port hand-over (this machine's kernel setting):\n" + report);
        assertEquals(0, c.refused.get(), "a listener was bound all along: " + report);
        assertEquals(0, c.wrong.get(), report);
        assertEquals(c.attempts.get(), c.answered.get() + c.failed.get(), report);
        assertTrue(c.answered.get() >= 1000 && r.servedByLast() > 0, report);
        // Each client has one connect in flight: at most that one can sit in the old listener's queue when it closes.
        long bound = migrate.equals("1") ? 0 : (long) ReusePortHandover.CLIENTS * HANDOVERS;
        assertTrue(c.failed.get() <= bound, "more failures than connections that can be queued at a close: " + report);
    }

    @Test
    void withTcpMigrateReqInAPrivateNetworkNamespaceToo() throws Exception {
        Path classes = Path.of(ReusePortHandover.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String script = "ip link set lo up && echo 1 > /proc/sys/net/ipv4/tcp_migrate_req && exec \"$0\" \"$@\"";
        Process p = new ProcessBuilder(List.of("unshare", "--net", "bash", "-c", script, java,
                "-Dringside.jar=" + DaemonProcess.JAR.toAbsolutePath(), "-cp", classes.toString(),
                ReusePortHandover.class.getName(), Integer.toString(HANDOVERS))).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes(); // ends when the driver exits
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        String text = new String(out, StandardCharsets.UTF_8);
        System.out.println("reuse-port hand-over (private network namespace, tcp_migrate_req=1):\n" + text);
        assertEquals(0, p.exitValue(), "unshare --net (as root; util-linux) with ip (iproute2, config/ci/install-peers.sh) and the driver:\n" + text);
        String counts = text.lines().filter(l -> l.startsWith("counts ")).findFirst()
                .orElseThrow(() -> new AssertionError("no counts from the driver:\n" + text));
        long[] n = Arrays.stream(counts.substring(7).split(" ")).mapToLong(Long::parseLong).toArray();
        assertEquals(0, n[2], "refused: " + text);
        assertEquals(0, n[3], "failed: " + text);
        assertEquals(n[0], n[1], "every line answered: " + text);
        assertTrue(n[1] >= 1000 && n[5] > 0, text);
    }

    private static String sysctl() {
        try {
            return java.nio.file.Files.readString(Path.of("/proc/sys/net/ipv4/tcp_migrate_req")).trim();
        } catch (java.io.IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }
}
