package io.ringside.examples;

import io.ringside.CloseReason;
import io.ringside.EndOfLine;
import io.ringside.HandlerFactory;
import io.ringside.Metric;
import io.ringside.ServerConfig;
import io.ringside.server.RingsideServer;
import io.ringside.server.ServerStats;
import io.ringside.testing.HandlerHarness;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The two protocols a real server needs the API for, memcached's text protocol and Redis's RESP, as
 * example handlers: through the harness (every split of the input gives the same replies), over sockets
 * on two workers sharing one store, and allocating nothing per request on the worker in steady state.
 */
@Timeout(120)
class ExampleProtocolsTest {
    private static final ServerConfig CRLF = ServerConfig.builder().endOfLine(EndOfLine.CRLF).build();

    @Test
    void memcachedGetAndSetAnswerAsMemcachedDoes() {
        HandlerHarness h = new HandlerHarness(CRLF, new MemcachedExampleHandler(new ExampleStore()));
        h.feed("set a 5 0 3\r\nabc\r\nset b 4294967295 0 0 noreply\r\n\r\nget a b c\r\n");
        assertEquals("STORED\r\nVALUE a 5 3\r\nabc\r\nVALUE b 4294967295 0\r\n\r\nEND\r\n", h.takeOutputAscii());
        h.feed("set a 0 0 3\r\nabcd\r\nget a\r\n");
        assertEquals("CLIENT_ERROR bad data chunk\r\nERROR\r\nVALUE a 5 3\r\nabc\r\nEND\r\n", h.takeOutputAscii(),
                "a block without its CRLF: error, its 5 bytes consumed (\"d\\r\" is taken as the terminator), the rest read as commands");
        h.feed("set a 0 0 x\r\nbogus\r\nset big 0 0 2000000\r\n");
        assertEquals("CLIENT_ERROR bad command line format\r\nERROR\r\nSERVER_ERROR object too large for cache\r\n", h.takeOutputAscii());
        byte[] big = new byte[2_000_000 + 2];
        Arrays.fill(big, (byte) 'g');
        big[big.length - 2] = '\r';
        big[big.length - 1] = '\n';
        h.feed(big).feed("get big a\r\n");
        assertEquals("VALUE a 5 3\r\nabc\r\nEND\r\n", h.takeOutputAscii(), "the oversized block is swallowed, not parsed");
        assertNull(h.closeReason());
    }

    @Test
    void respCommandsWithSeveralBlocksEach() {
        HandlerHarness h = new HandlerHarness(CRLF, new RespExampleHandler(new ExampleStore()));
        h.feed("*1\r\n$4\r\nPING\r\n*2\r\n$4\r\necho\r\n$5\r\nhello\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\nv1\r\n");
        h.feed("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n*2\r\n$3\r\nGET\r\n$1\r\nz\r\n");
        assertEquals("+PONG\r\n$5\r\nhello\r\n+OK\r\n$2\r\nv1\r\n$-1\r\n", h.takeOutputAscii());
        h.feed("$3\r\n");
        assertEquals("-ERR Protocol error: expected '*'\r\n", h.takeOutputAscii(), "a bad request keeps the connection");
        byte[] large = new byte[100_000]; // larger than the read buffer: delivered in chunks
        new Random(7).nextBytes(large);
        h.feed("*2\r\n$4\r\nECHO\r\n$100000\r\n").feed(large).feed("\r\n");
        byte[] out = h.takeOutput();
        byte[] header = "$100000\r\n".getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(header, Arrays.copyOf(out, header.length));
        assertArrayEquals(large, Arrays.copyOfRange(out, header.length, header.length + large.length));
        h.feed("*1\r\n$4\r\nPINGxx");
        assertEquals("-ERR Protocol error: bulk string not followed by CRLF\r\n", h.takeOutputAscii());
        assertEquals(CloseReason.LOCAL_CLOSE, h.closeReason());
    }

