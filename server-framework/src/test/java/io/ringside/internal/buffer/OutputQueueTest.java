package io.ringside.internal.buffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringside.ByteSpan;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The output queue on its own, over 8-byte pooled buffers so that nearly every append crosses a buffer
 * boundary, written to a fake peer that takes at most k bytes per gathering write.
 */
class OutputQueueTest {
    private static final int TINY = 8;

    /** A peer that takes at most {@code limit} bytes per write and remembers every buffer it was shown. */
    private static final class SlowPeer implements OutputQueue.BufferSink {
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        final Set<ByteBuffer> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        long limit;
        int writes;

        SlowPeer(long limit) {
            this.limit = limit;
        }

        @Override
        public long write(ByteBuffer[] buffers, int offset, int length) {
            writes++;
            long budget = limit;
            long taken = 0;
            for (int i = offset; i < offset + length; i++) {
                ByteBuffer b = buffers[i];
                seen.add(b);
                while (budget > 0 && b.hasRemaining()) {
                    received.write(b.get());
                    budget--;
                    taken++;
                }
            }
            return taken;
        }

        String text() {
            return received.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** A span of the application's (not the framework's InputSpan), with padding either side. */
    private static final class AppSpan implements ByteSpan {
        private final byte[] bytes;

        AppSpan(String text) {
            this.bytes = ("#" + text + "#").getBytes(StandardCharsets.ISO_8859_1);
        }

        @Override
        public int length() {
            return bytes.length - 2;
        }

        @Override
        public byte byteAt(int index) {
            java.util.Objects.checkIndex(index, length());
            return bytes[1 + index];
        }

        @Override
        public void copyTo(byte[] dst, int dstOffset) {
            System.arraycopy(bytes, 1, dst, dstOffset, length());
        }

