package io.ringside.services.memcached;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringside.EndOfLine;
import io.ringside.ServerConfig;
import io.ringside.server.RingsideServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A set and a get hit, and the meta protocol's ms and mg hit, allocate (well) under one byte per request on the
 * worker, over a socket, one worker: the store, the handler and the framework together, in steady state after a
 * warm-up.
 */
@Timeout(300)
class MemcachedAllocationTest {

    @Test
    void aSetAndAGetHitAllocateNothingOnTheWorker() throws Exception {
        String value = "0123456789abcdef0123456789abcdef";
        assertWorkerAllocatesNothing("set key 7 0 32\r\n" + value + "\r\nget key other\r\n",
                "STORED\r\nVALUE key 7 32\r\n" + value + "\r\nEND\r\n");
    }

    @Test
    void aMetaSetAndAMetaGetHitAllocateNothingOnTheWorker() throws Exception {
        String value = "0123456789abcdef0123456789abcdef";
        assertWorkerAllocatesNothing("ms key 32 F7 T0\r\n" + value + "\r\nmg key v f k s h t\r\n",
                "HD\r\nVA 32 f7 kkey s32 h0 t-1\r\n" + value + "\r\n");
    }

    /** Two requests, {@code request} holding both, allocate under a byte each on the worker in steady state. */
    private static void assertWorkerAllocatesNothing(String request, String reply) throws Exception {
        MemcachedContext context = MemcachedTesting.context();
        ServerConfig config = ServerConfig.builder().port(0).workers(1).endOfLine(EndOfLine.CRLF).build();
        try (RingsideServer server = new RingsideServer(config, () -> new MemcachedHandler(context)).start()) {
            exchange(server.localAddress(), request, reply, 20_000);
            com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long worker = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("ringside-worker-0")).findFirst().orElseThrow().getId();
            long before = threads.getThreadAllocatedBytes(worker);
            exchange(server.localAddress(), request, reply, 40_000);
            double perRequest = (double) (threads.getThreadAllocatedBytes(worker) - before) / 40_000 / 2;
            System.out.printf("memcached: worker allocated %.3f bytes per request (%s)%n", perRequest,
                    request.substring(0, 2));
            assertTrue(perRequest < 1.0, perRequest + " bytes allocated per request");
        }
    }

    /** One connection: sends {@code request} {@code times} times, pipelined in batches of 64, checks every reply byte. */
    private static void exchange(InetSocketAddress address, String request, String reply, int times) throws Exception {
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
                        throw new AssertionError("reply " + (done + i) + " differs");
                    }
                }
            }
        }
    }
}
