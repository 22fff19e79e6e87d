package io.ringside;

import static io.ringside.ArraySpan.ascii;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The default methods of {@link ByteSpan} (searching, slicing, comparing, copying) over {@link ArraySpan}. */
class ByteSpanTest {

    @Test
    void indexOfFindsTheFirstMatchAtOrAfterFrom() {
        ByteSpan s = ascii("get a b");
        assertEquals(3, s.indexOf((byte) ' '));
        assertEquals(3, s.indexOf((byte) ' ', 3));
        assertEquals(5, s.indexOf((byte) ' ', 4));
        assertEquals(-1, s.indexOf((byte) ' ', 6));
        assertEquals(-1, s.indexOf((byte) '#'), "the padding outside the span is not searched");
        assertEquals(-1, s.indexOf((byte) 'g', s.length()), "from == length finds nothing");
        assertEquals(-1, ascii("").indexOf((byte) 0));
        assertThrows(IndexOutOfBoundsException.class, () -> s.indexOf((byte) 'g', -1));
        assertThrows(IndexOutOfBoundsException.class, () -> s.indexOf((byte) 'g', s.length() + 1));
    }

    @Test
    void asciiComparisonsAtAnOffset() {
        ByteSpan s = ascii("set key 0");
        assertTrue(s.startsWithAscii("set "));
        assertTrue(s.startsWithAscii(4, "key"));
        assertTrue(s.startsWithAscii(9, ""), "the empty text at the end");
        assertFalse(s.startsWithAscii(8, "0 "), "runs past the end");
        assertFalse(s.startsWithAscii(4, "kez"));
        assertTrue(s.equalsAscii(4, 7, "key"));
        assertFalse(s.equalsAscii(4, 8, "key"));
        assertFalse(s.equalsAscii(4, 7, "ke"));
        assertTrue(s.equalsAscii(9, 9, ""));
        assertTrue(s.equalsAscii("set key 0"));
        assertThrows(IndexOutOfBoundsException.class, () -> s.startsWithAscii(10, ""));
        assertThrows(IndexOutOfBoundsException.class, () -> s.startsWithAscii(-1, "s"));
        assertThrows(IndexOutOfBoundsException.class, () -> s.equalsAscii(5, 4, ""));
        assertThrows(IndexOutOfBoundsException.class, () -> s.equalsAscii(0, 10, "set key 0#"));
    }

    @Test
    void aCharacterOutsideAsciiMatchesNoByte() {
        // U+0142 would match 0x42 'B' if the char were cast to a byte; U+00E9 would match the byte 0xE9.
        assertFalse(ascii("B").equalsAscii("\u0142"));
        assertFalse(ascii("\u00e9").equalsAscii("\u00e9"));
        assertFalse(ascii("xB").startsWithAscii(1, "\u0142"));
    }

    @Test
    void aSliceIsAViewWithItsOwnBounds() {
        ByteSpan line = ascii("set key 0 3600 5");
        ByteSpan key = line.slice(4, 7);
        assertEquals(3, key.length());
        assertEquals("key", key.toString(StandardCharsets.US_ASCII));
        assertTrue(key.equalsAscii("key"));
        assertEquals(-1, key.indexOf((byte) ' '), "the space after the slice is outside it");
        assertArrayEquals("key".getBytes(StandardCharsets.US_ASCII), key.toByteArray());
        assertThrows(IndexOutOfBoundsException.class, () -> key.byteAt(3), "the parent has a byte there, the slice does not");
        assertThrows(IndexOutOfBoundsException.class, () -> key.byteAt(-1));
        assertEquals(3600, line.slice(10, 14).parseLong(0, 4));
        assertTrue(line.slice(16, 16).isEmpty());
        assertThrows(IndexOutOfBoundsException.class, () -> line.slice(7, 4));
        assertThrows(IndexOutOfBoundsException.class, () -> line.slice(-1, 4));
        assertThrows(IndexOutOfBoundsException.class, () -> line.slice(0, 17));
    }

