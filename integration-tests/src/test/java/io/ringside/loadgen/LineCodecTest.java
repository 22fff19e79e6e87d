package io.ringside.loadgen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LineCodecTest {

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.US_ASCII);
    }

    @Test
    void lineCarriesConnAndSeqThenMixedCaseLettersAndEndsWithNewline() {
        LineCodec codec = new LineCodec(32, ReplyMode.ECHO);
        String line = text(codec.line(7, 12345));
        assertEquals(32, line.length());
        assertTrue(line.startsWith("7:12345:"), line);
        assertTrue(line.endsWith("\n"));
        assertEquals(1, line.chars().filter(c -> c == '\n').count());
        String filler = line.substring("7:12345:".length(), 31);
        assertTrue(filler.chars().allMatch(Character::isLetter), filler);
        assertTrue(filler.chars().anyMatch(Character::isUpperCase) && filler.chars().anyMatch(Character::isLowerCase),
                "filler should mix cases: " + filler);
    }

    @Test
    void writesAtAnOffsetWithoutTouchingNeighbours() {
        LineCodec codec = new LineCodec(16, ReplyMode.ECHO);
        byte[] buf = new byte[40];
        java.util.Arrays.fill(buf, (byte) '#');
        codec.writeLine(1, 2, buf, 10);
        assertEquals('#', buf[9]);
        assertEquals('#', buf[26]);
        assertEquals("1:2:", text(buf).substring(10, 14));
        assertEquals('\n', buf[25]);
    }

    @Test
    void linesDifferPerConnAndSeq() {
        LineCodec codec = new LineCodec(24, ReplyMode.ECHO);
        assertNotEquals(text(codec.line(1, 1)), text(codec.line(1, 2)));
        assertNotEquals(text(codec.line(1, 1)), text(codec.line(2, 1)));
        assertArrayEquals(codec.line(3, 99), codec.line(3, 99));
    }

    @Test
    void echoExpectsTheLineItself() {
        LineCodec codec = new LineCodec(32, ReplyMode.ECHO);
        assertArrayEquals(codec.line(4, 5), codec.expected(4, 5));
    }

    @Test
    void rot13ExpectsRotatedLettersAndUnchangedDigitsColonsAndNewline() {
        LineCodec codec = new LineCodec(40, ReplyMode.ROT13);
        byte[] line = codec.line(12, 34);
        byte[] expected = codec.expected(12, 34);
        String l = text(line);
        String e = text(expected);
        assertTrue(e.startsWith("12:34:"), e);
        assertTrue(e.endsWith("\n"));
        for (int i = "12:34:".length(); i < 39; i++) {
            char c = l.charAt(i);
            char want = Character.isUpperCase(c) ? (char) ('A' + (c - 'A' + 13) % 26) : (char) ('a' + (c - 'a' + 13) % 26);
            assertEquals(want, e.charAt(i), "byte " + i + " of " + l);
        }
        assertNotEquals(l, e);
        byte[] twice = expected.clone();
        ReplyMode.ROT13.applyInPlace(twice, 0, twice.length);
        assertArrayEquals(line, twice, "ROT13 twice is the identity");
    }

    @Test
    void rot13LeavesNonLettersAlone() {
        for (int b = 0; b < 256; b++) {
            byte in = (byte) b;
            boolean letter = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z');
            byte out = ReplyMode.ROT13.apply(in);
            assertEquals(!letter, out == in, "byte " + b);
            assertEquals(in, ReplyMode.ECHO.apply(in));
        }
        assertEquals('n', ReplyMode.ROT13.apply((byte) 'a'));
        assertEquals('M', ReplyMode.ROT13.apply((byte) 'Z'));
    }

    @Test
    void tooLongHeaderIsTruncatedButTheLineKeepsItsSizeAndNewline() {
        LineCodec codec = new LineCodec(16, ReplyMode.ECHO);
        String line = text(codec.line(Integer.MAX_VALUE, Long.MAX_VALUE));
        assertEquals(16, line.length());
        assertEquals("2147483647:9223\n", line);
        assertFalse(line.substring(0, 15).contains("\n"));
    }

    @Test
    void refusesLinesShorterThanTheMinimum() {
        assertThrows(IllegalArgumentException.class, () -> new LineCodec(LineCodec.MIN_SIZE - 1, ReplyMode.ECHO));
    }
}
