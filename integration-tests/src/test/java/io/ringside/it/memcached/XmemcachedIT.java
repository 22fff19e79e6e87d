package io.ringside.it.memcached;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * xmemcached (a Java client from Maven Central, text protocol) driving the target through its own
 * API; see {@link XmemcachedSession} for what each part checks. One server for the class, the
 * session's parts in order (each starts from what the earlier ones left; basics flushes first).
 */
@Timeout(120)
class XmemcachedIT {
    private static MemcachedTarget target;
    private static XmemcachedSession session;

    @BeforeAll
    static void start() throws Exception {
        target = MemcachedTarget.start();
        session = new XmemcachedSession(target.host, target.port);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (session != null) {
                session.close();
            }
        } finally {
            if (target != null) {
                assertTrue(target.alive(), "the server died during the session\n" + target.describe());
                target.close();
            }
        }
    }

    @Test
    void session() throws Exception {
        session.basics();
        session.casRules();
        session.counters();
        session.valuesAndLimits();
        session.noreply();
        session.wideMultiGet();
    }
}
