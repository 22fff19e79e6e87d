package io.ringside;

import io.ringside.server.RingsideServer;
import io.ringside.testing.HandlerHarness;
import java.io.InputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a protocol needs of a connection: writes of every kind, half-close, writability, offloaded calls. */
@Timeout(60)
class ConnectionApiTest extends LoopbackServerTest {

    @Test
    void writesOfEveryKindQueueTheirBytes() {
        HandlerHarness h = new HandlerHarness(new LineHandler() {
            @Override
            public void onLine(Connection c, ByteSpan line) {
                ByteBuffer direct = ByteBuffer.allocateDirect(4).put("dir|".getBytes(StandardCharsets.US_ASCII)).flip();
                c.write(ByteBuffer.wrap("heap|".getBytes(StandardCharsets.US_ASCII))).write(direct)
                        .write(line, 1, 3).write("|").writeAscii(Long.MIN_VALUE).write("|").writeAscii(0)
                        .write("|").writeUnsignedAscii(-1L).write("|").write(line.slice(2, line.length())).writeEndOfLine();
                assertEquals(0, direct.remaining(), "a written buffer is consumed, as by a channel write");
            }
        });
        h.feed("abcdef\n");
        assertEquals("heap|dir|bc|-9223372036854775808|0|18446744073709551615|cdef\n", h.takeOutputAscii());
    }

    @Test
    void afterHalfCloseReceivedLinesAndStartedWorkAreAnsweredThenTheConnectionCloses() {
        List<String> events = new ArrayList<>();
        HandlerHarness h = new HandlerHarness(new LineHandler() {
            @Override
            public void onLine(Connection c, ByteSpan line) {
                String text = line.toString(StandardCharsets.US_ASCII);
                c.execute(() -> c.writeLine("task " + text));
                c.offload(() -> "offload " + text, (conn, result, failure) -> conn.writeLine(result));
                // long enough that the timers are still due after the feed, whose settle waits for the offloads
                // (a loaded machine, or a GC pause after the TLS load tests, took the 20 ms this was)
                c.schedule(Duration.ofSeconds(1), () -> c.writeLine("timer " + text));
            }

            @Override
            public void onInputEnd(Connection c) {
                events.add("input ended, open=" + c.isOpen());
                c.writeLine("bye");
            }

            @Override
            public void onClose(Connection c, CloseReason reason) {
                events.add("closed " + reason);
            }
        });
        h.feed("a\nb\n").endOfStream();
        assertEquals(List.of("input ended, open=true"), events, "the timers are still due: the connection waits for them");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (h.closeReason() == null && System.nanoTime() - deadline < 0) {
            h.settle();
            Thread.onSpinWait();
        }
        String out = h.takeOutputAscii();
        assertEquals(CloseReason.PEER_CLOSED, h.closeReason());
        for (String expected : List.of("task a", "task b", "offload a", "offload b", "timer a", "timer b", "bye")) {
            assertTrue(out.contains(expected + "\n"), expected + " missing from " + out);
        }
        assertTrue(out.indexOf("offload a") < out.indexOf("offload b"), "offloaded replies keep request order: " + out);
        assertEquals(List.of("input ended, open=true", "closed PEER_CLOSED"), events);
    }

