package io.ringside.internal.framing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringside.EndOfLine;
import io.ringside.internal.buffer.BufferPool;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The input buffer on its own, with 64-byte pooled buffers so that every edge (a full buffer, its
 * compaction, its growth, a block larger than it) is a few bytes away. Bytes arrive as a socket read
 * would put them: into {@link InputBuffer#forRead()}.
 */
class InputBufferTest {
    private static final int POOLED = 64;
    private static final byte[] CRLF = "\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NONE = new byte[0];

    private final BufferPool pool = new BufferPool(POOLED, 4);
    private final InputSpan span = new InputSpan();

    private InputBuffer lfBuffer(int maxLine) {
        return new InputBuffer(pool, new LineFramer(EndOfLine.LF, maxLine));
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String text(InputSpan s) {
        return s.toString(StandardCharsets.ISO_8859_1);
    }

    /** A read: puts as many of {@code bytes[from...]} as the buffer has room for; returns how many. */
    private static int read(InputBuffer in, byte[] bytes, int from) {
        ByteBuffer b = in.forRead();
        int n = Math.min(b.remaining(), bytes.length - from);
        b.put(bytes, from, n);
        return n;
    }

    private static void readAll(InputBuffer in, String s) {
        byte[] bytes = ascii(s);
        assertEquals(bytes.length, read(in, bytes, 0), "the test feeds more than the buffer has room for");
    }

    /** What the connection does after a read: frame every complete line, then compact. */
    private List<String> lines(InputBuffer in) {
        List<String> out = new ArrayList<>();
        while (in.hasBytes()) {
            int n = in.nextLine(span);
            if (n < 0) {
                assertEquals(InputBuffer.NO_LINE, n, "no line in this test is too long");
                break;
            }
            assertEquals(n, span.length());
            out.add(text(span));
        }
        in.compact();
        return out;
    }

    @Test
    void linesCutAnywhereSurviveCompactionAndGrowth() {
        long seed = System.nanoTime();
        Random r = new Random(seed);
        for (int round = 0; round < 200; round++) {
            InputBuffer in = lfBuffer(200);
            List<String> expected = new ArrayList<>();
            StringBuilder all = new StringBuilder();
            for (int i = 1 + r.nextInt(30); i > 0; i--) {
                int len = r.nextInt(8) == 0 ? 60 + r.nextInt(141) : r.nextInt(50); // some longer than the buffer
                StringBuilder line = new StringBuilder();
                for (int j = 0; j < len; j++) {
                    line.append((char) ('a' + r.nextInt(26)));
                }
                expected.add(line.toString());
                all.append(line).append('\n');
            }
            byte[] bytes = ascii(all.toString());
            List<String> got = new ArrayList<>();
            int at = 0;
            for (int reads = 0; at < bytes.length; reads++) {
                assertTrue(reads < 100_000, "no progress, seed " + seed);
                int want = 1 + r.nextInt(POOLED);
                byte[] chunk = java.util.Arrays.copyOfRange(bytes, at, Math.min(bytes.length, at + want));
                at += read(in, chunk, 0);
                got.addAll(lines(in));
            }
            assertEquals(expected, got, "seed " + seed + " round " + round);
            assertFalse(in.hasBytes(), "seed " + seed);
        }
    }

    @Test
    void aLineLongerThanThePooledBufferGrowsItIntoADirectBuffer() {
        InputBuffer in = lfBuffer(200);
        ByteBuffer pooled = in.forRead();
        assertTrue(pooled.isDirect());
        assertEquals(POOLED, pooled.capacity());
        String line = "x".repeat(150);
        byte[] bytes = ascii(line + "\nnext");
        int at = read(in, bytes, 0);
        assertEquals(List.of(), lines(in), "64 bytes of a 150-byte line");

        ByteBuffer grown = in.forRead();
        assertNotSame(pooled, grown);
        assertTrue(grown.isDirect(), "a grown buffer must be direct: a heap buffer costs a copy on every socket read");
        assertEquals(2 * POOLED, grown.capacity());
        assertEquals(POOLED, grown.position(), "the bytes received so far moved over");

        at += read(in, bytes, at);
        assertEquals(List.of(), lines(in));
        ByteBuffer grownAgain = in.forRead();
        assertTrue(grownAgain.isDirect());
        assertEquals(202, grownAgain.capacity(), "capped at the longest legal line and its terminator");

        at += read(in, bytes, at);
        assertEquals(bytes.length, at);
        assertEquals(List.of(line), lines(in));
        readAll(in, "\n");
        assertEquals(List.of("next"), lines(in));
        assertFalse(in.hasBytes());
        assertSame(pooled, in.forRead(), "the pooled buffer is reused; the grown one was not pooled");
    }

    @Test
    void aPartialLineIsNotRescannedFromItsStart() {
        InputBuffer in = lfBuffer(100);
        readAll(in, "abc");
        assertEquals(List.of(), lines(in));
        assertTrue(in.holdsPartialLine());
        assertFalse(in.hasUnscanned(), "all three bytes were scanned");
        // Turn a byte that was already scanned into a line end: only a rescan from the line's start sees it.
        in.forRead().put(1, (byte) '\n');
        readAll(in, "d\n");
        assertTrue(in.hasUnscanned());
        assertEquals(List.of("a\ncd"), lines(in), "the scan resumed after 'abc' instead of starting over");
    }

    @Test
    void theScanPositionFollowsTheBytesWhenTheBufferIsCompacted() {
        InputBuffer in = lfBuffer(100);
        String first = "y".repeat(40);
        String partial = "z".repeat(POOLED - first.length() - 1);
        readAll(in, first + "\n" + partial); // fills the buffer: compaction moves the partial line to the front
        assertEquals(List.of(first), lines(in));
        ByteBuffer b = in.forRead();
        assertEquals(partial.length(), b.position(), "the partial line was moved to the front");
        assertFalse(in.hasUnscanned());
        b.put(0, (byte) '\n'); // already scanned, at its new place: must not be seen again
        readAll(in, "!\n");
        assertEquals(List.of("\n" + partial.substring(1) + "!"), lines(in));
    }

    @Test
    void crlfSplitAcrossReadsIsOneTerminatorAndALongLineIsCaughtBeforeItsEnd() {
        InputBuffer in = new InputBuffer(pool, new LineFramer(EndOfLine.CRLF_STRICT, 10));
        readAll(in, "0123456789\r");
        assertEquals(InputBuffer.NO_LINE, in.nextLine(span), "10 bytes and a CR may still be a legal line");
        readAll(in, "\n");
        assertEquals(10, in.nextLine(span));
        assertEquals("0123456789", text(span));
        readAll(in, "0123456789\n");
        assertEquals(InputBuffer.TOO_LONG, in.nextLine(span), "a bare LF is data under CRLF_STRICT: 11 bytes, no end");
    }

    @Test
    void aRawBlockIsDeliveredAsItArrivesThenLinesResume() {
        InputBuffer in = lfBuffer(100);
        readAll(in, "set\nhe");
        assertEquals(3, in.nextLine(span));
        in.expectBlock(5, NONE);
        assertTrue(in.inBlock());
        assertEquals(InputBuffer.Chunk.PART, in.nextBlockChunk(span));
        assertEquals("he", text(span));
        assertEquals(InputBuffer.Chunk.NONE, in.nextBlockChunk(span));
        in.compact();
        readAll(in, "llo\nafter\n");
        assertEquals(InputBuffer.Chunk.LAST, in.nextBlockChunk(span));
        assertEquals("llo", text(span));
        assertFalse(in.inBlock());
        assertEquals(List.of("", "after"), lines(in), "the block's bytes are not a line; the LF after them ends an empty one");
    }

    @Test
    void aTerminatedBlockThatFitsIsDeliveredWholeOnlyOnceItsTerminatorIsThere() {
        InputBuffer in = lfBuffer(100);
        String payload = "p\nq\r\nrr"; // line ends inside a block are data
        in.expectBlock(payload.length(), CRLF);
        assertEquals(InputBuffer.Chunk.NONE, in.nextBlockChunk(span), "nothing received yet");
        readAll(in, payload.substring(0, 3));
        assertEquals(InputBuffer.Chunk.NONE, in.nextBlockChunk(span));
        in.compact();
        readAll(in, payload.substring(3));
        assertEquals(InputBuffer.Chunk.NONE, in.nextBlockChunk(span), "the block is complete but its terminator is not");
        readAll(in, "\r");
        assertEquals(InputBuffer.Chunk.NONE, in.nextBlockChunk(span), "half of the terminator");
        readAll(in, "\nline\n");
        assertEquals(InputBuffer.Chunk.LAST, in.nextBlockChunk(span));
        assertEquals(payload, text(span), "one span with the whole block, without its terminator");
        assertFalse(in.inBlock());
        assertEquals(List.of("line"), lines(in));
    }

    @Test
    void aTerminatedBlockThatExactlyFillsTheBufferWithItsTerminatorIsStillWhole() {
        InputBuffer in = lfBuffer(100);
        String payload = "b".repeat(POOLED - CRLF.length);
        in.expectBlock(payload.length(), CRLF);
        readAll(in, payload + "\r\n");
        assertEquals(InputBuffer.Chunk.LAST, in.nextBlockChunk(span));
        assertEquals(payload, text(span));
    }

    /**
     * LineHandler#onBlock and InputBuffer#nextBlockChunk promise: a terminated block larger than the
     * buffer arrives in chunks, then an empty last call once the terminator is checked.
     */
    @Test
    void aLargerTerminatedBlockArrivesInPartsThenAnEmptyLastAfterItsTerminator() {
        long seed = System.nanoTime();
        Random r = new Random(seed);
        for (int round = 0; round < 50; round++) {
            InputBuffer in = lfBuffer(100);
            StringBuilder p = new StringBuilder();
            for (int i = POOLED + 1 + r.nextInt(3 * POOLED); i > 0; i--) {
                p.append((char) ('A' + r.nextInt(26)));
            }
            String payload = p.toString();
            byte[] bytes = ascii(payload + "\r\nafter\n");
            in.expectBlock(payload.length(), CRLF);
            ByteArrayOutputStream parts = new ByteArrayOutputStream();
            List<String> kinds = new ArrayList<>();
            int at = 0;
            for (int reads = 0; in.inBlock(); reads++) {
                assertTrue(reads < 10_000 && at <= bytes.length, "no progress, seed " + seed);
                byte[] chunk = java.util.Arrays.copyOfRange(bytes, at, Math.min(bytes.length, at + 1 + r.nextInt(POOLED)));
                at += read(in, chunk, 0);
                InputBuffer.Chunk c;
                while ((c = in.nextBlockChunk(span)) != InputBuffer.Chunk.NONE) {
                    kinds.add(c + ":" + span.length());
                    if (c == InputBuffer.Chunk.PART) {
                        assertTrue(span.length() > 0, "an empty PART, seed " + seed);
                        parts.writeBytes(span.toByteArray());
                    } else {
                        assertEquals(InputBuffer.Chunk.LAST, c, "seed " + seed);
                        assertEquals(0, span.length(), "the last call of a block larger than the buffer carries no bytes;"
                                + " calls " + kinds + ", seed " + seed + " round " + round);
                        break;
                    }
                }
                in.compact();
            }
            assertEquals(payload, parts.toString(StandardCharsets.ISO_8859_1), "seed " + seed + " round " + round);
            while (at < bytes.length) { // the rest of the input, compacted after each read as the connection does
                int n = read(in, bytes, at);
                assertTrue(n > 0 || in.hasBytes(), "no room and nothing to consume, seed " + seed);
                at += n;
                in.compact();
            }
            assertEquals(List.of("after"), lines(in), "seed " + seed);
        }
    }

    @Test
    void aWrongTerminatorIsReportedAndConsumed() {
        InputBuffer in = lfBuffer(100);
        in.expectBlock(3, CRLF);
        readAll(in, "abcXYline\n");
        assertEquals(InputBuffer.Chunk.BAD_END, in.nextBlockChunk(span));
        assertFalse(in.inBlock());
        assertEquals(List.of("line"), lines(in), "the two bytes in the terminator's place were consumed");
    }

    @Test
    void aWrongTerminatorAfterABlockLargerThanTheBufferIsReportedAndConsumed() {
        InputBuffer in = lfBuffer(100);
        String payload = "c".repeat(100);
        byte[] bytes = ascii(payload + "\n\nline\n");
        in.expectBlock(payload.length(), CRLF);
        List<InputBuffer.Chunk> kinds = new ArrayList<>();
        int at = 0;
        for (int reads = 0; in.inBlock() && reads < 100; reads++) {
            at += read(in, bytes, at);
            InputBuffer.Chunk c;
            while (in.inBlock() && (c = in.nextBlockChunk(span)) != InputBuffer.Chunk.NONE) {
                kinds.add(c);
            }
            in.compact();
        }
        assertEquals(InputBuffer.Chunk.BAD_END, kinds.get(kinds.size() - 1), kinds.toString());
        assertFalse(kinds.contains(InputBuffer.Chunk.LAST), kinds.toString());
        while (at < bytes.length) {
            at += read(in, bytes, at);
        }
        assertEquals(List.of("line"), lines(in));
    }

    @Test
    void zeroLengthBlocks() {
        InputBuffer in = lfBuffer(100);
        in.expectBlock(0, NONE);
        assertEquals(InputBuffer.Chunk.LAST, in.nextBlockChunk(span), "a raw empty block needs no bytes");
        assertEquals(0, span.length());
        assertFalse(in.inBlock());

        in.expectBlock(0, CRLF);
        assertEquals(InputBuffer.Chunk.NONE, in.nextBlockChunk(span), "an empty terminated block waits for its terminator");
        readAll(in, "\r");
        assertEquals(InputBuffer.Chunk.NONE, in.nextBlockChunk(span));
        readAll(in, "\nx\n");
        assertEquals(InputBuffer.Chunk.LAST, in.nextBlockChunk(span));
        assertEquals(0, span.length());
        assertEquals(List.of("x"), lines(in));
    }

    @Test
    void expectingASecondBlockWhileOneIsPendingThrows() {
        InputBuffer in = lfBuffer(100);
        in.expectBlock(10, CRLF);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> in.expectBlock(1, NONE));
        assertTrue(e.getMessage().contains("10 bytes to go"), e.getMessage());
        readAll(in, "0123456789\r\n");
        assertEquals(InputBuffer.Chunk.LAST, in.nextBlockChunk(span), "the first block is still the one expected");
        assertEquals("0123456789", text(span));
    }

    @Test
    void theBufferGoesBackToThePoolWhenEverythingWasConsumed() {
        InputBuffer in = lfBuffer(100);
        readAll(in, "one\ntw");
        ByteBuffer held = in.forRead();
        assertEquals(List.of("one"), lines(in));
        assertSame(held, in.forRead(), "a partial line keeps its buffer");
        readAll(in, "o\n");
        assertEquals(List.of("two"), lines(in));
        assertFalse(in.hasBytes());
        assertSame(held, pool.acquire(), "released to the pool once empty");
    }

    @Test
    void aFullBufferOfLinesNotYetDeliveredIsNeitherGrownNorMoved() {
        InputBuffer in = lfBuffer(32); // the longest frame is below the pooled size: growing would be wrong
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            b.append(String.format("l%02d%n", i).replace(System.lineSeparator(), "\n"));
        }
        readAll(in, b.substring(0, POOLED)); // full of complete lines; delivery held (a rate limit), none taken
        in.compact();
        assertEquals(POOLED, in.forRead().capacity(), "kept as it is until the lines are delivered");
        List<String> got = lines(in);
        assertEquals(16, got.size(), "every held line is delivered afterwards: " + got);
        assertEquals("l15", got.get(15));
    }
}
