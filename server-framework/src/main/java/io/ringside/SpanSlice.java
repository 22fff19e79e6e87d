package io.ringside;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.util.Objects;

/**
 * The view {@link ByteSpan#slice} returns: bytes {@code [offset, offset + length)} of a parent span,
 * read through the parent (no copy). Valid only as long as the parent, that is during the handler
 * call that received it. A slice of a slice points at the original parent, so views never chain.
 *
 * <p>Confined to the worker that called the handler, like its parent.
 */
final class SpanSlice implements ByteSpan {
    private final ByteSpan parent;
    private final int offset;
    private final int length;

    /** Range already checked against {@code parent} by the caller. */
    SpanSlice(ByteSpan parent, int offset, int length) {
        this.parent = parent;
        this.offset = offset;
        this.length = length;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public byte byteAt(int index) {
        Objects.checkIndex(index, length);
        return parent.byteAt(offset + index);
    }

    @Override
    public void copyTo(byte[] dst, int dstOffset) {
        parent.copyTo(offset, offset + length, dst, dstOffset);
    }

    @Override
    public void copyTo(int from, int to, byte[] dst, int dstOffset) {
        Objects.checkFromToIndex(from, to, length);
        parent.copyTo(offset + from, offset + to, dst, dstOffset);
    }

    @Override
    public void copyTo(int from, int to, ByteBuffer dst) {
        Objects.checkFromToIndex(from, to, length);
        parent.copyTo(offset + from, offset + to, dst);
    }

    @Override
    public void copyTo(int from, int to, ByteBuffer dst, int dstIndex) {
        Objects.checkFromToIndex(from, to, length);
        parent.copyTo(offset + from, offset + to, dst, dstIndex);
    }

    @Override
    public ByteSpan slice(int from, int to) {
        Objects.checkFromToIndex(from, to, length);
        return new SpanSlice(parent, offset + from, to - from);
    }

    @Override
    public String toString(Charset charset) {
        return new String(toByteArray(), charset);
    }

    @Override
    public String toString() {
        return "ByteSpan[" + length + " bytes]";
    }
}