    @Test
    void everySplitOfTheInputGivesTheSameReplies() {
        String memcached = "set k1 1 0 5\r\nvalue\r\nget k1 k2\r\nset k2 2 0 10\r\n0123456789\r\nget k2 k1\r\nbad\r\n";
        String resp = "*3\r\n$3\r\nSET\r\n$2\r\nk1\r\n$5\r\nvalue\r\n*2\r\n$3\r\nGET\r\n$2\r\nk1\r\n*1\r\n$4\r\nPING\r\n";
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int round = 0; round < 200; round++) {
            assertSplitsAgree(() -> new MemcachedExampleHandler(new ExampleStore()), memcached, random, seed);
            assertSplitsAgree(() -> new RespExampleHandler(new ExampleStore()), resp, random, seed);
        }
    }

    private static void assertSplitsAgree(HandlerFactory factory, String input, Random random, long seed) {
        HandlerHarness whole = new HandlerHarness(CRLF, factory.newHandler());
        String expected = whole.feed(input).takeOutputAscii();
        HandlerHarness split = new HandlerHarness(CRLF, factory.newHandler());
        StringBuilder got = new StringBuilder();
        for (int i = 0; i < input.length(); ) {
            int n = 1 + random.nextInt(Math.min(12, input.length() - i));
            got.append(split.feed(input.substring(i, i + n)).takeOutputAscii());
            i += n;
        }
        assertEquals(expected, got.toString(), "seed " + seed);
    }

    @Test
    void overSocketsConnectionsOnBothWorkersShareTheStore() throws Exception {
        ServerConfig config = ServerConfig.builder().port(0).workers(2).endOfLine(EndOfLine.CRLF).build();
        ExampleStore memcachedStore = new ExampleStore();
        ExampleStore respStore = new ExampleStore();
        try (RingsideServer memcached = new RingsideServer(config, () -> new MemcachedExampleHandler(memcachedStore)).start();
             RingsideServer resp = new RingsideServer(config, () -> new RespExampleHandler(respStore)).start()) {
            for (int i = 0; i < 8; i++) { // one connection each: round-robin puts them on both workers
                exchange(memcached.localAddress(), "set key" + i + " " + i + " 0 6\r\nvalue" + i + "\r\n", "STORED\r\n", 1);
                exchange(resp.localAddress(), "*3\r\n$3\r\nSET\r\n$4\r\nkey" + i + "\r\n$6\r\nvalue" + i + "\r\n", "+OK\r\n", 1);
            }
            for (int i = 0; i < 8; i++) { // read back on other connections, so across workers
                exchange(memcached.localAddress(), "get key" + i + "\r\n", "VALUE key" + i + " " + i + " 6\r\nvalue" + i + "\r\nEND\r\n", 200);
                exchange(resp.localAddress(), "*2\r\n$3\r\nGET\r\n$4\r\nkey" + i + "\r\n", "$6\r\nvalue" + i + "\r\n", 200);
            }
            for (ServerStats perWorker : memcached.stats().workers()) {
                assertTrue(perWorker.get(Metric.OPENED) >= 4, "connections on both workers: " + perWorker.get(Metric.OPENED));
            }
        }
    }

    @Test
    void aGetHitAndASetAllocateNothingOnTheWorker() throws Exception {
        ExampleStore store = new ExampleStore();
        String set = "set key 7 0 32\r\n0123456789abcdef0123456789abcdef\r\n";
        String get = "get key other\r\n";
        String hit = "VALUE key 7 32\r\n0123456789abcdef0123456789abcdef\r\nEND\r\n";
        double perRequest = bytesPerRequest(() -> new MemcachedExampleHandler(store), set + get, "STORED\r\n" + hit);
        assertTrue(perRequest < 1.0, "memcached: " + perRequest + " bytes allocated per request");
        String respSet = "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$32\r\n0123456789abcdef0123456789abcdef\r\n";
        String respGet = "*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n";
        double respPerRequest = bytesPerRequest(() -> new RespExampleHandler(store), respSet + respGet,
                "+OK\r\n$32\r\n0123456789abcdef0123456789abcdef\r\n");
        assertTrue(respPerRequest < 1.0, "RESP: " + respPerRequest + " bytes allocated per request");
    }

    /** Worker bytes allocated per request pair (one set, one get) over 40,000 pipelined pairs, after a warm-up. */
    private static double bytesPerRequest(HandlerFactory factory, String request, String reply) throws Exception {
        ServerConfig config = ServerConfig.builder().port(0).workers(1).endOfLine(EndOfLine.CRLF).build();
        try (RingsideServer server = new RingsideServer(config, factory).start()) {
            exchange(server.localAddress(), request, reply, 20_000);
            com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long worker = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("ringside-worker-0"))
                    .findFirst().orElseThrow().getId();
            long before = threads.getThreadAllocatedBytes(worker);
            exchange(server.localAddress(), request, reply, 40_000);
            double perPair = (double) (threads.getThreadAllocatedBytes(worker) - before) / 40_000;
            System.out.printf("worker allocated %.3f bytes per request pair%n", perPair);
            return perPair / 2;
        }
    }

    /** One connection: sends {@code request} {@code times} times, pipelined in batches, checks every reply byte. */
    static void exchange(InetSocketAddress address, String request, String reply, int times) throws Exception {
        byte[] req = request.getBytes(StandardCharsets.ISO_8859_1);
        byte[] rep = reply.getBytes(StandardCharsets.ISO_8859_1);
        int batch = 64;
        ByteArrayOutputStream requests = new ByteArrayOutputStream();
        for (int i = 0; i < batch; i++) {
            requests.write(req);
        }
        byte[] batchBytes = requests.toByteArray();
        byte[] got = new byte[rep.length * batch];
        try (Socket s = new Socket(address.getAddress(), address.getPort())) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            for (int done = 0; done < times; done += batch) {
                int n = Math.min(batch, times - done);
                out.write(batchBytes, 0, req.length * n);
                out.flush();
                int read = 0;
                while (read < rep.length * n) {
                    int r = in.read(got, read, rep.length * n - read);
                    if (r < 0) {
                        throw new AssertionError("server closed after " + (done + read / rep.length) + " replies");
                    }
                    read += r;
                }
                for (int i = 0; i < n; i++) {
                    if (!Arrays.equals(got, i * rep.length, (i + 1) * rep.length, rep, 0, rep.length)) {
                        throw new AssertionError("reply " + (done + i) + " differs: "
                                + new String(got, i * rep.length, rep.length, StandardCharsets.ISO_8859_1));
                    }
                }
            }
        }
    }
}