    @Test
    void aSlowPeerStopsReadingAtTheHighWatermarkAndOnWritableResumesTheStream() {
        ServerConfig small = ServerConfig.builder().outputHighWatermark(4096).outputLowWatermark(1024).outputHardCap(1 << 20).build();
        AtomicInteger writable = new AtomicInteger();
        HandlerHarness h = new HandlerHarness(small, new LineHandler() {
            int sent;

            @Override
            public void onLine(Connection c, ByteSpan line) {
                stream(c);
            }

            private void stream(Connection c) {
                while (c.isWritable() && sent < 100) {
                    c.write("chunk-of-one-hundred-bytes-".repeat(4).substring(0, 99)).writeEndOfLine();
                    sent++;
                }
            }

            @Override
            public void onWritable(Connection c) {
                writable.incrementAndGet();
                stream(c);
            }
        });
        h.peerReadsAtMost(0); // stalled
        h.feed("go\n").feed("more\n");
        assertTrue(h.connection().pendingOutputBytes() >= 4096, "queued up to the high watermark: " + h.connection().pendingOutputBytes() + " out " + h.takeOutputAscii().length());
        assertEquals(5, h.unreadBytes(), "reading stopped at the high watermark: \"more\\n\" is not read");
        assertEquals(0, writable.get());
        h.peerReadsAtMost(100); // a slow reader: the stream resumes as output drains
        h.peerReadsEverything();
        assertTrue(writable.get() >= 2, "onWritable paced the stream: " + writable.get());
        assertEquals(100 * 100, h.takeOutput().length, "the whole stream arrived, nothing lost");
        assertEquals(0, h.unreadBytes());
        assertNull(h.closeReason());
    }

    @Test
    void offloadedCallsAnswerInRequestOrderAndPauseReadingAtTheLimit() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ServerConfig config = ServerConfig.builder().port(0).workers(1).maxOffloadsPerConnection(4).build();
        server = new RingsideServer(config, () -> new LineHandler() {
            @Override
            public void onLine(Connection c, ByteSpan line) {
                int n = Integer.parseInt(line.toString(StandardCharsets.US_ASCII));
                c.offload(() -> {
                    if (n % 2 == 0) {
                        release.await(); // a slow call: the ones after it wait for it
                    }
                    return n;
                }, (conn, result, failure) -> conn.writeAscii(result).writeEndOfLine());
            }
        }).start();
        try (Socket s = new Socket("127.0.0.1", server.localAddress().getPort())) {
            s.setSoTimeout(20_000);
            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < 20; i++) {
                lines.append(i).append('\n');
            }
            s.getOutputStream().write(lines.toString().getBytes(StandardCharsets.US_ASCII));
            await(() -> server.stats().get(Metric.LINES_IN) >= 4, "four calls in flight");
            Thread.sleep(200); // reading is paused: no more lines arrive while the first call blocks
            assertEquals(4, server.stats().get(Metric.LINES_IN), "reading paused at max-offloads-per-connection");
            release.countDown();
            InputStream in = s.getInputStream();
            StringBuilder expected = new StringBuilder();
            for (int i = 0; i < 20; i++) {
                expected.append(i).append('\n');
            }
            byte[] got = in.readNBytes(expected.length());
            assertEquals(expected.toString(), new String(got, StandardCharsets.US_ASCII), "replies in request order");
        }
    }

    @Test
    void aHandlerCanRefuseALineBeforeItsEndArrives() {
        List<String> partials = new ArrayList<>();
        LineHandler memcachedLike = new LineHandler() {
            @Override
            public void onLine(Connection c, ByteSpan line) {
                c.writeLine(line);
            }

            @Override
            public void onPartialLine(Connection c, ByteSpan soFar) {
                partials.add(soFar.toString(StandardCharsets.US_ASCII));
                if (soFar.length() >= 10 && !soFar.startsWithAscii("get ")) {
                    c.close(); // memcached: 2,048 bytes of a command line without a newline close the connection
                }
            }
        };
        HandlerHarness get = new HandlerHarness(memcachedLike);
        get.feed("get aaaa").feed("bbbbbbbb").feed("cc\n");
        assertEquals(List.of("get aaaa", "get aaaabbbbbbbb"), partials, "offered after each read that left a partial line");
        assertEquals("get aaaabbbbbbbbcc\n", get.takeOutputAscii());
        assertNull(get.closeReason());
        partials.clear();
        HandlerHarness set = new HandlerHarness(memcachedLike);
        set.feed("set aaaa").feed("bbbbbbbb");
        assertEquals(CloseReason.LOCAL_CLOSE, set.closeReason(), "refused before the newline arrived");
        assertEquals(List.of("set aaaa", "set aaaabbbbbbbb"), partials);
    }
}
