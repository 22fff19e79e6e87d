package io.ringside;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringside.testing.HandlerHarness;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Raw mode (unframed bytes, half-closure, reading not held by its own output) and shutdownOutput, without sockets. */
class RawModeTest {

    /** Records every raw chunk; optionally echoes it back. */
    static class RawRecorder extends LineHandler {
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        final List<String> events = new ArrayList<>();
        boolean echo;

        @Override
        public void onOpen(Connection c) {
            c.readRaw();
        }

        @Override
        public void onLine(Connection c, ByteSpan line) {
            events.add("line:" + line.toString(StandardCharsets.ISO_8859_1));
        }

        @Override
        public void onBlock(Connection c, ByteSpan chunk, boolean last) {
            assertFalse(last, "a raw chunk is never the last");
            byte[] bytes = chunk.toByteArray();
            received.write(bytes, 0, bytes.length);
            if (echo) {
                c.write(chunk);
            }
        }

        @Override
        public void onInputEnd(Connection c) {
            events.add("input-end");
        }

        @Override
        public void onWritable(Connection c) {
            events.add("writable");
        }

        @Override
        public void onClose(Connection c, CloseReason reason) {
            events.add("close:" + reason);
        }
    }

    @Test
    void everyByteArrivesUnframedWhateverTheSplit() {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        byte[] all = new byte[100_000];
        random.nextBytes(all); // every byte value, newlines and NULs among them, and no line limit applies
        RawRecorder handler = new RawRecorder();
        HandlerHarness h = new HandlerHarness(ServerConfig.builder().maxLineBytes(16).build(), handler);
        for (int at = 0; at < all.length; ) {
            int n = Math.min(all.length - at, 1 + random.nextInt(40_000));
            h.feed(java.util.Arrays.copyOfRange(all, at, at + n));
            at += n;
        }
        assertArrayEquals(all, handler.received.toByteArray(), "seed " + seed);
        assertEquals(List.of(), handler.events, "no line, no error: seed " + seed);
        assertNull(h.closeReason());
    }

    @Test
    void bytesBufferedBeforeRawModeComeFirstAfterTheLineThatSwitched() {
        List<String> seen = new ArrayList<>();
        HandlerHarness h = new HandlerHarness(new LineHandler() {
            @Override
            public void onLine(Connection c, ByteSpan line) {
                seen.add("line:" + line.toString(StandardCharsets.US_ASCII));
                c.readRaw(); // a CONNECT-style switch: from here on, a tunnel
            }

            @Override
            public void onBlock(Connection c, ByteSpan chunk, boolean last) {
                seen.add("raw:" + chunk.toString(StandardCharsets.US_ASCII));
            }
        });
        h.feed("CONNECT x\nrest\nmore");
        h.feed("\nand\r\n");
        assertEquals(List.of("line:CONNECT x", "raw:rest\nmore", "raw:\nand\r\n"), seen);
    }

    @Test
    void rawModeWhileABlockIsPendingIsRefused() {
        HandlerHarness h = new HandlerHarness(new LineHandler() {
            @Override
            public void onLine(Connection c, ByteSpan line) {
            }
        });
        h.connection().readBlock(10);
        assertThrows(IllegalStateException.class, () -> h.connection().readRaw());
    }

    @Test
    void inRawModeItsOwnPendingOutputDoesNotStopReadingButOnWritableStillComes() {
        ServerConfig config = ServerConfig.builder().outputHighWatermark(1024).outputLowWatermark(256).build();
        RawRecorder raw = new RawRecorder();
        raw.echo = true;
        HandlerHarness h = new HandlerHarness(config, raw);
        h.peerReadsAtMost(0); // the peer stalls
        byte[] chunk = new byte[1000];
        for (int i = 0; i < 4; i++) {
            h.feed(chunk);
        }
        assertEquals(0, h.unreadBytes(), "raw: reading goes on above the high watermark");
        assertEquals(4000, h.connection().pendingOutputBytes());
        assertFalse(h.connection().isWritable());
        assertEquals(List.of(), raw.events);
        h.peerReadsEverything();
        assertEquals(List.of("writable"), raw.events, "onWritable once the output drained below the low watermark");
        assertEquals(4000, h.takeOutput().length);

        RecordingHandler lines = new RecordingHandler(true); // the same in line mode: reading stops
        HandlerHarness l = new HandlerHarness(config, lines);
        l.peerReadsAtMost(0);
        String line = "x".repeat(999) + "\n";
        for (int i = 0; i < 4; i++) {
            l.feed(line);
        }
        assertTrue(l.unreadBytes() > 0, "line mode: the connection stopped reading at its high watermark");
    }

