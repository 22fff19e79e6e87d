package io.ringside;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.util.Objects;

/**
 * A read-only window over bytes a connection received: one line (without its terminator) or one
 * chunk of a data block.
 *
 * <p>Valid only during the handler call that receives it; the framework reuses the instance and the
 * memory behind it afterwards. Copy out ({@link #copyTo}, {@link #toString(Charset)}) what must outlive
 * the call. Reading bytes and writing the span back out ({@link Connection#write(ByteSpan)}) allocate
 * nothing.
 *
 * <p>Parsing helpers ({@link #indexOf}, {@link #equalsAscii(int, int, CharSequence)},
 * {@link #parseLong}, {@link #parseUnsignedLong}, and {@link SpanTokens} for space-separated
 * words) allocate nothing on success, so a protocol parser can run per line without garbage. Ranges
 * are half-open, {@code from} inclusive and {@code to} exclusive; a range outside the span throws
 * {@link IndexOutOfBoundsException}. The defaults here are written over {@link #byteAt}; an
 * implementation may override them with faster ones.
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

    /** Copies bytes {@code [from, to)} into {@code dst} at {@code dstOffset} (no allocation). */
    default void copyTo(int from, int to, byte[] dst, int dstOffset) {
        Objects.checkFromToIndex(from, to, length());
        Objects.checkFromIndexSize(dstOffset, to - from, dst.length);
        for (int i = from; i < to; i++) {
            dst[dstOffset++] = byteAt(i);
        }
    }

    /**
     * Puts bytes {@code [from, to)} into {@code dst} at its position and advances the position, like
     * {@link ByteBuffer#put(byte[])} (no allocation).
     *
     * @throws BufferOverflowException when {@code dst} has less room than {@code to - from}; nothing is written
     */
    default void copyTo(int from, int to, ByteBuffer dst) {
        Objects.checkFromToIndex(from, to, length());
        int n = to - from;
        if (dst.remaining() < n) {
            throw new BufferOverflowException();
        }
        if (dst.hasArray()) {
            copyTo(from, to, dst.array(), dst.arrayOffset() + dst.position());
            dst.position(dst.position() + n);
        } else {
            for (int i = from; i < to; i++) {
                dst.put(byteAt(i));
            }
        }
    }

    /**
     * Puts bytes {@code [from, to)} into {@code dst} at the absolute index {@code dstIndex}, like
     * {@link ByteBuffer#put(int, byte[], int, int)}: {@code dst}'s position, limit and mark are not changed,
     * so a buffer shared with other code can be written without a duplicate (no allocation). Spans
     * over the framework's input copy in one bulk move.
     *
     * @throws IndexOutOfBoundsException when {@code [dstIndex, dstIndex + to - from)} is outside
     *                                   {@code dst}'s limit; nothing is written
     */
    default void copyTo(int from, int to, ByteBuffer dst, int dstIndex) {
        Objects.checkFromToIndex(from, to, length());
        Objects.checkFromIndexSize(dstIndex, to - from, dst.limit());
        for (int i = from; i < to; i++) {
            dst.put(dstIndex++, byteAt(i));
        }
    }

    /** A new array with the span's bytes (allocates). */
    default byte[] toByteArray() {
        byte[] copy = new byte[length()];
        copyTo(copy, 0);
        return copy;
    }

    /** Decodes the span (allocates a String). */
    String toString(Charset charset);

    /**
     * A view of bytes {@code [from, to)}, sharing this span's memory (no copy; allocates one small
     * object). Valid only as long as this span, that is during the same handler call.
     */
    default ByteSpan slice(int from, int to) {
        Objects.checkFromToIndex(from, to, length());
        return new SpanSlice(this, from, to - from);
    }

    /** Index of the first {@code b}, or -1 when absent. */
    default int indexOf(byte b) {
        return indexOf(b, 0);
    }

    /**
     * Index of the first {@code b} at or after {@code from}, or -1 when absent.
     *
     * @param from {@code 0 <= from <= length()}; {@code from == length()} finds nothing
     */
    default int indexOf(byte b, int from) {
        int n = length();
        Objects.checkFromToIndex(from, n, n);
        for (int i = from; i < n; i++) {
            if (byteAt(i) == b) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Whether the span starts with the given ASCII text, compared byte for byte (no allocation). A
     * character outside ASCII matches no byte.
     */
    default boolean startsWithAscii(CharSequence prefix) {
        return startsWithAscii(0, prefix);
    }

    /**
     * Whether the bytes at {@code offset} start with the given ASCII text (no allocation); false when
     * the text runs past the end.
     *
     * @param offset {@code 0 <= offset <= length()}
     */
    default boolean startsWithAscii(int offset, CharSequence prefix) {
        int length = length();
        Objects.checkFromToIndex(offset, length, length);
        int n = prefix.length();
        return n <= length - offset && matchesAscii(offset, prefix, n);
    }

    /** Whether the span is exactly the given ASCII text (no allocation). */
    default boolean equalsAscii(CharSequence text) {
        return equalsAscii(0, length(), text);
    }

    /** Whether bytes {@code [from, to)} are exactly the given ASCII text (no allocation). */
    default boolean equalsAscii(int from, int to, CharSequence text) {
        Objects.checkFromToIndex(from, to, length());
        int n = text.length();
        return n == to - from && matchesAscii(from, text, n);
    }

    /** The first {@code n} characters of {@code text} against the bytes at {@code offset}, unchecked. */
    private boolean matchesAscii(int offset, CharSequence text, int n) {
        for (int i = 0; i < n; i++) {
            // A byte widens to -128..127 and a char to 0..65535: only ASCII can be equal.
            if (byteAt(offset + i) != text.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Parses bytes {@code [from, to)} as a signed decimal: an optional {@code '-'}, then one or more
     * digits ({@code "-0"} and leading zeros are accepted; {@code '+'} and spaces are not). No
     * allocation on success.
     *
     * @throws NumberFormatException "not a number: ..." or "out of range: ..." quoting the text
     */
    default long parseLong(int from, int to) {
        Objects.checkFromToIndex(from, to, length());
        return DecimalParser.parseLong(this, from, to);
    }

    /**
     * Parses bytes {@code [from, to)} as an unsigned decimal, 0 to 18446744073709551615, returned with
     * unsigned meaning (compare with {@link Long#compareUnsigned}, print with
     * {@link Long#toUnsignedString}), as memcached's {@code incr} needs. Digits only: no sign. No
     * allocation on success.
     *
     * @throws NumberFormatException "not a number: ..." or "out of range: ..." quoting the text
     */
    default long parseUnsignedLong(int from, int to) {
        Objects.checkFromToIndex(from, to, length());
        return DecimalParser.parseUnsignedLong(this, from, to);
    }
}
