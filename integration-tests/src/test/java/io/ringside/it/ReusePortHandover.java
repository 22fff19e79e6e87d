package io.ringside.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Hand-overs on one port without a balancer, while {@link ConnectLoop} clients connect in a loop: an echo daemon
 * with {@code --reuse-port true}; then, {@code handovers} times, a new one started with it on the same port and,
 * once it listens, the old one sent SIGTERM and awaited (drain-delay 1 s, then its drain). Run in-process by
 * {@link ReusePortHandoverIT}, or as a main in another network namespace (prints the counts).
 *
 * <p>Used by one thread; the daemons it started are stopped by their PIDs before it returns.
 */
final class ReusePortHandover {
    private static final String[] DAEMON = {"echo", "--reuse-port", "true", "--drain-delay", "1s", "--workers", "1"};
    static final int CLIENTS = 3;

    /** What the clients saw, how many lines the last daemon answered, and when each step happened. */
    record Result(ConnectLoop clients, long servedByLast, List<String> steps) {
    }

    private ReusePortHandover() {
    }

    static Result run(int handovers) throws Exception {
        int port = DaemonProcess.freePort();
        List<String> steps = new ArrayList<>();
        long t0 = System.nanoTime();
        int admin = DaemonProcess.freePort();
        DaemonProcess current = start(port, admin);
        ConnectLoop clients = new ConnectLoop(port, CLIENTS, 100_000).start();
        try {
            Thread.sleep(500);
            for (int i = 0; i < handovers; i++) {
                int nextAdmin = DaemonProcess.freePort();
                DaemonProcess next = start(port, nextAdmin);
                steps.add(String.format("%d ms: daemon %d listens on the port beside daemon %d", ms(t0), i + 1, i));
                Thread.sleep(500);
                current.process.destroy(); // SIGTERM
                int status = current.awaitExit(60);
                steps.add(String.format("%d ms: daemon %d exited (%d) after its drain", ms(t0), i, status));
                if (status != 0 || !current.log().contains("stopped: every connection drained")) {
                    throw new AssertionError("daemon " + i + " did not drain cleanly: " + current.log());
                }
                current = next;
                admin = nextAdmin;
            }
            Thread.sleep(500);
        } finally {
            clients.stop();
            try {
                long served = AdminPage.sum(admin, "ringside_lines_in_total");
                return new Result(clients, served, steps);
            } finally {
                current.close();
            }
        }
    }

    private static DaemonProcess start(int port, int admin) throws Exception {
        String[] args = java.util.Arrays.copyOf(DAEMON, DAEMON.length + 2);
        args[DAEMON.length] = "--admin-port";
        args[DAEMON.length + 1] = Integer.toString(admin);
        return DaemonProcess.startOn(port, Map.of(), args);
    }

    private static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** {@code ReusePortHandover HANDOVERS} (needs {@code -Dringside.jar=...}): prints the steps, then {@code counts ATTEMPTS ANSWERED REFUSED FAILED WRONG SERVED}. */
    public static void main(String[] args) throws Exception {
        Result r = run(Integer.parseInt(args[0]));
        r.steps().forEach(System.out::println);
        ConnectLoop c = r.clients();
        System.out.println(c.summary());
        System.out.println("counts " + c.attempts.get() + " " + c.answered.get() + " " + c.refused.get() + " "
                + c.failed.get() + " " + c.wrong.get() + " " + r.servedByLast());
    }
}
