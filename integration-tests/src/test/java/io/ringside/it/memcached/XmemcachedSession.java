package io.ringside.it.memcached;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.rubyeye.xmemcached.GetsResponse;
import net.rubyeye.xmemcached.MemcachedClient;
import net.rubyeye.xmemcached.XMemcachedClientBuilder;
import net.rubyeye.xmemcached.command.TextCommandFactory;
import net.rubyeye.xmemcached.exception.MemcachedServerException;
import net.rubyeye.xmemcached.transcoders.SerializingTranscoder;
import net.rubyeye.xmemcached.utils.AddrUtil;

/**
 * A session of xmemcached's own API (text protocol) against one server, every reply checked: the
 * body of {@link XmemcachedIT} and, shortened, of the container test.
 *
 * <p>Values are {@code byte[]}, which xmemcached's transcoder stores as they are (compression is
 * switched off, or values over 16 KB would go out compressed and the size limit would not be
 * tested); {@link #rawGet} reads one back over a plain socket to prove the bytes on the server are
 * the bytes given.
 *
 * <p>Threading: confined to the test thread (the client's own I/O threads are its business).
 */
final class XmemcachedSession implements AutoCloseable {
    static final long OP_TIMEOUT_MILLIS = 10_000;
    static final int ONE_MIB = 1024 * 1024;
    /** Over 30 days, so an absolute Unix time: 1970-01-31, long past (xmemcached refuses a negative one). */
    static final int PAST = 30 * 24 * 3600 + 1;

    final String host;
    final int port;
    final MemcachedClient client;

