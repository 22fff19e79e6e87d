package io.ringside;

import java.nio.charset.Charset;

/**
 * A read-only window over bytes a connection received: one line (without its terminator) or one
 * chunk of a data block.
 *
 * <p>Valid only during the handler call that receives it; the framework reuses the instance and the
 * memory behind it afterwards. Copy out ({@link #copyTo}, {@link #toString(Charset)}) what must outlive
 * the call. Reading bytes and writing the span back out ({@link Connection#write(ByteSpan)}) allocate
 * nothing.
 *
 * <p>Threading: confined to the worker that called the handler.
 */
public interface ByteSpan {

    /** Number of bytes in the span. */
    int length();

    /** Whether the span holds no bytes (an empty line). */
    default boolean isEmpty() {
        return length() == 0;
    }

    /** The byte at {@code index}, {@code 0 <= index < length()}. */
    byte byteAt(int index);

    /** Copies {@code length()} bytes into {@code dst} at {@code dstOffset}. */
    void copyTo(byte[] dst, int dstOffset);

    /** A new array with the span's bytes (allocates). */
    default byte[] toByteArray() {
        byte[] copy = new byte[length()];
        copyTo(copy, 0);
        return copy;
    }

    /** Decodes the span (allocates a String). */
    String toString(Charset charset);

    /** Whether the span starts with the given ASCII text, compared byte for byte (no allocation). */
    default boolean startsWithAscii(CharSequence prefix) {
        int n = prefix.length();
        if (n > length()) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (byteAt(i) != (byte) prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Whether the span is exactly the given ASCII text (no allocation). */
    default boolean equalsAscii(CharSequence text) {
        return text.length() == length() && startsWithAscii(text);
    }
}
