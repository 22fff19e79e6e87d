package io.ringside.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Logging that a client can trigger, rate-limited so that a hostile client cannot flood the log: at
 * most one warning per interval, the next one saying how many were suppressed. Messages carry the
 * connection id: {@code [conn-42] line too long}.
 *
 * <p>Thread-safe.
 */
public final class ConnectionLog {
    private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Logger logger;
    /** Earliest nanoTime of the next warning; CAS makes exactly one caller per interval win. */
    private final AtomicLong nextWarnNanos = new AtomicLong(System.nanoTime());
    private final AtomicLong suppressed = new AtomicLong();

    public ConnectionLog(Logger logger) {
        this.logger = logger;
    }

    public void warnRateLimited(Object conn, String message) {
        warnRateLimited(conn, message, null);
    }

    public void warnRateLimited(Object conn, String message, Throwable error) {
        if (!logger.isWarnEnabled()) {
            return;
        }
        long now = System.nanoTime();
        long next = nextWarnNanos.get();
        if (now - next < 0 || !nextWarnNanos.compareAndSet(next, now + INTERVAL_NANOS)) {
            suppressed.incrementAndGet();
            logger.debug("[{}] {}", conn, message);
            return;
        }
        long dropped = suppressed.getAndSet(0);
        String suffix = dropped == 0 ? "" : " (" + dropped + " similar warnings suppressed)";
        if (error == null) {
            logger.warn("[{}] {}{}", conn, message, suffix);
        } else {
            logger.warn("[{}] {}{}", conn, message, suffix, error);
        }
    }

    public void debug(Object conn, String message, Throwable error) {
        if (logger.isDebugEnabled()) {
            logger.debug("[{}] {}{}", conn, message, error == null ? "" : ": " + error);
        }
    }
}
