package io.ringside.it.memcached;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.rubyeye.xmemcached.MemcachedClient;

/**
 * Ringside memcached daemons as separate processes (each {@code java -jar ringside.jar memcached} on its
 * own free loopback port, see {@link MemcachedTarget}), each with a client of its own that talks to it
 * alone: to see which keys each daemon holds and to read its {@code stats}. {@link #close()} stops every
 * client and every daemon still running, by its PID.
 *
 * <p>Threading: confined to the test thread.
 */
final class MemcachedShards implements AutoCloseable {
    static final List<String> FLAGS = List.of("-m", "64", "-t", "1");

    final List<String> names;
    final List<MemcachedTarget> daemons = new ArrayList<>();
    final List<MemcachedClient> direct = new ArrayList<>();

    private MemcachedShards(List<String> names) {
        this.names = names;
    }

    /** One daemon per name, started one after the other; on a failure the ones started are stopped. */
    static MemcachedShards start(List<String> names) throws Exception {
        MemcachedShards s = new MemcachedShards(names);
        try {
            for (int d = 0; d < names.size(); d++) {
                MemcachedTarget t = MemcachedTarget.startRingside(FLAGS);
                s.daemons.add(t);
                s.direct.add(ShardedKeys.client(List.of(new InetSocketAddress(t.host, t.port)), new int[] {1}, null));
            }
            return s;
        } catch (Exception | Error e) {
            s.close();
            throw e;
        }
    }

    List<InetSocketAddress> addresses() {
        List<InetSocketAddress> a = new ArrayList<>();
        for (MemcachedTarget t : daemons) {
            a.add(new InetSocketAddress(t.host, t.port));
        }
        return a;
    }

    /** Daemon {@code d}'s {@code curr_items}, from its {@code stats} reply. */
    int currItems(int d) throws Exception {
        Map<InetSocketAddress, Map<String, String>> stats = direct.get(d).getStats();
        assertFalse(stats.isEmpty(), "no stats from " + daemons.get(d).describe());
        String items = stats.values().iterator().next().get("curr_items");
        assertNotNull(items, "no curr_items in the stats of " + names.get(d) + ": " + stats);
        return Integer.parseInt(items);
    }

    /** Every daemon's {@code curr_items}. */
    int[] currItems() throws Exception {
        int[] n = new int[daemons.size()];
        for (int d = 0; d < n.length; d++) {
            n[d] = currItems(d);
        }
        return n;
    }

    /** Stops daemon {@code d} (SIGTERM to its PID: it drains and exits) and its direct client. */
    void stop(int d) throws Exception {
        direct.get(d).shutdown();
        MemcachedTarget t = daemons.get(d);
        t.close();
        assertFalse(t.alive(), names.get(d) + " still runs after SIGTERM\n" + t.describe());
    }

    /** For failure messages: every daemon and its output. */
    String describe() {
        StringBuilder s = new StringBuilder();
        for (int d = 0; d < daemons.size(); d++) {
            s.append('\n').append(names.get(d)).append(": ").append(daemons.get(d).describe());
        }
        return s.toString();
    }

    @Override
    public void close() {
        for (MemcachedClient c : direct) {
            try {
                c.shutdown();
            } catch (Exception e) {
                // best effort: the daemons below are stopped regardless
            }
        }
        for (MemcachedTarget t : daemons) {
            t.close();
        }
    }
}
