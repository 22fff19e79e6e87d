package io.ringside.it.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import net.rubyeye.xmemcached.MemcachedClient;
import net.rubyeye.xmemcached.MemcachedSessionLocator;
import net.rubyeye.xmemcached.XMemcachedClientBuilder;
import net.rubyeye.xmemcached.command.TextCommandFactory;
import net.rubyeye.xmemcached.transcoders.SerializingTranscoder;

/**
 * The key set of the sharding tests and the checks made on it: {@code count} keys, each with its own
 * value (8 to 120 bytes), written through a client and read back in multi-gets of {@value #BATCH}
 * keys; each key's owner (the one daemon that holds it, read from every daemon directly), the spread of
 * the keys over the daemons, and the outcome of every read after a daemon was stopped.
 *
 * <p>Threading: confined to the test thread (the clients' I/O threads are their own).
 */
final class ShardedKeys {
    static final int BATCH = 100;
    static final long OP_TIMEOUT_MILLIS = 10_000;
    /** Each daemon's share must be within this fraction of an even share. */
    static final double MAX_SKEW = 0.10;

    /** What one read of one key gave. */
    enum Outcome { HIT, MISS, WRONG_VALUE, ERROR, NOT_READ }

    final int count;

    ShardedKeys(int count) {
        this.count = count;
    }

    static String key(int i) {
        return String.format(Locale.ROOT, "shard:%05d", i);
    }

    static byte[] value(int i) {
        return ("value-" + i + ";").repeat(1 + i % 10).getBytes(StandardCharsets.UTF_8);
    }

    int[] all() {
        return IntStream.range(0, count).toArray();
    }

    /**
     * An xmemcached client over {@code servers} (text protocol, values as given: no compression, no
     * heartbeat, which twemproxy would not answer), located by {@code locator}, or the default when null.
     */
    static MemcachedClient client(List<InetSocketAddress> servers, int[] weights, MemcachedSessionLocator locator)
            throws java.io.IOException {
        XMemcachedClientBuilder builder = new XMemcachedClientBuilder(servers, weights);
        builder.setCommandFactory(new TextCommandFactory());
        builder.setConnectionPoolSize(1);
        builder.setOpTimeout(OP_TIMEOUT_MILLIS);
        builder.setConnectTimeout(OP_TIMEOUT_MILLIS);
        builder.setFailureMode(false);
        if (locator != null) {
            builder.setSessionLocator(locator);
        }
        SerializingTranscoder transcoder = new SerializingTranscoder();
        transcoder.setCompressionThreshold(Integer.MAX_VALUE);
        builder.setTranscoder(transcoder);
        MemcachedClient client = builder.build();
        client.setEnableHeartBeat(false);
        return client;
    }

    /** Sets every key of {@code indices}; each must answer STORED. */
    void write(MemcachedClient client, int[] indices, String via) throws Exception {
        for (int i : indices) {
            assertTrue(client.set(key(i), 0, value(i)), "set " + key(i) + " via " + via + " not stored");
        }
    }

    /** Reads {@code indices} in multi-gets; a multi-get that throws marks all its keys ERROR. */
    Outcome[] read(MemcachedClient client, int[] indices) throws InterruptedException {
        Outcome[] got = new Outcome[count];
        Arrays.fill(got, Outcome.NOT_READ);
        for (int from = 0; from < indices.length; from += BATCH) {
            int[] batch = Arrays.copyOfRange(indices, from, Math.min(indices.length, from + BATCH));
            List<String> keys = new ArrayList<>(batch.length);
            for (int i : batch) {
                keys.add(key(i));
            }
            try {
                Map<String, byte[]> values = client.get(keys);
                for (int i : batch) {
                    byte[] v = values.get(key(i));
                    got[i] = v == null ? Outcome.MISS : Arrays.equals(value(i), v) ? Outcome.HIT : Outcome.WRONG_VALUE;
                }
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                for (int i : batch) {
                    got[i] = Outcome.ERROR;
                }
            }
        }
        return got;
    }

