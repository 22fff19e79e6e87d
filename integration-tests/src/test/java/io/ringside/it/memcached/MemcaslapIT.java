package io.ringside.it.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

/**
 * libmemcached's load tool {@code memcaslap} against the target, with verification of every value it
 * reads back ({@code --verify=1}), bounded by an operation count ({@code -x}) and by the tool's time
 * limit. Asserted: zero verify failures, zero misses (the server has memory for everything written,
 * so a miss is a lost item), every operation done, and the server alive afterwards.
 *
 * <p>Not used, on purpose: {@code -e} (expiry: memcaslap's own timing makes misses on any server)
 * and {@code -o} (overwrite: memcaslap 1.0.18 reports verify failures against memcached 1.6.18
 * itself), and more than one memcaslap thread (its threads read keys another thread has not set yet).
 */
@Timeout(180)
class MemcaslapIT {
    static final String MEMCASLAP = "/usr/bin/memcaslap";
    static final long OPERATIONS = 100_000;
    private static final Pattern FIELD = Pattern.compile("^(\\w+): (\\d+)\\s*$", Pattern.MULTILINE);

    @ParameterizedTest(name = "{0}-byte values")
    @ValueSource(ints = {100, 1000})
    void verifiedLoadHasNoErrors(int valueSize) throws Exception {
        Tools.require(MEMCASLAP, "libmemcached-tools");
        try (MemcachedTarget t = MemcachedTarget.start(List.of("-m", "1024", "-t", "2"))) {
            List<String> cmd = new ArrayList<>(List.of(MEMCASLAP, "-s", t.address(), "-T", "1", "-c", "4",
                    "-x", Long.toString(OPERATIONS), "-X", Integer.toString(valueSize), "--verify=1", "-b"));
            Tools.Run run = Tools.run(cmd, 120);
            String context = String.join(" ", cmd) + " (exit " + run.exit() + "):\n" + run.output() + "\n" + t.describe();
            System.out.println(context);
            Map<String, Long> f = new HashMap<>();
            Matcher m = FIELD.matcher(run.output());
            while (m.find()) {
                f.put(m.group(1), Long.parseLong(m.group(2)));
            }
            assertEquals(0, run.exit(), context);
            assertEquals(0L, f.getOrDefault("verify_failed", -1L), context);
            assertEquals(0L, f.getOrDefault("verify_misses", -1L), context);
            assertEquals(0L, f.getOrDefault("get_misses", -1L), context);
            long gets = f.getOrDefault("cmd_get", 0L);
            long sets = f.getOrDefault("cmd_set", 0L);
            assertEquals(OPERATIONS, gets + sets, "every operation done\n" + context);
            assertTrue(gets > 0 && sets > 0, context);
            assertTrue(run.output().contains("Ops: " + OPERATIONS), context);
            assertTrue(t.alive(), "the server died during the run\n" + context);
        }
    }
}
