package io.ringside;

import java.util.Objects;

/**
 * Walks the words of a {@link ByteSpan} without allocating: each {@link #next()} moves to the next
 * run of non-space bytes and exposes it as a range ({@link #start()}, {@link #end()}) of the span.
 *
 * <p>The separator is the ASCII space (0x20) only, as memcached's {@code tokenize_command} splits:
 * a tab or any other byte is part of a word. Leading, trailing and repeated spaces separate nothing:
 * {@code "  get  a "} has the words {@code get} and {@code a}.
 *
 * <pre>{@code
 * // set <key> <flags> <exptime> <bytes> [noreply]
 * tokens.reset(line);
 * if (tokens.next() && tokens.equalsAscii("set") && tokens.remaining() >= 4) {
 *     tokens.next();
 *     int keyStart = tokens.start(), keyEnd = tokens.end();
 *     tokens.next();
 *     long flags = tokens.parseUnsignedLong();
 *     ...
 * }
 * }</pre>
 *
 * <p>Threading: confined to its worker. Keep one instance per handler (a handler belongs to one
 * worker) and {@link #reset} it for each line; like the span, its positions mean something only
 * during the handler call.
 */
public final class SpanTokens {
    private static final byte SPACE = ' ';

    private ByteSpan span;
    /** The range being split: {@code [from, to)} of {@link #span}. */
    private int from;
    private int to;
    /** Where the next {@link #next()} starts looking: the end of the current word. */
    private int position;
    /** The current word, {@code [start, end)}; {@code start < 0} when there is none. */
    private int start = -1;
    private int end = -1;

    /** A tokenizer with no span yet: {@link #reset} it for each line. */
    public SpanTokens() {
    }

    /** Starts over on the whole of {@code span}; no word is current until {@link #next()}. */
    public SpanTokens reset(ByteSpan span) {
        return reset(span, 0, span.length());
    }

    /** Starts over on bytes {@code [from, to)} of {@code span}; no word is current until {@link #next()}. */
    public SpanTokens reset(ByteSpan span, int from, int to) {
        Objects.checkFromToIndex(from, to, span.length());
        this.span = span;
        this.from = from;
        this.to = to;
        this.position = from;
        this.start = -1;
        this.end = -1;
        return this;
    }

    /**
     * Moves to the next word.
     *
     * @return false, leaving no word current, when only spaces remain
     * @throws IllegalStateException before the first {@link #reset}
     */
    public boolean next() {
        if (span == null) {
            throw new IllegalStateException("no span: call reset(span) first");
        }
        int i = skipSpaces(position);
        if (i == to) {
            position = to;
            start = -1;
            end = -1;
            return false;
        }
        int space = span.indexOf(SPACE, i);
        start = i;
        end = space < 0 || space > to ? to : space;
        position = end;
        return true;
    }

    /** Index in the span of the current word's first byte. */
    public int start() {
        checkCurrent();
        return start;
    }

    /** Index in the span just past the current word's last byte. */
    public int end() {
        checkCurrent();
        return end;
    }

    /** Bytes in the current word (at least one). */
    public int length() {
        checkCurrent();
        return end - start;
    }

    /** Whether the current word is exactly the given ASCII text. */
    public boolean equalsAscii(CharSequence text) {
        checkCurrent();
        return span.equalsAscii(start, end, text);
    }

    /** The current word as a signed decimal, see {@link ByteSpan#parseLong(int, int)}. */
    public long parseLong() {
        checkCurrent();
        return span.parseLong(start, end);
    }

    /** The current word as an unsigned decimal, see {@link ByteSpan#parseUnsignedLong(int, int)}. */
    public long parseUnsignedLong() {
        checkCurrent();
        return span.parseUnsignedLong(start, end);
    }

    /**
     * Index where the unsplit rest begins: the first byte of the word {@link #next()} would move to,
     * or the end of the range when only spaces remain. Before the first {@code next()}, the first
     * word's start. For commands whose last argument is free text.
     */
    public int restStart() {
        checkReset();
        return skipSpaces(position);
    }

    /** Words after the current one, which {@link #next()} would still return (scans, does not move). */
    public int remaining() {
        checkReset();
        return countFrom(position);
    }

    /** Words in the whole range, whatever the current position (scans, does not move). */
    public int count() {
        checkReset();
        return countFrom(from);
    }

    private int countFrom(int i) {
        int words = 0;
        boolean inWord = false;
        for (; i < to; i++) {
            boolean space = span.byteAt(i) == SPACE;
            if (!space && !inWord) {
                words++;
            }
            inWord = !space;
        }
        return words;
    }

    private int skipSpaces(int i) {
        while (i < to && span.byteAt(i) == SPACE) {
            i++;
        }
        return i;
    }

    private void checkReset() {
        if (span == null) {
            throw new IllegalStateException("no span: call reset(span) first");
        }
    }

    private void checkCurrent() {
        if (start < 0) {
            throw new IllegalStateException("no current word: call next() first and check that it returned true");
        }
    }

    @Override
    public String toString() {
        return span == null ? "SpanTokens[no span]"
                : "SpanTokens[range " + from + ".." + to + ", word " + (start < 0 ? "none" : start + ".." + end) + "]";
    }
}
