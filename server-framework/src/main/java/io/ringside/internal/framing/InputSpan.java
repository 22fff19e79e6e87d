package io.ringside.internal.framing;

import io.ringside.ByteSpan;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.util.Objects;

/**
 * The reusable {@link ByteSpan} a worker hands to handlers: a window over a connection's input buffer.
 *
 * <p>Confined to its worker; re-pointed before each handler call and cleared after it.
 */
public final class InputSpan implements ByteSpan {
    private ByteBuffer buffer;
    private int offset;
    private int length;

    /** Points the span at {@code buffer[offset, offset + length)}. */
    public void set(ByteBuffer buffer, int offset, int length) {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
    }

    /** Drops the reference to the buffer once the handler call returned. */
    public void clear() {
        this.buffer = null;
        this.length = 0;
    }

    /** The buffer behind the span (for copying it out without going byte by byte). */
    public ByteBuffer buffer() {
        return buffer;
    }

    /** Where the span starts in {@link #buffer()}. */
    public int offset() {
        return offset;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public byte byteAt(int index) {
        Objects.checkIndex(index, length);
        return buffer.get(offset + index);
    }

    @Override
    public void copyTo(byte[] dst, int dstOffset) {
        buffer.get(offset, dst, dstOffset, length);
    }

    // The copies below are one bulk move each (the interface's defaults go byte by byte through byteAt).

    @Override
    public void copyTo(int from, int to, byte[] dst, int dstOffset) {
        Objects.checkFromToIndex(from, to, length);
        buffer.get(offset + from, dst, dstOffset, to - from);
    }

    @Override
    public void copyTo(int from, int to, ByteBuffer dst) {
        Objects.checkFromToIndex(from, to, length);
        int n = to - from;
        if (dst.remaining() < n) {
            throw new BufferOverflowException();
        }
        dst.put(dst.position(), buffer, offset + from, n);
        dst.position(dst.position() + n);
    }

    @Override
    public void copyTo(int from, int to, ByteBuffer dst, int dstIndex) {
        Objects.checkFromToIndex(from, to, length);
        dst.put(dstIndex, buffer, offset + from, to - from);
    }

    @Override
    public int indexOf(byte b, int from) {
        Objects.checkFromToIndex(from, length, length);
        for (int i = offset + from, end = offset + length; i < end; i++) {
            if (buffer.get(i) == b) {
                return i - offset;
            }
        }
        return -1;
    }

    @Override
    public String toString(Charset charset) {
        byte[] bytes = new byte[length];
        copyTo(bytes, 0);
        return new String(bytes, charset);
    }

    @Override
    public String toString() {
        return "ByteSpan[" + length + " bytes]";
    }
}
