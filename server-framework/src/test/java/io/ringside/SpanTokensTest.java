package io.ringside;

import static io.ringside.ArraySpan.ascii;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link SpanTokens} splitting memcached and RESP lines on spaces, and doing it without allocating. */
class SpanTokensTest {
    private final SpanTokens tokens = new SpanTokens();

    @Test
    void aMemcachedStorageCommand() {
        ByteSpan line = ascii("set user:42 3 3600 5 noreply");
        tokens.reset(line);
        assertEquals(6, tokens.count());
        assertTrue(tokens.next());
        assertTrue(tokens.equalsAscii("set"));
        assertEquals(5, tokens.remaining());
        assertTrue(tokens.next());
        assertEquals(4, tokens.start());
        assertEquals(11, tokens.end());
        assertEquals(7, tokens.length());
        assertTrue(line.equalsAscii(tokens.start(), tokens.end(), "user:42"));
        assertTrue(tokens.next());
        assertEquals(3, tokens.parseUnsignedLong());
        assertTrue(tokens.next());
        assertEquals(3600, tokens.parseLong());
        assertTrue(tokens.next());
        assertEquals(5, tokens.parseLong());
        assertEquals(1, tokens.remaining());
        assertTrue(tokens.next());
        assertTrue(tokens.equalsAscii("noreply"));
        assertEquals(0, tokens.remaining());
        assertFalse(tokens.next());
        assertFalse(tokens.next(), "stays exhausted");
        assertEquals(6, tokens.count(), "count is of the whole range, wherever the position");
    }

    @Test
    void leadingTrailingAndRepeatedSpacesSeparateNothing() {
        assertEquals(List.of("get", "a", "b"), words("  get  a   b  "));
        assertEquals(List.of("x"), words("x"));
        assertEquals(List.of(), words(""));
        assertEquals(List.of(), words("    "));
        assertEquals(0, tokens.reset(ascii("    ")).count());
    }

    @Test
    void onlyTheAsciiSpaceSeparates() {
        assertEquals(List.of("a\tb", "c\r", "\u00a0d"), words("a\tb c\r \u00a0d"));
    }

    @Test
    void aRangeBoundsTheWords() {
        ByteSpan line = ascii("get abc def");
        tokens.reset(line, 0, 6);
        assertEquals(List.of("get", "ab"), collect(line));
        tokens.reset(line, 5, 11);
        assertEquals(List.of("bc", "def"), collect(line));
        tokens.reset(line, 3, 4);
        assertFalse(tokens.next());
        assertThrows(IndexOutOfBoundsException.class, () -> tokens.reset(line, 0, 12));
        assertThrows(IndexOutOfBoundsException.class, () -> tokens.reset(line, 5, 4));
    }

    @Test
    void restStartIsWhereTheNextWordBegins() {
        ByteSpan line = ascii("  VERSION   free text here ");
        tokens.reset(line);
        assertEquals(2, tokens.restStart(), "before next(): the first word");
        tokens.next();
        assertEquals(12, tokens.restStart());
        assertEquals("free text here ", line.slice(tokens.restStart(), line.length()).toString(StandardCharsets.US_ASCII));
        while (tokens.next()) {
            assertTrue(tokens.restStart() >= tokens.end());
        }
        assertEquals(line.length(), tokens.restStart(), "only spaces remain");
    }

    @Test
    void respHeaders() {
        tokens.reset(ascii("*3"));
        assertTrue(tokens.next());
        ByteSpan header = ascii("$-1");
        tokens.reset(header);
        assertTrue(tokens.next());
        assertEquals('$', header.byteAt(tokens.start()));
        assertEquals(-1, header.parseLong(tokens.start() + 1, tokens.end()));
        assertThrows(NumberFormatException.class, tokens::parseLong, "the '$' is not a digit");
    }