    /** Reads {@code indices} one {@code get} each: an exception is that key's ERROR only. */
    Outcome[] readOneByOne(MemcachedClient client, int[] indices) throws InterruptedException {
        Outcome[] got = new Outcome[count];
        Arrays.fill(got, Outcome.NOT_READ);
        for (int i : indices) {
            try {
                byte[] v = client.get(key(i));
                got[i] = v == null ? Outcome.MISS : Arrays.equals(value(i), v) ? Outcome.HIT : Outcome.WRONG_VALUE;
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                got[i] = Outcome.ERROR;
            }
        }
        return got;
    }

    /** How many of each outcome (NOT_READ left out). */
    static Map<Outcome, Integer> tally(Outcome[] got) {
        Map<Outcome, Integer> t = new EnumMap<>(Outcome.class);
        for (Outcome o : got) {
            if (o != Outcome.NOT_READ) {
                t.merge(o, 1, Integer::sum);
            }
        }
        return t;
    }

    /** Fails unless every key read gave {@code expected.apply(key)}; the message has counts and examples. */
    static void assertOutcomes(Outcome[] got, IntFunction<Outcome> expected, String what) {
        int wrong = 0;
        StringBuilder examples = new StringBuilder();
        for (int i = 0; i < got.length; i++) {
            if (got[i] != Outcome.NOT_READ && got[i] != expected.apply(i)) {
                if (++wrong <= 5) {
                    examples.append("\n  ").append(key(i)).append(": ").append(got[i])
                            .append(", expected ").append(expected.apply(i));
                }
            }
        }
        assertEquals(0, wrong, what + ": " + wrong + " keys not as expected " + tally(got) + examples);
    }

    /**
     * Each key's owner: the index of the one daemon (read directly, {@code direct.get(d)}) holding it
     * with its value. Fails if a key is on none, on two, or has a wrong value anywhere.
     */
    int[] owners(List<MemcachedClient> direct) throws InterruptedException {
        int[] owner = new int[count];
        Arrays.fill(owner, -1);
        for (int d = 0; d < direct.size(); d++) {
            Outcome[] got = read(direct.get(d), all());
            for (int i = 0; i < count; i++) {
                assertTrue(got[i] == Outcome.HIT || got[i] == Outcome.MISS,
                        key(i) + " on daemon " + d + ": " + got[i]);
                if (got[i] == Outcome.HIT) {
                    assertEquals(-1, owner[i], key(i) + " is on daemon " + owner[i] + " and on daemon " + d);
                    owner[i] = d;
                }
            }
        }
        for (int i = 0; i < count; i++) {
            assertTrue(owner[i] >= 0, key(i) + " is on no daemon");
        }
        return owner;
    }

    /** Keys per daemon. */
    static int[] shares(int[] owner, int daemons) {
        int[] n = new int[daemons];
        for (int d : owner) {
            n[d]++;
        }
        return n;
    }

    /** The indices of the keys {@code daemon} owns (or, with {@code owned} false, does not own). */
    static int[] ownedBy(int[] owner, int daemon, boolean owned) {
        return IntStream.range(0, owner.length).filter(i -> (owner[i] == daemon) == owned).toArray();
    }

    /** "name 9706 (-2.9%), ..." for the printed report. */
    static String describe(int[] shares, List<String> names) {
        int total = Arrays.stream(shares).sum();
        double even = (double) total / shares.length;
        StringBuilder s = new StringBuilder();
        for (int d = 0; d < shares.length; d++) {
            s.append(d == 0 ? "" : ", ").append(names.get(d)).append(' ').append(shares[d])
                    .append(String.format(Locale.ROOT, " (%+.1f%%)", 100 * (shares[d] - even) / even));
        }
        return s.toString();
    }

    /** Fails unless every daemon holds an even share within {@link #MAX_SKEW}. */
    static void assertSpread(int[] shares, List<String> names) {
        int total = Arrays.stream(shares).sum();
        double even = (double) total / shares.length;
        for (int d = 0; d < shares.length; d++) {
            assertTrue(Math.abs(shares[d] - even) <= MAX_SKEW * even,
                    names.get(d) + " holds " + shares[d] + " keys, more than 10% off an even " + even + ": "
                            + describe(shares, names));
        }
    }
}
