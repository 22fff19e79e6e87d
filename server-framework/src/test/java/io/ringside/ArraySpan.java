package io.ringside;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A {@link ByteSpan} over part of a byte array, for tests of the span's default methods: it
 * implements only the abstract ones, so everything else runs the interface's code.
 *
 * <p>Confined to the test thread.
 */
final class ArraySpan implements ByteSpan {
    private final byte[] bytes;
    private final int offset;
    private final int length;

    ArraySpan(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        this.bytes = bytes;
        this.offset = offset;
        this.length = length;
    }

    /** The ASCII text with a byte of padding either side, so an off-by-one reads a wrong byte, not an edge. */
    static ArraySpan ascii(String text) {
        byte[] padded = ("#" + text + "#").getBytes(StandardCharsets.ISO_8859_1);
        return new ArraySpan(padded, 1, text.length());
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public byte byteAt(int index) {
        Objects.checkIndex(index, length);
        return bytes[offset + index];
    }

    @Override
    public void copyTo(byte[] dst, int dstOffset) {
        System.arraycopy(bytes, offset, dst, dstOffset, length);
    }

    @Override
    public String toString(Charset charset) {
        return new String(bytes, offset, length, charset);
    }

    @Override
    public String toString() {
        return "ArraySpan[" + toString(StandardCharsets.ISO_8859_1) + "]";
    }
}