    @Test
    void askingForAWordWhenThereIsNoneIsAnError() {
        SpanTokens fresh = new SpanTokens();
        assertThrows(IllegalStateException.class, fresh::next);
        assertThrows(IllegalStateException.class, fresh::restStart);
        assertThrows(IllegalStateException.class, fresh::count);
        fresh.reset(ascii("one"));
        assertThrows(IllegalStateException.class, fresh::start, "before next()");
        assertThrows(IllegalStateException.class, fresh::length);
        assertTrue(fresh.next());
        assertFalse(fresh.next());
        assertThrows(IllegalStateException.class, fresh::end, "after the last word");
        assertThrows(IllegalStateException.class, () -> fresh.equalsAscii("one"));
        assertThrows(IllegalStateException.class, fresh::parseUnsignedLong);
    }

    @Test
    void resetForgetsThePreviousLine() {
        tokens.reset(ascii("incr a 1"));
        tokens.next();
        tokens.next();
        tokens.reset(ascii("decr b 2"));
        assertThrows(IllegalStateException.class, tokens::start);
        assertTrue(tokens.next());
        assertTrue(tokens.equalsAscii("decr"));
        assertEquals(2, tokens.remaining());
    }

    /**
     * The point of the class: a memcached or RESP parser built on it allocates nothing per line. One
     * allocation per line (16 bytes at least) fails the 1-byte threshold.
     */
    @Test
    void tokenizingAndParsingAllocatesNothingPerLine() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        ByteSpan[] lines = {
            ascii("set user:42 3 3600 5 noreply"), ascii("get a bb ccc dddd"), ascii("incr counter 18446744073709551615"),
            ascii("*3"), ascii("$5"), ascii("  delete   k  "), ascii("touch k -1"),
        };
        int n = 100_000;
        long expected = checksum(lines, n); // also the warm-up
        long before = threads.getCurrentThreadAllocatedBytes();
        long sum = checksum(lines, n);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(expected, sum);
        double perLine = (double) allocated / n;
        assertTrue(perLine < 1.0, allocated + " bytes for " + n + " lines: " + perLine + " per line");

        long probeBefore = threads.getCurrentThreadAllocatedBytes();
        byte[] big = new byte[100_000];
        assertTrue(threads.getCurrentThreadAllocatedBytes() - probeBefore >= big.length, "the probe sees allocations");
    }

    private long checksum(ByteSpan[] lines, int n) {
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sum = sum * 31 + parseOne(lines[i % lines.length]);
        }
        return sum;
    }

    /** A sketch of a command parser: the kind of work a real handler does per line. */
    private long parseOne(ByteSpan line) {
        if (line.startsWithAscii("*") || line.startsWithAscii("$")) {
            return line.parseLong(1, line.length());
        }
        tokens.reset(line);
        tokens.next();
        long sum = tokens.remaining();
        if (tokens.equalsAscii("set") && tokens.next()) {
            int keyLength = tokens.length();
            tokens.next();
            long flags = tokens.parseUnsignedLong();
            tokens.next();
            long exptime = tokens.parseLong();
            tokens.next();
            long bytes = tokens.parseLong();
            boolean noreply = tokens.next() && tokens.equalsAscii("noreply");
            return keyLength + flags + exptime + bytes + (noreply ? 1 : 0);
        }
        if (tokens.equalsAscii("incr") && tokens.next() && tokens.next()) {
            return tokens.parseUnsignedLong();
        }
        if (tokens.equalsAscii("touch") && tokens.next() && tokens.next()) {
            return tokens.parseLong();
        }
        while (tokens.next()) {
            sum += tokens.length() + line.indexOf((byte) ' ', tokens.start());
        }
        return sum;
    }

    private List<String> words(String text) {
        ByteSpan line = ascii(text);
        tokens.reset(line);
        return collect(line);
    }

    private List<String> collect(ByteSpan line) {
        List<String> words = new ArrayList<>();
        while (tokens.next()) {
            words.add(line.slice(tokens.start(), tokens.end()).toString(StandardCharsets.ISO_8859_1));
            assertEquals(tokens.end() - tokens.start(), tokens.length());
        }
        return words;
    }
}
