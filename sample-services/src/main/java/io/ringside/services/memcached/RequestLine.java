package io.ringside.services.memcached;

import io.ringside.ByteSpan;
import io.ringside.SpanTokens;

/**
 * One command line, tokenized as memcached's {@code tokenize_command} does: words split on spaces, at most 23
 * words counted (the rest is one unsplit token), the line ending at a NUL byte. Gives the command classes
 * random access to the first words ({@link #start(int)}, {@link #end(int)}) without allocating.
 *
 * <p>Confined to its connection's worker: one instance per handler, {@link #reset} for each line; positions
 * are valid only during the handler call that received the line.
 */
final class RequestLine {
    /** memcached's MAX_TOKENS (24) minus the terminal token. */
    static final int MAX_WORDS = 23;

    final SpanTokens tokens = new SpanTokens();
    private final int[] starts = new int[MAX_WORDS];
    private final int[] ends = new int[MAX_WORDS];
    private ByteSpan line;
    private int length;
    private int words;

    /** Splits {@code line} (up to its first NUL); returns this. */
    RequestLine reset(ByteSpan line) {
        this.line = line;
        int nul = line.indexOf((byte) 0);
        this.length = nul >= 0 ? nul : line.length();
        tokens.reset(line, 0, length);
        words = 0;
        while (words < MAX_WORDS && tokens.next()) {
            starts[words] = tokens.start();
            ends[words] = tokens.end();
            words++;
        }
        if (words == MAX_WORDS && tokens.remaining() > 0) {
            ends[MAX_WORDS - 1] = length; // memcached keeps the rest in the last token: only the count matters here
        }
        return this;
    }

    ByteSpan span() {
        return line;
    }

    /** Bytes of the line up to its first NUL. */
    int length() {
        return length;
    }

    /** memcached's {@code ntokens}: the words (at most 23) plus the terminal token. */
    int ntokens() {
        return words + 1;
    }

    int words() {
        return words;
    }

    int start(int word) {
        return starts[word];
    }

    int end(int word) {
        return ends[word];
    }

    int length(int word) {
        return ends[word] - starts[word];
    }

    boolean is(int word, String text) {
        return word < words && line.equalsAscii(starts[word], ends[word], text);
    }

    /** memcached's {@code set_noreply_maybe}: the last word is {@code noreply}. */
    boolean noreply() {
        return words > 0 && is(words - 1, "noreply");
    }

    /** Copies word {@code word} into {@code dst} at {@code at}; returns its length. */
    int copy(int word, byte[] dst, int at) {
        line.copyTo(starts[word], ends[word], dst, at);
        return ends[word] - starts[word];
    }

    /** Copies word {@code word} into {@code dst} at 0; returns its length. */
    int copy(int word, byte[] dst) {
        line.copyTo(starts[word], ends[word], dst, 0);
        return ends[word] - starts[word];
    }
}