    @Test
    void afterTheInputEndsARawConnectionStaysOpenForOutputUntilItShutsItDown() {
        RawRecorder raw = new RawRecorder();
        HandlerHarness h = new HandlerHarness(raw);
        h.feed("request").endOfStream();
        assertEquals(List.of("input-end"), raw.events);
        assertNull(h.closeReason(), "half-closed, not closed: the other direction goes on");
        h.connection().write("response, part 1; ".getBytes(StandardCharsets.US_ASCII));
        h.settle();
        h.connection().write("part 2".getBytes(StandardCharsets.US_ASCII));
        h.settle();
        assertEquals("response, part 1; part 2", h.takeOutputAscii(), "writes from outside a handler call are flushed");
        h.connection().shutdownOutput();
        assertTrue(h.peerSawEndOfStream());
        assertEquals(CloseReason.PEER_CLOSED, h.closeReason(), "both directions ended: closed");
        assertEquals(List.of("input-end", "close:PEER_CLOSED"), raw.events);
    }

    @Test
    void shutdownOutputSendsTheFinAfterWhatWasQueuedAndIgnoresLaterWrites() {
        RawRecorder raw = new RawRecorder();
        HandlerHarness h = new HandlerHarness(raw);
        h.peerReadsAtMost(0);
        h.connection().write("queued first".getBytes(StandardCharsets.US_ASCII));
        h.connection().shutdownOutput();
        h.connection().write("ignored".getBytes(StandardCharsets.US_ASCII));
        assertFalse(h.peerSawEndOfStream(), "not before the queued bytes are out");
        h.peerReadsEverything();
        assertTrue(h.peerSawEndOfStream());
        assertEquals("queued first", h.takeOutputAscii());
        h.feed("input still arrives");
        assertEquals("input still arrives", raw.received.toString(StandardCharsets.US_ASCII));
        assertNull(h.closeReason());
        h.endOfStream();
        assertEquals(CloseReason.PEER_CLOSED, h.closeReason());
        assertEquals(List.of("input-end", "close:PEER_CLOSED"), raw.events);
    }

    @Test
    void aLineConnectionThatShutsItsOutputDownClosesWhenItsInputEnds() {
        RecordingHandler lines = new RecordingHandler(false);
        HandlerHarness h = new HandlerHarness(lines);
        h.connection().shutdownOutput();
        assertTrue(h.peerSawEndOfStream());
        h.feed("still read\n").endOfStream();
        assertEquals(List.of("open", "line:still read", "close:PEER_CLOSED"), lines.events);
    }

    @Test
    void aConnectWithoutNetworkFailsAfterTheCallNotInsideIt() {
        List<String> events = new ArrayList<>();
        HandlerHarness h = new HandlerHarness(new LineHandler() {
            @Override
            public void onLine(Connection c, ByteSpan line) {
                c.connect(new InetSocketAddress("127.0.0.1", 9), Duration.ofSeconds(1), new LineHandler() {
                    @Override
                    public void onOpen(Connection out) {
                        events.add("open");
                    }

                    @Override
                    public void onLine(Connection out, ByteSpan l) {
                    }

                    @Override
                    public void onClose(Connection out, CloseReason reason) {
                        events.add("close:" + reason);
                    }
                });
                events.add("connect returned");
            }
        });
        h.feed("go\n");
        assertEquals(List.of("connect returned", "close:CONNECT_FAILED"), events, "the harness has no network");
        assertThrows(IllegalArgumentException.class,
                () -> h.connection().connect(new InetSocketAddress("127.0.0.1", 9), Duration.ZERO, new RecordingHandler(false)));
    }
}