        @Override
        public String toString(Charset charset) {
            return new String(bytes, 1, length(), charset);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Writes everything out to {@code peer}, bounded. */
    private static void flushAll(OutputQueue q, SlowPeer peer) throws Exception {
        for (int i = 0; q.pending() > 0; i++) {
            assertTrue(i < 1_000_000, "the queue does not drain");
            q.writeTo(peer);
        }
    }

    @Test
    void appendsOfEveryKindAcrossManyBuffersAndPartialWritesKeepEveryByteInOrder() throws Exception {
        long seed = System.nanoTime();
        Random r = new Random(seed);
        for (int round = 0; round < 300; round++) {
            BufferPool pool = new BufferPool(TINY, 64);
            OutputQueue q = new OutputQueue(pool);
            SlowPeer peer = new SlowPeer(0);
            StringBuilder expected = new StringBuilder();
            for (int op = 0; op < 40; op++) {
                StringBuilder piece = new StringBuilder();
                for (int i = r.nextInt(30); i > 0; i--) {
                    piece.append((char) ('a' + r.nextInt(26)));
                }
                String s = piece.toString();
                int from = s.isEmpty() ? 0 : r.nextInt(s.length());
                int to = from + (s.isEmpty() ? 0 : r.nextInt(s.length() - from + 1));
                switch (r.nextInt(6)) {
                    case 0:
                        q.append(ascii(s), from, to - from);
                        break;
                    case 1:
                        q.append(ByteBuffer.wrap(ascii(s)), from, to - from);
                        break;
                    case 2:
                        ByteBuffer direct = ByteBuffer.allocateDirect(s.length());
                        direct.put(ascii(s));
                        q.append(direct, from, to - from);
                        break;
                    case 3:
                        q.appendAscii(s, from, to);
                        break;
                    case 4:
                        q.append(new AppSpan(s), from, to);
                        break;
                    default:
                        long v = r.nextLong() >> r.nextInt(64);
                        q.appendDecimal(v);
                        s = Long.toString(v);
                        from = 0;
                        to = s.length();
                        break;
                }
                expected.append(s, from, to);
                if (r.nextInt(3) == 0) {
                    peer.limit = r.nextInt(3) == 0 ? 0 : 1 + r.nextInt(3 * TINY);
                    long before = q.pending();
                    long n = q.writeTo(peer);
                    assertTrue(n >= 0 && n <= peer.limit, "seed " + seed);
                    assertEquals(before - n, q.pending(), "pending after a partial write, seed " + seed);
                }
                assertEquals(expected.length() - peer.received.size(), q.pending(), "seed " + seed + " round " + round);
            }
            peer.limit = 1 + r.nextInt(2 * TINY);
            flushAll(q, peer);
            assertEquals(expected.toString(), peer.text(), "seed " + seed + " round " + round);
            assertEquals(0, q.writeTo(peer), "an empty queue writes nothing");
        }
    }

    @Test
    void anEmptyQueueDoesNotCallThePeer() throws Exception {
        OutputQueue q = new OutputQueue(new BufferPool(TINY, 4));
        SlowPeer peer = new SlowPeer(100);
        assertEquals(0, q.writeTo(peer));
        q.append(new byte[0], 0, 0);
        assertEquals(0, q.writeTo(peer));
        assertEquals(0, peer.writes);
    }

    @Test
    void decimalsAtEveryOffsetInABufferStraddlingItsEnd() throws Exception {
        long[] signed = {0, 9, 10, 99, 100, -1, -9, -10, 1234567, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1};
        long[] unsigned = {0, 9, 10, 99, 100, Long.MAX_VALUE, Long.MIN_VALUE, -1L, Long.parseUnsignedLong("10000000000000000000"),
            Long.parseUnsignedLong("9999999999999999999")};
        for (int bufferSize : new int[] {TINY, 16, 1024}) {
            for (int prefix = 0; prefix < bufferSize && prefix <= 2 * TINY; prefix++) {
                for (long v : signed) {
                    assertDecimal(bufferSize, prefix, Long.toString(v), q -> q.appendDecimal(v));
                }
                for (long v : unsigned) {
                    assertDecimal(bufferSize, prefix, Long.toUnsignedString(v), q -> q.appendUnsignedDecimal(v));
                }
            }
        }
    }

    @Test
    void theExtremeValuesSpelledOut() throws Exception {
        OutputQueue q = new OutputQueue(new BufferPool(TINY, 16));
        SlowPeer peer = new SlowPeer(5);
        q.appendUnsignedDecimal(-1L);
        q.appendAscii(" ", 0, 1);
        q.appendDecimal(Long.MIN_VALUE);
        q.appendAscii(" ", 0, 1);
        q.appendDecimal(Long.MAX_VALUE);
        q.appendAscii(" ", 0, 1);
        q.appendUnsignedDecimal(Long.MIN_VALUE);
        flushAll(q, peer);
        assertEquals("18446744073709551615 -9223372036854775808 9223372036854775807 9223372036854775808", peer.text());
    }

    private static void assertDecimal(int bufferSize, int prefix, String digits, java.util.function.Consumer<OutputQueue> append)
            throws Exception {
        OutputQueue q = new OutputQueue(new BufferPool(bufferSize, 16));
        String pad = "p".repeat(prefix);
        q.appendAscii(pad, 0, prefix);
        append.accept(q);
        q.appendAscii("|", 0, 1);
        String what = digits + " after " + prefix + " bytes in " + bufferSize + "-byte buffers";
        assertEquals(prefix + digits.length() + 1, q.pending(), what);
        SlowPeer peer = new SlowPeer(3);
        flushAll(q, peer);
        assertEquals(pad + digits + "|", peer.text(), what);
    }

    @Test
    void aSpanOfTheApplicationsIsCopiedFromItsRangeOnly() throws Exception {
        OutputQueue q = new OutputQueue(new BufferPool(TINY, 16));
        AppSpan span = new AppSpan("0123456789abcdefghij");
        q.append(span, 3, 17);
        q.append(span, 5, 5);
        q.append(span, 0, 1);
        q.append(span, 19, 20);
        SlowPeer peer = new SlowPeer(Long.MAX_VALUE);
        flushAll(q, peer);
        assertEquals("3456789abcdefg" + "0" + "j", peer.text());
    }

    @Test
    void discardReturnsTheBytesLostAndGivesEveryBufferBackToThePool() throws Exception {
        BufferPool pool = new BufferPool(TINY, 64);
        OutputQueue q = new OutputQueue(pool);
        byte[] data = ascii("x".repeat(5 * TINY + 3)); // six buffers
        q.append(data, 0, data.length);
        SlowPeer peer = new SlowPeer(TINY + 2); // sends one buffer and two bytes of the next
        assertEquals(TINY + 2, q.writeTo(peer));
        peer.limit = 0;
        q.writeTo(peer); // shows the peer the buffers still queued
        Set<ByteBuffer> queued = Collections.newSetFromMap(new IdentityHashMap<>());
        queued.addAll(peer.seen);
        assertEquals(6, queued.size());

        assertEquals(data.length - TINY - 2, q.discard(), "the bytes not sent");
        assertEquals(0, q.pending());
        assertEquals(0, q.discard(), "nothing left to lose");
        assertEquals(0, q.writeTo(peer));

        List<ByteBuffer> reused = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ByteBuffer b = pool.acquire();
            reused.add(b);
            assertEquals(0, b.position(), "cleared");
            assertEquals(TINY, b.limit(), "cleared");
        }
        Set<ByteBuffer> back = Collections.newSetFromMap(new IdentityHashMap<>());
        back.addAll(reused);
        assertEquals(queued, back, "the sent buffer and the five discarded ones are in the pool");
        assertTrue(!queued.contains(pool.acquire()), "and nothing else was");
    }

    @Test
    void theQueueKeepsWorkingAfterADiscard() throws Exception {
        OutputQueue q = new OutputQueue(new BufferPool(TINY, 4));
        q.append(ascii("lost bytes"), 0, 10);
        assertEquals(10, q.discard());
        q.append(ascii("kept"), 0, 4);
        SlowPeer peer = new SlowPeer(Long.MAX_VALUE);
        flushAll(q, peer);
        assertArrayEquals(ascii("kept"), peer.received.toByteArray());
    }
}
