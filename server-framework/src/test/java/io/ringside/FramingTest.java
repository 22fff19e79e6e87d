package io.ringside;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringside.testing.HandlerHarness;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Line framing through the real connection path, without sockets. */
class FramingTest {

    private static ServerConfig config(EndOfLine eol, int maxLine) {
        return ServerConfig.builder()
                .set(Setting.END_OF_LINE, eol.name())
                .set(Setting.MAX_LINE_BYTES, Integer.toString(maxLine))
                .set(Setting.READ_BUFFER_BYTES, "256")
                .set(Setting.LINES_PER_WAKEUP, "3")
                .build();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * Random lines over an alphabet with every terminator byte of every policy (LF, CR, NUL) inside
     * lines as well as at their ends, some longer than the 256-byte read buffer.
     */
    private static byte[] randomInput(Random r, int lines) {
        byte[] alphabet = bytes("abcXYZ \t\r\n" + '\0' + "019\u00ff");
        String[] ends = {"\n", "\r\n", "\0", "\r\0", "\n\r\n", ""};
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < lines; i++) {
            int len = r.nextInt(r.nextInt(10) == 0 ? 600 : 40);
            for (int j = 0; j < len; j++) {
                b.append((char) (alphabet[r.nextInt(alphabet.length)] & 0xFF));
            }
            b.append(ends[r.nextInt(ends.length)]);
        }
        return bytes(b.toString());
    }

    /**
     * The handler sees, and echoes, what the byte-at-a-time reference model ({@link LineModel}) frames,
     * for every policy, seeded random inputs and seeded random splits into reads (and byte by byte); a
     * line over the maximum ends it with the error reply and LINE_TOO_LONG, as the model says.
     */
    @ParameterizedTest
    @EnumSource(EndOfLine.class)
    void theHandlerSeesWhatTheReferenceModelFramesForEverySplit(EndOfLine eol) {
        long seed = System.nanoTime();
        Random r = new Random(seed);
        for (int round = 0; round < 150; round++) {
            int max = r.nextInt(4) == 0 ? 1 + r.nextInt(60) : 1000;
            byte[] input = randomInput(r, 1 + r.nextInt(30));
            LineModel expected = LineModel.frame(input, eol, max);
            int[] cuts = r.ints(r.nextInt(12), 0, input.length + 1).sorted().toArray();
            String where = "seed " + seed + " round " + round + " eol " + eol + " max " + max;
            assertFramedAsModel(expected, eol, max, input, cuts, where + " cuts " + Arrays.toString(cuts));
            if (round % 10 == 0) {
                int[] everyByte = java.util.stream.IntStream.range(1, input.length).toArray();
                assertFramedAsModel(expected, eol, max, input, everyByte, where + " byte by byte");
            }
        }
    }

    private static void assertFramedAsModel(LineModel expected, EndOfLine eol, int max, byte[] input, int[] cuts, String where) {
        RecordingHandler h = new RecordingHandler(true);
        HandlerHarness harness = new HandlerHarness(config(eol, max), h);
        int from = 0;
        for (int cut : cuts) {
            harness.feed(Arrays.copyOfRange(input, from, cut));
            from = cut;
        }
        harness.feed(Arrays.copyOfRange(input, from, input.length));
        assertEquals(expected.lines, h.lines, where);
        assertEquals(expected.tooLong ? CloseReason.LINE_TOO_LONG : null, harness.closeReason(), where);
        assertEquals(expected.echo(eol, max), harness.takeOutputAscii(), where);
    }

    @Test
    void lfPolicyKeepsTheCarriageReturnSoEchoIsByteExact() {
        RecordingHandler h = new RecordingHandler(true);
        HandlerHarness harness = new HandlerHarness(config(EndOfLine.LF, 100), h);
        harness.feed("a\r\nb\n\n\r\n");
        assertEquals(List.of("a\r", "b", "", "\r"), h.lines);
        assertEquals("a\r\nb\n\n\r\n", harness.takeOutputAscii());
    }

    @Test
    void crlfSplitAcrossTwoReads() {
        RecordingHandler h = new RecordingHandler(true);
        HandlerHarness harness = new HandlerHarness(config(EndOfLine.CRLF, 100), h);
        harness.feed("hello\r");
        assertEquals(List.of(), h.lines);
        harness.feed("\nworld\n");
        assertEquals(List.of("hello", "world"), h.lines);
        assertEquals("hello\r\nworld\r\n", harness.takeOutputAscii());
    }

    @Test
    void strictCrlfTreatsABareLineFeedAsData() {
        RecordingHandler h = new RecordingHandler(false);
        HandlerHarness harness = new HandlerHarness(config(EndOfLine.CRLF_STRICT, 100), h);
        harness.feed("a\nb\r");
        harness.feed("\n\r\n");
        assertEquals(List.of("a\nb", ""), h.lines);
    }

    @Test
    void nulPolicy() {
        RecordingHandler h = new RecordingHandler(true);
        HandlerHarness harness = new HandlerHarness(config(EndOfLine.NUL, 100), h);
        harness.feed("one\0two\nstill two\0");
        assertEquals(List.of("one", "two\nstill two"), h.lines);
        assertEquals("one\0two\nstill two\0", harness.takeOutputAscii());
    }

