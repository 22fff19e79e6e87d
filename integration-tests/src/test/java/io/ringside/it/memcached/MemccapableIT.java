package io.ringside.it.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * libmemcached's conformance tool, {@code memccapable -a} (ASCII protocol tests only), against the
 * target ({@link MemcachedTarget}): every test it runs must report {@code [pass]}.
 */
@Timeout(180)
class MemccapableIT {
    static final String MEMCCAPABLE = "/usr/bin/memccapable";
    /** One result line: "ascii set noreply                       [pass]". */
    private static final Pattern RESULT = Pattern.compile("^(ascii .+?)\\s+\\[(\\w+)\\]\\s*$", Pattern.MULTILINE);
    /** memccapable 1.0.18 (Debian 12) runs 27 ASCII tests; fewer means it stopped early. */
    static final int ASCII_TESTS = 27;

    @Test
    void everyAsciiTestPasses() throws Exception {
        Tools.require(MEMCCAPABLE, "libmemcached-tools");
        try (MemcachedTarget t = MemcachedTarget.start()) {
            Tools.Run run = Tools.run(List.of(MEMCCAPABLE, "-a", "-t", "10", "-h", t.host, "-p",
                    Integer.toString(t.port)), 120);
            String context = "memccapable against " + t + " (exit " + run.exit() + "):\n" + run.output()
                    + "\n" + t.describe();
            System.out.println(context);
            List<String> passed = new ArrayList<>();
            List<String> notPassed = new ArrayList<>();
            Matcher m = RESULT.matcher(run.output());
            while (m.find()) {
                (m.group(2).equals("pass") ? passed : notPassed).add(m.group(1) + " [" + m.group(2) + "]");
            }
            assertEquals(List.of(), notPassed, context);
            assertEquals(ASCII_TESTS, passed.size(), "tests passed: " + passed + "\n" + context);
            assertTrue(run.output().contains("All tests passed"), context);
            assertEquals(0, run.exit(), context);
            assertTrue(t.alive(), "the server died during the run\n" + context);
        }
    }
}
