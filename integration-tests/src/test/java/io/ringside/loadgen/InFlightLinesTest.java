package io.ringside.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InFlightLinesTest {
    private static final int SIZE = 20;

    /** Records what {@link InFlightLines#verify} reports. */
    private static final class Recorder implements ReplySink {
        int replied;
        final List<String> mismatches = new ArrayList<>();
        int unexpected;
        final List<String> repeats = new ArrayList<>();

        @Override
        public void replied(long latencyNanos, long nowNanos) {
            assertTrue(latencyNanos >= 0);
            replied++;
        }

        @Override
        public void mismatched(int conn, long seq, int offset, byte got, byte[] expected, int off, int len) {
            mismatches.add(conn + "/" + seq + "@" + offset);
        }

        @Override
        public void repeated(int conn, long seq) {
            repeats.add(conn + "/" + seq);
        }

        @Override
        public void unexpected(int conn, int bytes) {
            unexpected += bytes;
        }
    }

    private final Recorder sink = new Recorder();

    /** Sends {@code n} lines; returns the bytes written to the socket. */
    private static byte[] send(InFlightLines lines, int n) {
        ByteBuffer out = ByteBuffer.allocate(n * SIZE);
        for (int i = 0; i < n; i++) {
            lines.add(out, System.nanoTime());
        }
        return out.array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }

    @Test
    void correctRepliesSplitAnywhereAllMatch() {
        LineCodec codec = new LineCodec(SIZE, ReplyMode.ROT13);
        for (int split = 1; split <= 3 * SIZE; split++) {
            InFlightLines lines = new InFlightLines(codec, 3, 4);
            send(lines, 4);
            byte[] replies = concat(codec.expected(3, 0), codec.expected(3, 1), codec.expected(3, 2), codec.expected(3, 3));
            int retired = 0;
            for (int at = 0; at < replies.length; at += split) {
                retired += lines.verify(replies, at, Math.min(split, replies.length - at), System.nanoTime(), sink);
            }
            assertEquals(4, retired, "split " + split);
            assertEquals(0, lines.count());
        }
        assertEquals(4 * 3 * SIZE, sink.replied);
        assertTrue(sink.mismatches.isEmpty(), sink.mismatches.toString());
    }

    @Test
    void aWrongByteIsOneMismatchAndTheNextReplyStillVerifies() {
        LineCodec codec = new LineCodec(SIZE, ReplyMode.ECHO);
        InFlightLines lines = new InFlightLines(codec, 1, 2);
        send(lines, 2);
        byte[] bad = codec.expected(1, 0);
        bad[10] ^= 0x20;
        byte[] stream = concat(bad, codec.expected(1, 1));
        assertEquals(2, lines.verify(stream, 0, stream.length, System.nanoTime(), sink));
        assertEquals(List.of("1/0@10"), sink.mismatches);
        assertEquals(1, sink.replied);
    }

    @Test
    void aShortReplyIsAMismatchRetiredAtItsNewline() {
        LineCodec codec = new LineCodec(SIZE, ReplyMode.ECHO);
        InFlightLines lines = new InFlightLines(codec, 0, 2);
        send(lines, 2);
        byte[] full = codec.expected(0, 0);
        byte[] shortReply = concat(java.util.Arrays.copyOf(full, 12), new byte[] {'\n'});
        byte[] stream = concat(shortReply, codec.expected(0, 1));
        assertEquals(2, lines.verify(stream, 0, stream.length, System.nanoTime(), sink));
        assertEquals(List.of("0/0@12"), sink.mismatches);
        assertEquals(1, sink.replied);
    }

    @Test
    void aReplyForAnotherSeqIsAMismatch() {
        LineCodec codec = new LineCodec(SIZE, ReplyMode.ECHO);
        InFlightLines lines = new InFlightLines(codec, 5, 3);
        send(lines, 3);
        byte[] skipFirst = concat(codec.expected(5, 1), codec.expected(5, 2)); // line 0 was dropped
        assertEquals(2, lines.verify(skipFirst, 0, skipFirst.length, System.nanoTime(), sink));
        assertEquals(2, sink.mismatches.size());
        assertEquals(0, sink.replied);
        assertEquals(1, lines.count(), "one line still waits for its reply");
    }

    @Test
    void aReplyForAnotherConnectionIsAMismatch() {
        LineCodec codec = new LineCodec(SIZE, ReplyMode.ECHO);
        InFlightLines lines = new InFlightLines(codec, 5, 1);
        send(lines, 1);
        byte[] other = codec.expected(6, 0);
        lines.verify(other, 0, other.length, System.nanoTime(), sink);
        assertEquals(List.of("5/0@0"), sink.mismatches);
    }

    @Test
    void bytesWithNothingInFlightAreUnexpected() {
        LineCodec codec = new LineCodec(SIZE, ReplyMode.ECHO);
        InFlightLines lines = new InFlightLines(codec, 0, 1);
        send(lines, 1);
        byte[] stream = concat(codec.expected(0, 0), "extra\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(1, lines.verify(stream, 0, stream.length, System.nanoTime(), sink));
        assertEquals(1, sink.replied);
        assertEquals(6, sink.unexpected);
    }

    @Test
    void abandonDropsEverythingInFlightAndSeqKeepsCounting() {
        LineCodec codec = new LineCodec(SIZE, ReplyMode.ECHO);
        InFlightLines lines = new InFlightLines(codec, 2, 4);
        send(lines, 3);
        assertTrue(lines.hasRoom(4));
        assertFalse(lines.hasRoom(3));
        assertEquals(3, lines.abandon());
        assertEquals(0, lines.count());
        byte[] sent = send(lines, 1);
        assertEquals(new String(codec.line(2, 3), java.nio.charset.StandardCharsets.US_ASCII),
                new String(sent, java.nio.charset.StandardCharsets.US_ASCII), "seq continues after abandon");
        byte[] old = codec.expected(2, 0);
        lines.verify(old, 0, old.length, System.nanoTime(), sink);
        assertEquals(1, sink.mismatches.size(), "a late reply to an abandoned line does not pass");
    }

    @Test
    void rewriteSendsTheUnansweredLinesAgainWithTheirOwnSeqsAndTheirRepliesVerify() {
        LineCodec codec = new LineCodec(SIZE, ReplyMode.ROT13);
        InFlightLines lines = new InFlightLines(codec, 7, 5);
        send(lines, 5);
        byte[] answered = concat(codec.expected(7, 0), codec.expected(7, 1));
        byte[] cut = java.util.Arrays.copyOf(codec.expected(7, 2), SIZE / 2); // the old connection closed mid-reply
        assertEquals(2, lines.verify(concat(answered, cut), 0, answered.length + cut.length, System.nanoTime(), sink));
        ByteBuffer out = ByteBuffer.allocate(5 * SIZE);
        assertEquals(3, lines.rewrite(out));
        assertEquals(3 * SIZE, out.position());
        assertEquals(new String(concat(codec.line(7, 2), codec.line(7, 3), codec.line(7, 4)), StandardCharsets.US_ASCII),
                new String(out.array(), 0, out.position(), StandardCharsets.US_ASCII));
        assertEquals(3, lines.count(), "still in flight until answered");
        byte[] again = concat(codec.expected(7, 2), codec.expected(7, 3), codec.expected(7, 4));
        assertEquals(3, lines.verify(again, 0, again.length, System.nanoTime(), sink));
        assertEquals(5, sink.replied);
        assertEquals(List.of(), sink.mismatches);
        assertEquals(List.of(), sink.repeats);
        assertEquals(0, lines.count());
        ByteBuffer more = ByteBuffer.allocate(SIZE);
        lines.add(more, System.nanoTime());
        assertEquals(new String(codec.line(7, 5), StandardCharsets.US_ASCII), new String(more.array(), StandardCharsets.US_ASCII),
                "the next new line goes on from seq 5");
    }

    @Test
    void aReplyToALineAnsweredBeforeIsARepeatAndAMismatch() {
        LineCodec codec = new LineCodec(SIZE, ReplyMode.ECHO);
        InFlightLines lines = new InFlightLines(codec, 12, 4);
        send(lines, 3);
        byte[] stream = concat(codec.expected(12, 0), codec.expected(12, 0)); // line 0 answered twice
        for (int i = 0; i < stream.length; i++) { // one byte per read: the header is read across calls
            lines.verify(stream, i, 1, System.nanoTime(), sink);
        }
        assertEquals(1, sink.replied);
        assertEquals(List.of("12/1@3"), sink.mismatches, "the second answer stands where line 1's was due");
        assertEquals(List.of("12/0"), sink.repeats);
        assertEquals(2, lines.count(), "the repeat does not retire line 1, which is still due");
        byte[] rest = concat(codec.expected(12, 1), codec.expected(12, 2));
        assertEquals(2, lines.verify(rest, 0, rest.length, System.nanoTime(), sink));
        assertEquals(3, sink.replied);
    }

    @Test
    void aWrongReplyToTheDueLineOrAnotherConnectionIsNoRepeat() {
        LineCodec codec = new LineCodec(SIZE, ReplyMode.ECHO);
        InFlightLines lines = new InFlightLines(codec, 3, 4);
        send(lines, 3);
        byte[] bad = codec.expected(3, 0);
        bad[SIZE - 3] ^= 0x20;
        byte[] stream = concat(bad, codec.expected(4, 0), codec.expected(3, 5));
        assertEquals(3, lines.verify(stream, 0, stream.length, System.nanoTime(), sink));
        assertEquals(3, sink.mismatches.size(), sink.mismatches.toString());
        assertEquals(List.of(), sink.repeats, "a wrong letter, another connection's line, a later seq: no repeat");
    }
}
