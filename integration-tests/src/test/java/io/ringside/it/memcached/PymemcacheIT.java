package io.ringside.it.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Python's pymemcache (Debian's python3-pymemcache, under Debian's /usr/bin/python3: the PATH may
 * hold another python3 without it) driving the target through a scripted session of its API,
 * {@code memcached/pymemcache_session.py}: set/get/get_many, gets/cas, incr/decr (wrap, floor, the
 * space padding), delete, touch, add/replace/append/prepend, binary-safe values, a 250-byte key,
 * values near and over the 1 MiB item limit, noreply. The script checks every reply and exits 1 on the
 * first mismatch; this test wants exit 0 and its closing line.
 */
@Timeout(180)
class PymemcacheIT {
    static final String PYTHON = "/usr/bin/python3";
    /** The session's number of checks: a script that stopped early prints fewer. */
    static final int CHECKS = 65;
    private static final Pattern DONE = Pattern.compile("pymemcache session: (\\d+) checks passed");

    @Test
    void scriptedSessionGetsEveryReplyRight() throws Exception {
        Tools.require(PYTHON, "python3");
        Tools.Run probe = Tools.run(List.of(PYTHON, "-c", "import pymemcache"), 30);
        assertEquals(0, probe.exit(), PYTHON + " cannot import pymemcache (Debian package python3-pymemcache): "
                + Tools.INSTALL_HINT + "\n" + probe.output());
        var script = PymemcacheIT.class.getResource("/memcached/pymemcache_session.py");
        assertNotNull(script, "memcached/pymemcache_session.py missing from the test resources");
        try (MemcachedTarget t = MemcachedTarget.start()) {
            Tools.Run run = Tools.run(List.of(PYTHON, Path.of(script.toURI()).toString(), t.host,
                    Integer.toString(t.port)), 120);
            String context = "pymemcache session against " + t + " (exit " + run.exit() + "):\n" + run.output()
                    + "\n" + t.describe();
            System.out.println(context);
            assertEquals(0, run.exit(), context);
            Matcher m = DONE.matcher(run.output());
            assertTrue(m.find(), context);
            assertEquals(CHECKS, Integer.parseInt(m.group(1)), context);
            assertTrue(t.alive(), "the server died during the session\n" + context);
        }
    }
}
