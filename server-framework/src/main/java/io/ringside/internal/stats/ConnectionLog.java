package io.ringside.internal.stats;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.helpers.MessageFormatter;

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

    /** A warning; {@code message} may hold {@code {}} placeholders for {@code a} and {@code b}. */
    public void warnRateLimited(Object conn, String message) {
        warnRateLimited(conn, message, null, null, null);
    }

    public void warnRateLimited(Object conn, String message, Object a) {
        warnRateLimited(conn, message, a, null, null);
    }

    /**
     * Logs at WARN unless a warning was logged less than an interval ago; then it only counts it (and
     * logs it at DEBUG). The message is formatted only when it is logged.
     */
    public void warnRateLimited(Object conn, String message, Object a, Object b, Throwable error) {
        if (!logger.isWarnEnabled()) {
            return;
        }
        long now = System.nanoTime();
        long next = nextWarnNanos.get();
        if (now - next < 0 || !nextWarnNanos.compareAndSet(next, now + INTERVAL_NANOS)) {
            suppressed.incrementAndGet();
            if (logger.isDebugEnabled()) {
                logger.debug("[{}] {}", conn, MessageFormatter.format(message, a, b).getMessage());
            }
            return;
        }
        long dropped = suppressed.getAndSet(0);
        String text = MessageFormatter.format(message, a, b).getMessage();
        String suffix = dropped == 0 ? "" : " (" + dropped + " similar warnings suppressed)";
        if (error == null) {
            logger.warn("[{}] {}{}", conn, text, suffix);
        } else {
            logger.warn("[{}] {}{}", conn, text, suffix, error);
        }
    }

    /** Whether {@link #debug} logs: check it before building a message from parts. */
    public boolean debugEnabled() {
        return logger.isDebugEnabled();
    }

    public void debug(Object conn, String message, Throwable error) {
        if (logger.isDebugEnabled()) {
            logger.debug("[{}] {}{}", conn, message, error == null ? "" : ": " + error);
        }
    }
}
