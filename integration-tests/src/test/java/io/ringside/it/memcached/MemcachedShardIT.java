package io.ringside.it.memcached;

import static io.ringside.it.memcached.ShardedKeys.Outcome.ERROR;
import static io.ringside.it.memcached.ShardedKeys.Outcome.HIT;
import static io.ringside.it.memcached.ShardedKeys.Outcome.MISS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ringside.it.memcached.ShardedKeys.Outcome;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.rubyeye.xmemcached.MemcachedClient;
import net.rubyeye.xmemcached.impl.KetamaMemcachedSessionLocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three Ringside memcached daemons (separate processes) sharded two ways, each checked the same way:
 * {@value #KEYS} keys written and every value read back, the keys spread over the daemons within 10% of
 * even (each key is on exactly one daemon, counted both by reading every daemon directly and by each
 * daemon's {@code stats curr_items}), then one daemon stopped (SIGTERM to its PID): exactly its keys
 * miss, every other key still hits with its value.
 * <ul>
 *   <li>{@link #throughTwemproxy}: Debian's twemproxy ({@link Nutcracker}) with two pools over the same
 *       three daemons, ketama with md5 and equal weights. Pool {@code eject} has
 *       {@code auto_eject_hosts: true} with {@code server_failure_limit: 1}: the stopped daemon is taken
 *       off the ring (its stats show one ejection), so its keys are misses, not errors, and can be written
 *       again (they land on the other two). Pool {@code fixed} has {@code auto_eject_hosts: false}: the
 *       ring keeps the dead daemon, so each of its keys is an error ({@code SERVER_ERROR Connection
 *       refused}) and every other key hits.</li>
 *   <li>{@link #clientSideKetama}: no proxy; xmemcached's {@link KetamaMemcachedSessionLocator} over the
 *       three daemons, weight 10 each (160 ring points per unit of weight). It drops the stopped daemon
 *       from its ring when the connection closes.</li>
 * </ul>
 * Every process started is stopped by its PID in {@code close()} (try-with-resources), passed or failed.
 *
 * <p>Threading: JUnit's test thread (the clients' I/O threads are their own).
 */
@Timeout(300)
class MemcachedShardIT {
    static final int KEYS = 30_000;
    static final List<String> NAMES = List.of("shard-1", "shard-2", "shard-3");
    /** The daemon each test stops. */
    static final int STOPPED = 2;
    /** xmemcached's ketama weight per daemon: 1,600 ring points each, so the shares vary by about 2%. */
    static final int CLIENT_WEIGHT = 10;

    private final ShardedKeys keys = new ShardedKeys(KEYS);

    @Test
    void throughTwemproxy() throws Exception {
        Tools.require(Nutcracker.PROGRAM, "nutcracker");
        List<MemcachedClient> clients = new ArrayList<>();
        try (MemcachedShards shards = MemcachedShards.start(NAMES)) {
            List<Nutcracker.Server> servers = new ArrayList<>();
            for (int d = 0; d < NAMES.size(); d++) {
                MemcachedTarget t = shards.daemons.get(d);
                servers.add(new Nutcracker.Server(NAMES.get(d), t.host, t.port, 1));
            }
            Nutcracker.Pool eject = new Nutcracker.Pool("eject", MemcachedTarget.freePort(), true);
            Nutcracker.Pool fixed = new Nutcracker.Pool("fixed", MemcachedTarget.freePort(), false);
            try (Nutcracker proxy = Nutcracker.start(List.of(eject, fixed), servers)) {
                MemcachedClient viaEject = proxyClient(eject, clients);
                MemcachedClient viaFixed = proxyClient(fixed, clients);
                keys.write(viaEject, keys.all(), "twemproxy");
                ShardedKeys.assertOutcomes(keys.read(viaEject, keys.all()), i -> HIT, "read back via pool eject");
                ShardedKeys.assertOutcomes(keys.read(viaFixed, keys.all()), i -> HIT,
                        "read back via pool fixed (same names, same ring)");
                int[] owner = spreadChecked(shards, "twemproxy ketama md5");

                System.out.printf("stopping %s (PID %d), twemproxy PID %d%n", NAMES.get(STOPPED),
                        shards.daemons.get(STOPPED).pid(), proxy.pid);
                shards.stop(STOPPED);
                proxy.awaitEjects(eject.name(), 1, 10);
                Outcome[] ejected = keys.read(viaEject, keys.all());
                ShardedKeys.assertOutcomes(ejected, i -> owner[i] == STOPPED ? MISS : HIT,
                        "pool eject after stopping " + NAMES.get(STOPPED));
                int[] others = ShardedKeys.ownedBy(owner, STOPPED, false);
                int[] lost = ShardedKeys.ownedBy(owner, STOPPED, true);
                Outcome[] kept = keys.read(viaFixed, others);
                ShardedKeys.assertOutcomes(kept, i -> HIT, "pool fixed, the keys of the running daemons");
                Outcome[] refused = keys.readOneByOne(viaFixed, lost);
                ShardedKeys.assertOutcomes(refused, i -> ERROR, "pool fixed, the keys of " + NAMES.get(STOPPED));
                assertEquals("SERVER_ERROR Connection refused", firstLine(fixed, "get " + ShardedKeys.key(lost[0])),
                        "pool fixed, a key of the stopped daemon");
                assertEquals("SERVER_ERROR Connection refused", firstLine(fixed, "get " + ShardedKeys.key(others[0])
                        + " " + ShardedKeys.key(lost[0])), "pool fixed, a multi-get with one key of the stopped daemon");
                assertEquals(0, proxy.serverEjects(fixed.name()), "pool fixed never ejects\n" + proxy.stats());
                System.out.printf("twemproxy after stopping %s: pool eject %s, pool fixed %s + %s%n",
                        NAMES.get(STOPPED), ShardedKeys.tally(ejected), ShardedKeys.tally(kept),
                        ShardedKeys.tally(refused));

                keys.write(viaEject, lost, "pool eject, " + NAMES.get(STOPPED) + " ejected");
                ShardedKeys.assertOutcomes(keys.read(viaEject, keys.all()), i -> HIT,
                        "pool eject, every key after writing the lost ones again");
                assertEquals(KEYS, shards.currItems(0) + shards.currItems(1),
                        "the two running daemons hold every key" + shards.describe());
            } finally {
                for (MemcachedClient c : clients) {
                    c.shutdown();
                }
            }
        }
    }

    @Test
    void clientSideKetama() throws Exception {
        try (MemcachedShards shards = MemcachedShards.start(NAMES)) {
            int[] weights = new int[NAMES.size()];
            Arrays.fill(weights, CLIENT_WEIGHT);
            MemcachedClient ketama = ShardedKeys.client(shards.addresses(), weights, new KetamaMemcachedSessionLocator());
            try {
                keys.write(ketama, keys.all(), "client-side ketama");
                ShardedKeys.assertOutcomes(keys.read(ketama, keys.all()), i -> HIT, "read back, client-side ketama");
                int[] owner = spreadChecked(shards, "xmemcached ketama, weight " + CLIENT_WEIGHT);

                InetSocketAddress stopped = shards.addresses().get(STOPPED);
                System.out.printf("stopping %s (PID %d)%n", NAMES.get(STOPPED), shards.daemons.get(STOPPED).pid());
                shards.stop(STOPPED);
                awaitDropped(ketama, stopped);
                Outcome[] after = keys.read(ketama, keys.all());
                ShardedKeys.assertOutcomes(after, i -> owner[i] == STOPPED ? MISS : HIT,
                        "client-side ketama after stopping " + NAMES.get(STOPPED));
                System.out.printf("client-side ketama after stopping %s: %s%n", NAMES.get(STOPPED),
                        ShardedKeys.tally(after));

                keys.write(ketama, ShardedKeys.ownedBy(owner, STOPPED, true), "client-side ketama, 2 daemons");
                ShardedKeys.assertOutcomes(keys.read(ketama, keys.all()), i -> HIT,
                        "client-side ketama, every key after writing the lost ones again");
                assertEquals(KEYS, shards.currItems(0) + shards.currItems(1),
                        "the two running daemons hold every key" + shards.describe());
            } finally {
                ketama.shutdown();
            }
        }
    }

    private static MemcachedClient proxyClient(Nutcracker.Pool pool, List<MemcachedClient> clients) throws Exception {
        MemcachedClient c = ShardedKeys.client(List.of(new InetSocketAddress("127.0.0.1", pool.port())),
                new int[] {1}, null);
        clients.add(c);
        return c;
    }

    /** The first line of the reply to {@code command}, sent over a plain socket to the pool. */
    private static String firstLine(Nutcracker.Pool pool, String command) throws IOException {
        try (Socket s = new Socket("127.0.0.1", pool.port())) {
            s.setSoTimeout((int) ShardedKeys.OP_TIMEOUT_MILLIS);
            s.getOutputStream().write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            String line = in.readLine();
            return line == null ? "<closed>" : line;
        }
    }

    /** Each key's owner, checked against each daemon's curr_items and for the 10% spread; printed. */
    private int[] spreadChecked(MemcachedShards shards, String how) throws Exception {
        int[] owner = keys.owners(shards.direct);
        int[] shares = ShardedKeys.shares(owner, NAMES.size());
        System.out.printf("%s, %d keys: %s%n", how, KEYS, ShardedKeys.describe(shares, NAMES));
        assertArrayEquals(shares, shards.currItems(), "curr_items of each daemon against the keys found on it");
        ShardedKeys.assertSpread(shares, NAMES);
        return owner;
    }

    /** Waits (at most 10 s) until the client has dropped the stopped daemon's connection. */
    private static void awaitDropped(MemcachedClient client, InetSocketAddress stopped) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (client.getAvailableServers().contains(stopped)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("xmemcached still lists " + stopped + " 10 s after it stopped: "
                        + client.getAvailableServers());
            }
            Thread.sleep(20);
        }
        assertEquals(NAMES.size() - 1, client.getAvailableServers().size(), client.getAvailableServers().toString());
    }
}
