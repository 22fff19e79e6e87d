package io.ringside.internal.framing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ringside.ByteSpan;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link InputSpan}'s bulk copies and search give exactly what {@link ByteSpan}'s byte-by-byte defaults give, over
 * a direct buffer with other bytes either side of the span (so an off-by-one copies a wrong byte, not an edge).
 */
class InputSpanTest {
    private static final int SPAN_AT = 7;
    private static final int SPAN_LENGTH = 300;

    private final Random random = new Random(20261202);
    private final ByteBuffer input = ByteBuffer.allocateDirect(SPAN_AT + SPAN_LENGTH + 9);
    private final InputSpan span = new InputSpan();
    private final ByteSpan reference;

    InputSpanTest() {
        for (int i = 0; i < input.capacity(); i++) {
            input.put(i, (byte) random.nextInt(8)); // few distinct bytes: indexOf finds matches at many places
        }
        span.set(input, SPAN_AT, SPAN_LENGTH);
        reference = new DefaultsOnly(input, SPAN_AT, SPAN_LENGTH);
    }

    @Test
    void rangedCopiesAgreeWithTheDefaults() {
        for (int round = 0; round < 500; round++) {
            int from = random.nextInt(SPAN_LENGTH + 1);
            int to = from + random.nextInt(SPAN_LENGTH - from + 1);
            int at = random.nextInt(40);

            byte[] expected = new byte[SPAN_LENGTH + 40];
            byte[] actual = new byte[SPAN_LENGTH + 40];
            reference.copyTo(from, to, expected, at);
            span.copyTo(from, to, actual, at);
            assertArrayEquals(expected, actual, "array copy of [" + from + ", " + to + ") at " + at);

            ByteBuffer e = ByteBuffer.allocate(SPAN_LENGTH + 40).position(at);
            ByteBuffer a = ByteBuffer.allocateDirect(SPAN_LENGTH + 40).position(at);
            reference.copyTo(from, to, e, 0);
            span.copyTo(from, to, a, 0);
            assertEquals(at, a.position(), "the absolute copy leaves the position alone");
            reference.copyTo(from, to, e);
            span.copyTo(from, to, a);
            assertEquals(at + to - from, a.position(), "the relative copy advances the position");
            assertEquals(e.clear(), a.clear(), "buffer copies of [" + from + ", " + to + ") at " + at);
        }
    }

    @Test
    void indexOfAgreesWithTheDefault() {
        for (int from = 0; from <= SPAN_LENGTH; from++) {
            for (byte b = 0; b < 9; b++) {
                assertEquals(reference.indexOf(b, from), span.indexOf(b, from), "indexOf " + b + " from " + from);
            }
        }
        assertThrows(IndexOutOfBoundsException.class, () -> span.indexOf((byte) 0, SPAN_LENGTH + 1));
    }

    @Test
    void badRangesThrowAndWriteNothing() {
        byte[] array = new byte[SPAN_LENGTH + 1];
        ByteBuffer small = ByteBuffer.allocate(16);
        assertThrows(IndexOutOfBoundsException.class, () -> span.copyTo(0, SPAN_LENGTH + 1, array, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> span.copyTo(5, 4, array, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> span.copyTo(0, 10, small, 7), "10 bytes at 7 of 16");
        assertThrows(BufferOverflowException.class, () -> span.copyTo(0, 17, small));
        assertArrayEquals(new byte[SPAN_LENGTH + 1], array);
        assertEquals(ByteBuffer.allocate(16), small.clear(), "nothing written to the small buffer");
    }

    /** A span implementing only the abstract methods, so every ranged copy and search runs the interface's code. */
    private static final class DefaultsOnly implements ByteSpan {
        private final ByteBuffer buffer;
        private final int offset;
        private final int length;

        DefaultsOnly(ByteBuffer buffer, int offset, int length) {
            this.buffer = buffer;
            this.offset = offset;
            this.length = length;
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public byte byteAt(int index) {
            return buffer.get(offset + java.util.Objects.checkIndex(index, length));
        }

        @Override
        public void copyTo(byte[] dst, int dstOffset) {
            copyTo(0, length, dst, dstOffset);
        }

        @Override
        public String toString(Charset charset) {
            return "";
        }
    }
}
