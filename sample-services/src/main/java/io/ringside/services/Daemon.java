package io.ringside.services;

import io.ringside.server.RingsideServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Runs a started server until SIGTERM or SIGINT, then drains it and returns, so that {@code main} can
 * exit 0. A second signal during the drain halts the process at once (exit 143). SIGHUP reloads the TLS
 * certificate and key ({@link RingsideServer#reloadTls()}: new handshakes use them; a bad file keeps the old).
 *
 * <p>Why {@code sun.misc.Signal} (module jdk.unsupported) rather than a shutdown hook: a JVM that
 * runs shutdown hooks for SIGTERM exits with 143 and ignores further signals, and both the exit 0 after
 * a clean drain and the immediate exit on a second signal are required of the daemon.
 *
 * <p>Threading: {@link #runUntilSignalled} blocks the calling thread; the signal handler runs on the
 * JVM's signal thread and only counts down a latch (or, for SIGHUP, reloads the TLS files there).
 */
final class Daemon {
    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

    private final RingsideServer server;
    private final CountDownLatch signalled = new CountDownLatch(1);

    Daemon(RingsideServer server) {
        this.server = server;
    }

    /**
     * Takes over SIGTERM and SIGINT. Called before the server starts, so that once it logs
     * {@code listening on} a signal always drains it (a signal during start drains right after).
     */
    Daemon installSignalHandlers() {
        Signal.handle(new Signal("TERM"), this::onSignal);
        Signal.handle(new Signal("INT"), this::onSignal);
        // The JVM keeps a SIGHUP its parent ignored (nohup) ignored and says nothing: say it, as reload is off then.
        if (server.config().tls().enabled() && hangUpIgnored(procStatus())) {
            LOG.warn("SIGHUP is ignored by this process (inherited from its parent, e.g. nohup): kill -HUP cannot "
                    + "reload the TLS certificate and key; start the daemon without nohup (systemd, a container, setsid)");
        }
        Signal.handle(new Signal("HUP"), this::onHangUp);
        return this;
    }

    /** Whether a Linux {@code /proc/self/status} text marks SIGHUP (signal 1, bit 0 of SigIgn) as ignored. */
    static boolean hangUpIgnored(String procStatus) {
        for (String line : procStatus.split("\n")) {
            if (line.startsWith("SigIgn:")) {
                String mask = line.substring("SigIgn:".length()).strip();
                return !mask.isEmpty() && (Character.digit(mask.charAt(mask.length() - 1), 16) & 1) != 0;
            }
        }
        return false;
    }

    private static String procStatus() {
        try {
            return Files.readString(Path.of("/proc/self/status"), StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            return ""; // not Linux: nothing to tell
        }
    }

    /** Blocks until a stop signal, then drains; returns whether every connection drained cleanly. */
    boolean runUntilSignalled() throws InterruptedException {
        signalled.await();
        return server.stop();
    }

    private void onHangUp(Signal signal) {
        if (server.config().tls().enabled()) {
            LOG.info("SIGHUP received: reloading the TLS certificate and key");
            server.reloadTls(); // logs the outcome
        } else {
            LOG.info("SIGHUP received: no TLS listener, nothing to reload");
        }
    }

    private void onSignal(Signal signal) {
        if (signalled.getCount() == 0) {
            LOG.warn("second SIG{} during the drain: exiting now", signal.getName());
            Runtime.getRuntime().halt(128 + signal.getNumber());
        }
        LOG.info("SIG{} received: draining (a second signal exits at once)", signal.getName());
        signalled.countDown();
    }
}