    @Test
    void slicesOfSlices() {
        ByteSpan line = ascii("0123456789");
        ByteSpan middle = line.slice(2, 8);
        ByteSpan inner = middle.slice(1, 4);
        assertEquals("345", inner.toString(StandardCharsets.US_ASCII));
        assertEquals("4", inner.slice(1, 2).toString(StandardCharsets.US_ASCII));
        assertThrows(IndexOutOfBoundsException.class, () -> middle.slice(0, 7), "bounded by the slice, not the parent");
        assertThrows(IndexOutOfBoundsException.class, () -> inner.slice(2, 4));
        byte[] dst = new byte[5];
        inner.copyTo(dst, 1);
        assertArrayEquals(new byte[] {0, '3', '4', '5', 0}, dst);
        inner.copyTo(1, 3, dst, 0);
        assertArrayEquals(new byte[] {'4', '5', '4', '5', 0}, dst);
        assertThrows(IndexOutOfBoundsException.class, () -> inner.copyTo(2, 4, dst, 0));
        ByteBuffer buffer = ByteBuffer.allocate(4);
        inner.copyTo(0, 3, buffer);
        assertEquals(3, buffer.position());
        assertEquals('3', buffer.get(0));
    }

    @Test
    void rangedCopyIntoAnArray() {
        ByteSpan s = ascii("hello world");
        byte[] dst = new byte[7];
        s.copyTo(6, 11, dst, 1);
        assertArrayEquals(new byte[] {0, 'w', 'o', 'r', 'l', 'd', 0}, dst);
        s.copyTo(3, 3, dst, 7); // empty range at the very end of dst
        assertThrows(IndexOutOfBoundsException.class, () -> s.copyTo(6, 12, dst, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> s.copyTo(4, 3, dst, 0));
        byte[] before = dst.clone();
        assertThrows(IndexOutOfBoundsException.class, () -> s.copyTo(0, 5, dst, 3), "5 bytes do not fit at 3 of 7");
        assertArrayEquals(before, dst, "nothing written when the range does not fit");
    }

    @Test
    void rangedCopyIntoBuffersAdvancesTheirPosition() {
        ByteSpan s = ascii("hello world");
        for (ByteBuffer dst : new ByteBuffer[] {ByteBuffer.allocate(16), ByteBuffer.allocateDirect(16), sliceOfArray()}) {
            dst.put((byte) '>');
            s.copyTo(0, 5, dst);
            s.copyTo(5, 11, dst);
            assertEquals(12, dst.position(), dst.toString());
            dst.flip();
            byte[] out = new byte[dst.remaining()];
            dst.get(out);
            assertEquals(">hello world", new String(out, StandardCharsets.US_ASCII), dst.toString());
        }
    }

    @Test
    void absoluteCopyIntoABufferLeavesItsPositionAlone() {
        ByteSpan s = ascii("hello world");
        for (ByteBuffer dst : new ByteBuffer[] {ByteBuffer.allocate(16), ByteBuffer.allocateDirect(16), sliceOfArray()}) {
            dst.position(2);
            s.copyTo(6, 11, dst, 4);
            s.slice(0, 5).copyTo(1, 3, dst, 10);
            assertEquals(2, dst.position(), dst.toString());
            byte[] out = new byte[12];
            dst.get(0, out);
            assertArrayEquals(new byte[] {0, 0, 0, 0, 'w', 'o', 'r', 'l', 'd', 0, 'e', 'l'}, out, dst.toString());
            int last4 = dst.limit() - 4;
            assertThrows(IndexOutOfBoundsException.class, () -> s.copyTo(0, 5, dst, last4), "5 bytes do not fit in 4");
            assertEquals(0, dst.get(last4), "nothing written when the range does not fit");
        }
    }

    /** A heap buffer whose array offset is not zero. */
    private static ByteBuffer sliceOfArray() {
        ByteBuffer whole = ByteBuffer.allocate(20);
        whole.position(3);
        return whole.slice();
    }

    @Test
    void rangedCopyIntoABufferThatIsTooSmallWritesNothing() {
        ByteSpan s = ascii("hello");
        ByteBuffer small = ByteBuffer.allocate(8).position(4);
        assertThrows(BufferOverflowException.class, () -> s.copyTo(0, 5, small));
        assertEquals(4, small.position());
        assertEquals(0, small.get(4));
        assertThrows(ReadOnlyBufferException.class, () -> s.copyTo(0, 5, ByteBuffer.allocate(8).asReadOnlyBuffer()));
        assertThrows(IndexOutOfBoundsException.class, () -> s.copyTo(0, 6, ByteBuffer.allocate(8)));
    }

    @Test
    void parseLongTakesAnOptionalMinusAndDigits() {
        assertEquals(0, parse("0"));
        assertEquals(0, parse("-0"));
        assertEquals(42, parse("00042"), "leading zeros are accepted");
        assertEquals(-17, parse("-17"));
        assertEquals(Long.MAX_VALUE, parse("9223372036854775807"));
        assertEquals(Long.MIN_VALUE, parse("-9223372036854775808"));
        assertEquals(3, ascii("*3").parseLong(1, 2), "a RESP array header");
        assertEquals(-1, ascii("$-1").parseLong(1, 3), "a RESP null bulk string");
    }

    @Test
    void parseLongRejectsWithAMessageQuotingTheText() {
        assertParseError("not a number: \"\"", "");
        assertParseError("not a number: \"-\"", "-");
        assertParseError("not a number: \"+1\"", "+1");
        assertParseError("not a number: \"--1\"", "--1");
        assertParseError("not a number: \" 1\"", " 1");
        assertParseError("not a number: \"1 \"", "1 ");
        assertParseError("not a number: \"1-\"", "1-");
        assertParseError("not a number: \"0x10\"", "0x10");
        assertParseError("not a number: \"1\\x00\"", "1\0");
        assertParseError("out of range: \"9223372036854775808\"", "9223372036854775808");
        assertParseError("out of range: \"-9223372036854775809\"", "-9223372036854775809");
        assertParseError("out of range: \"-99999999999999999999\"", "-99999999999999999999");
        assertParseError("not a number: \"99999999999999999999x\"", "99999999999999999999x");
    }

    @Test
    void parseUnsignedLongCoversTheWholeUnsignedRange() {
        assertEquals(0, unsigned("0"));
        assertEquals(7, unsigned("007"));
        assertEquals(Long.MAX_VALUE, unsigned("9223372036854775807"));
        assertEquals(Long.MIN_VALUE, unsigned("9223372036854775808"));
        assertEquals(-1L, unsigned("18446744073709551615"), "2^64 - 1, all bits set");
        assertEquals("18446744073709551615", Long.toUnsignedString(unsigned("18446744073709551615")));
        assertUnsignedError("out of range: \"18446744073709551616\"", "18446744073709551616");
        assertUnsignedError("out of range: \"18446744073709551620\"", "18446744073709551620");
        assertUnsignedError("out of range: \"184467440737095516150\"", "184467440737095516150");
        assertUnsignedError("out of range: \"99999999999999999999\"", "99999999999999999999");
        assertUnsignedError("not a number: \"99999999999999999999 \"", "99999999999999999999 ");
        assertUnsignedError("not a number: \"\"", "");
        assertUnsignedError("not a number: \"-0\"", "-0");
        assertUnsignedError("not a number: \"-1\"", "-1");
        assertUnsignedError("not a number: \"+1\"", "+1");
    }

    @Test
    void parsingAgreesWithTheJdkOnRandomNumbers() {
        long seed = System.nanoTime();
        java.util.Random random = new java.util.Random(seed);
        for (int i = 0; i < 20_000; i++) {
            long value = random.nextLong() >> random.nextInt(64);
            String signed = Long.toString(value);
            String unsignedText = Long.toUnsignedString(value);
            assertEquals(value, parse(signed), "seed " + seed + ": " + signed);
            assertEquals(value, unsigned(unsignedText), "seed " + seed + ": " + unsignedText);
        }
    }

    @Test
    void aLongTextIsQuotedShortened() {
        String digits = "1234567890".repeat(4) + "x";
        NumberFormatException e = assertThrows(NumberFormatException.class, () -> parse(digits));
        assertEquals("not a number: \"" + digits.substring(0, 32) + "\"... (41 bytes)", e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> ascii("12").parseLong(1, 3));
        assertThrows(IndexOutOfBoundsException.class, () -> ascii("12").parseUnsignedLong(2, 1));
    }

    private static long parse(String text) {
        ByteSpan s = ascii("<" + text + ">");
        return s.parseLong(1, s.length() - 1);
    }

    private static long unsigned(String text) {
        ByteSpan s = ascii("<" + text + ">");
        return s.parseUnsignedLong(1, s.length() - 1);
    }

    private static void assertParseError(String message, String text) {
        assertEquals(message, assertThrows(NumberFormatException.class, () -> parse(text)).getMessage());
    }

    private static void assertUnsignedError(String message, String text) {
        assertEquals(message, assertThrows(NumberFormatException.class, () -> unsigned(text)).getMessage());
    }
}
