package io.ringside.internal.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The rate-limited connection log: a client-triggered warning costs nothing when it is not logged. */
class ConnectionLogTest {
    private final Logger logger = (Logger) LoggerFactory.getLogger("io.ringside.test.ConnectionLogTest");
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    ConnectionLogTest() {
        appender.start();
        logger.addAppender(appender);
        logger.setAdditive(false); // keep the expected warnings out of the console
    }

    @AfterEach
    void detach() {
        logger.detachAppender(appender);
        logger.setLevel(null);
        logger.setAdditive(true);
    }

    /** An argument that counts how often it was turned into text. */
    private static final class Counted {
        final AtomicInteger formatted = new AtomicInteger();
        private final String text;

        Counted(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            formatted.incrementAndGet();
            return text;
        }
    }

    private List<ILoggingEvent> events(Level level) {
        return appender.list.stream().filter(e -> e.getLevel() == level).collect(Collectors.toList());
    }

    @Test
    void aWarningThatIsRateLimitedAwayIsNeverFormatted() {
        logger.setLevel(Level.WARN); // DEBUG off
        ConnectionLog log = new ConnectionLog(logger);
        Counted conn = new Counted("conn-1");
        Counted a = new Counted("A");
        Counted b = new Counted("B");
        int calls = 10_000;
        for (int i = 0; i < calls; i++) {
            log.warnRateLimited(conn, "line too long: {} and {}", a, b, null);
        }
        int logged = events(Level.WARN).size();
        assertTrue(logged >= 1 && logged < calls, logged + " of " + calls + " warnings logged: at most one per second");
        assertEquals(logged, a.formatted.get(), "the argument is formatted only for the warnings that were logged");
        assertEquals(logged, b.formatted.get());
        assertEquals("[conn-1] line too long: A and B", events(Level.WARN).get(0).getFormattedMessage());
        assertEquals(0, events(Level.DEBUG).size());
    }

    @Test
    void withDebugOnTheSuppressedWarningsAreLoggedAtDebug() {
        logger.setLevel(Level.DEBUG);
        ConnectionLog log = new ConnectionLog(logger);
        Counted a = new Counted("A");
        for (int i = 0; i < 100; i++) {
            log.warnRateLimited("conn-2", "closing: {}", a);
        }
        int warned = events(Level.WARN).size();
        List<ILoggingEvent> debug = events(Level.DEBUG);
        assertEquals(100, warned + debug.size(), "each warning is logged once, at WARN or at DEBUG");
        assertEquals(100, a.formatted.get());
        assertTrue(debug.size() > 0);
        assertEquals("[conn-2] closing: A", debug.get(0).getFormattedMessage());
    }

    @Test
    void theNextWarningCountsTheSuppressedOnes() throws Exception {
        logger.setLevel(Level.WARN);
        ConnectionLog log = new ConnectionLog(logger);
        log.warnRateLimited("conn-3", "first");
        int logged = events(Level.WARN).size();
        for (int i = 0; i < 50; i++) {
            log.warnRateLimited("conn-3", "again");
        }
        int suppressed = 50 - (events(Level.WARN).size() - logged);
        Thread.sleep(1_100); // past the one-second interval
        log.warnRateLimited("conn-3", "later");
        List<ILoggingEvent> warns = events(Level.WARN);
        String last = warns.get(warns.size() - 1).getFormattedMessage();
        assertTrue(suppressed > 0, "the 50 warnings right after the first were suppressed");
        assertEquals("[conn-3] later (" + suppressed + " similar warnings suppressed)", last);
    }

    @Test
    void nothingIsFormattedWhenWarningsAreOff() {
        logger.setLevel(Level.ERROR);
        ConnectionLog log = new ConnectionLog(logger);
        Counted a = new Counted("A");
        for (int i = 0; i < 10; i++) {
            log.warnRateLimited("conn-4", "x {}", a);
        }
        assertEquals(0, a.formatted.get());
        assertEquals(0, appender.list.size());
    }
}