    @ParameterizedTest
    @ValueSource(strings = {"LF", "CRLF", "CRLF_STRICT"})
    void maximumLengthExactlyAtOneUnderAndOneOver(String eolName) {
        EndOfLine eol = EndOfLine.valueOf(eolName);
        int max = 700; // longer than the 256-byte read buffer: the buffer must grow
        String terminator = eol == EndOfLine.LF ? "\n" : "\r\n";
        for (int len : new int[] {max - 1, max}) {
            RecordingHandler h = new RecordingHandler(false);
            HandlerHarness harness = new HandlerHarness(config(eol, max), h);
            String line = "x".repeat(len);
            harness.feed(line.substring(0, len / 2)).feed(line.substring(len / 2) + terminator);
            assertEquals(List.of(line), h.lines, "length " + len);
            assertNull(harness.closeReason());
        }
        RecordingHandler h = new RecordingHandler(false);
        HandlerHarness harness = new HandlerHarness(config(eol, max), h);
        harness.feed("x".repeat(max + 1) + terminator);
        assertEquals(List.of(), h.lines);
        assertEquals("ERROR line too long (max 700 bytes)" + (eol == EndOfLine.LF ? "\n" : "\r\n"), harness.takeOutputAscii());
        assertEquals(CloseReason.LINE_TOO_LONG, harness.closeReason());
    }

    @Test
    void tooLongIsDetectedBeforeTheNewlineArrives() {
        RecordingHandler h = new RecordingHandler(false);
        HandlerHarness harness = new HandlerHarness(config(EndOfLine.LF, 100), h);
        harness.feed("ok\n" + "y".repeat(100));
        assertNull(harness.closeReason(), "100 bytes without a newline may still be a legal line");
        harness.feed("y");
        assertEquals(CloseReason.LINE_TOO_LONG, harness.closeReason());
        assertEquals(List.of("ok"), h.lines);
        assertEquals(List.of("open", "line:ok", "close:LINE_TOO_LONG"), h.events);
    }

    @Test
    void crlfLineOfExactlyTheMaximumMayWaitForItsLineFeed() {
        RecordingHandler h = new RecordingHandler(false);
        HandlerHarness harness = new HandlerHarness(config(EndOfLine.CRLF, 10), h);
        harness.feed("0123456789\r");
        assertNull(harness.closeReason());
        harness.feed("\n");
        assertEquals(List.of("0123456789"), h.lines);
    }

    @Test
    void manyLinesInOneReadAreAllDeliveredDespiteTheBudget() {
        RecordingHandler h = new RecordingHandler(true);
        HandlerHarness harness = new HandlerHarness(config(EndOfLine.LF, 100), h);
        StringBuilder in = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            in.append("line ").append(i).append('\n');
        }
        harness.feed(in.toString());
        assertEquals(50, h.lines.size());
        assertEquals(in.toString(), harness.takeOutputAscii());
    }

    @Test
    void emptyLines() {
        RecordingHandler h = new RecordingHandler(true);
        HandlerHarness harness = new HandlerHarness(config(EndOfLine.CRLF, 100), h);
        harness.feed("\n\r\n\n");
        assertEquals(List.of("", "", ""), h.lines);
        assertEquals("\r\n\r\n\r\n", harness.takeOutputAscii());
    }

    @Test
    void dataBlockThenBackToLines() {
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        List<String> seen = new ArrayList<>();
        LineHandler h = new LineHandler() {
            @Override
            public void onLine(Connection c, ByteSpan line) {
                String text = line.toString(StandardCharsets.ISO_8859_1);
                seen.add(text);
                if (text.startsWith("set ")) {
                    c.readBlock(Long.parseLong(text.substring(4)));
                }
            }

            @Override
            public void onBlock(Connection c, ByteSpan chunk, boolean last) {
                block.writeBytes(chunk.toByteArray());
                if (last) {
                    seen.add("block:" + block.toString(StandardCharsets.ISO_8859_1));
                    c.writeLine("STORED");
                }
            }
        };
        HandlerHarness harness = new HandlerHarness(config(EndOfLine.LF, 100), h);
        String payload = "p\nq\r\n".repeat(100); // 500 bytes with newlines inside, larger than the read buffer
        String input = "set 500\n" + payload + "after\n";
        for (int i = 0; i < input.length(); i += 77) {
            harness.feed(input.substring(i, Math.min(input.length(), i + 77)));
        }
        assertEquals(List.of("set 500", "block:" + payload, "after"), seen);
        assertEquals("STORED\n", harness.takeOutputAscii());
    }

    @Test
    void partialLineAtEndOfStreamIsDroppedAndTheConnectionCloses() {
        RecordingHandler h = new RecordingHandler(true);
        HandlerHarness harness = new HandlerHarness(config(EndOfLine.LF, 100), h);
        harness.feed("whole\npart");
        harness.endOfStream();
        assertEquals(List.of("whole"), h.lines);
        assertEquals("whole\n", harness.takeOutputAscii());
        assertEquals(CloseReason.PEER_CLOSED, harness.closeReason());
        assertTrue(h.events.get(h.events.size() - 1).equals("close:PEER_CLOSED"));
    }
}