    XmemcachedSession(String host, int port) throws IOException {
        this.host = host;
        this.port = port;
        XMemcachedClientBuilder builder = new XMemcachedClientBuilder(AddrUtil.getAddresses(host + ":" + port));
        builder.setCommandFactory(new TextCommandFactory());
        builder.setConnectionPoolSize(1);
        builder.setOpTimeout(OP_TIMEOUT_MILLIS);
        builder.setConnectTimeout(OP_TIMEOUT_MILLIS);
        builder.setFailureMode(false);
        SerializingTranscoder transcoder = new SerializingTranscoder(2 * ONE_MIB);
        transcoder.setCompressionThreshold(Integer.MAX_VALUE);
        builder.setTranscoder(transcoder);
        client = builder.build();
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    byte[] get(String key) throws Exception {
        return client.get(key);
    }

    /** The basic commands: set/get/multi-get/delete, add/replace/append/prepend, touch. */
    void basics() throws Exception {
        client.flushAll();
        assertTrue(client.set("k1", 0, bytes("v1")));
        assertArrayEquals(bytes("v1"), get("k1"));
        assertNull(get("missing"));
        assertTrue(client.set("k2", 0, bytes("v2")));
        Map<String, byte[]> many = client.get(List.of("k1", "missing", "k2"));
        assertEquals(List.of("k1", "k2"), new ArrayList<>(new java.util.TreeMap<>(many).keySet()));
        assertArrayEquals(bytes("v1"), many.get("k1"));
        assertArrayEquals(bytes("v2"), many.get("k2"));
        assertTrue(client.delete("k1"));
        assertFalse(client.delete("k1"));
        assertNull(get("k1"));

        assertTrue(client.add("a", 0, bytes("1")));
        assertFalse(client.add("a", 0, bytes("2")));
        assertArrayEquals(bytes("1"), get("a"));
        assertTrue(client.replace("a", 0, bytes("3")));
        assertFalse(client.replace("b", 0, bytes("3")));
        assertTrue(client.append("a", bytes("45")));
        assertTrue(client.prepend("a", bytes("012")));
        assertArrayEquals(bytes("012345"), get("a"));
        assertFalse(client.append("missing", bytes("x")));
        assertFalse(client.prepend("missing", bytes("x")));

        assertTrue(client.set("e", 1000, bytes("x")));
        assertTrue(client.touch("e", 2000));
        assertFalse(client.touch("missing", 10));
        assertTrue(client.set("gone", PAST, bytes("x")));
        assertNull(get("gone"), "an absolute exptime in the past is already expired");
    }

    /** gets/cas: a stale CAS loses, a missing key is not stored, every update changes the CAS. */
    void casRules() throws Exception {
        assertTrue(client.set("c", 0, bytes("first")));
        GetsResponse<byte[]> first = client.gets("c");
        assertNotNull(first);
        assertArrayEquals(bytes("first"), first.getValue());
        assertTrue(client.cas("c", 0, bytes("second"), first.getCas()));
        assertFalse(client.cas("c", 0, bytes("third"), first.getCas()), "a stale CAS must lose");
        assertArrayEquals(bytes("second"), get("c"));
        GetsResponse<byte[]> second = client.gets("c");
        assertNotEquals(first.getCas(), second.getCas());
        assertFalse(client.cas("missing-c", 0, bytes("x"), second.getCas()));
        Map<String, GetsResponse<byte[]>> many = client.gets(List.of("c", "missing", "a"));
        assertEquals(2, many.size(), many.toString());
        assertEquals(second.getCas(), many.get("c").getCas());
    }

    /** incr/decr on stored decimal text: wrap at 2^64, floor at 0, the space padding, non-numeric. */
    void counters() throws Exception {
        assertTrue(client.set("n", 0, bytes("10")));
        assertEquals(15, client.incr("n", 5));
        assertEquals(12, client.decr("n", 3));
        assertEquals(0, client.decr("n", 100));
        assertTrue(client.set("n", 0, bytes("18446744073709551615")));
        assertEquals(0, client.incr("n", 1), "incr wraps at 2^64");
        assertTrue(client.set("n", 0, bytes("100")));
        assertEquals(99, client.decr("n", 1));
        assertArrayEquals(bytes("99 "), rawGet("n"), "decr keeps the length, padding with a space");
        assertTrue(client.set("t", 0, bytes("abc")));
        assertThrows(Exception.class, () -> client.incr("t", 1), "incr of a non-numeric value");
        assertArrayEquals(bytes("abc"), get("t"));
    }

    /** Binary-safe values, a 250-byte key, values near and over the 1 MiB item limit. */
    void valuesAndLimits() throws Exception {
        byte[] every = new byte[256];
        for (int i = 0; i < every.length; i++) {
            every[i] = (byte) i;
        }
        assertTrue(client.set("bin", 0, every));
        assertArrayEquals(every, get("bin"));
        assertArrayEquals(every, rawGet("bin"), "the server holds the bytes as given");
        byte[] crlf = bytes("line1\r\nEND\r\nVALUE x 0 1\r\n\r\n");
        assertTrue(client.set("crlf", 0, crlf));
        assertArrayEquals(crlf, get("crlf"));
        assertTrue(client.set("empty", 0, new byte[0]));
        assertArrayEquals(new byte[0], get("empty"));

        String k250 = "k".repeat(250);
        assertTrue(client.set(k250, 0, bytes("long")));
        assertArrayEquals(bytes("long"), get(k250));
        assertThrows(IllegalArgumentException.class, () -> client.set("k".repeat(251), 0, bytes("x")));

        byte[] big = new byte[ONE_MIB - 1024];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 7 + 3);
        }
        assertTrue(client.set("big", 0, big));
        assertArrayEquals(big, get("big"));
        assertArrayEquals(big, rawGet("big"));
        assertTrue(client.set("big2", 0, bytes("old")));
        assertThrows(MemcachedServerException.class, () -> client.set("big2", 0, new byte[ONE_MIB + 1]));
        assertArrayEquals(big, get("big"), "the connection still works after a too-large set");
        assertNull(get("big2"), "a too-large set removes the old value");
    }

    /** noreply variants change the store; the next replied command sees the change. */
    void noreply() throws Exception {
        client.setWithNoReply("nr", 0, bytes("1"));
        client.addWithNoReply("nr2", 0, bytes("2"));
        client.incrWithNoReply("nr", 5);
        client.appendWithNoReply("nr", bytes("x"));
        client.deleteWithNoReply("k2");
        assertArrayEquals(bytes("6x"), get("nr"));
        assertArrayEquals(bytes("2"), get("nr2"));
        assertNull(get("k2"));
    }

    /** 100 keys in one multi-get, each value checked, 20 misses mixed in. */
    void wideMultiGet() throws Exception {
        Map<String, byte[]> expected = new LinkedHashMap<>();
        for (int i = 0; i < 100; i++) {
            expected.put(String.format("m%03d", i), bytes("value-" + i));
        }
        for (Map.Entry<String, byte[]> e : expected.entrySet()) {
            assertTrue(client.set(e.getKey(), 0, e.getValue()));
        }
        List<String> keys = new ArrayList<>(expected.keySet());
        for (int i = 0; i < 20; i++) {
            keys.add(i * 5, "missing-" + i);
        }
        Map<String, byte[]> got = client.get(keys);
        assertEquals(expected.size(), got.size());
        for (Map.Entry<String, byte[]> e : expected.entrySet()) {
            assertArrayEquals(e.getValue(), got.get(e.getKey()), e.getKey());
        }
    }

    /** {@code get key} over a plain socket: the value's bytes as the server sends them (null on a miss). */
    byte[] rawGet(String key) throws IOException {
        try (Socket s = new Socket(host, port)) {
            s.setSoTimeout((int) OP_TIMEOUT_MILLIS);
            s.getOutputStream().write(bytes("get " + key + "\r\n"));
            InputStream in = s.getInputStream();
            String header = readLine(in);
            if (header.equals("END")) {
                return null;
            }
            String[] f = header.split(" ");
            assertEquals("VALUE", f[0], header);
            assertEquals(key, f[1], header);
            byte[] data = in.readNBytes(Integer.parseInt(f[3]));
            assertEquals("", readLine(in), "the data block ends with \\r\\n");
            assertEquals("END", readLine(in));
            return data;
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int i = 0; i < 4096; i++) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed mid-line: " + line);
            }
            if (c == '\n') {
                String s = line.toString(StandardCharsets.ISO_8859_1);
                assertTrue(s.endsWith("\r"), "line without \\r: " + s);
                return s.substring(0, s.length() - 1);
            }
            line.write(c);
        }
        throw new IOException("line longer than 4096 bytes");
    }

    @Override
    public void close() throws IOException {
        client.shutdown();
    }
}
