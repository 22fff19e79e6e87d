package io.ringside;

/**
 * Decimal parsing over a {@link ByteSpan} range, behind {@link ByteSpan#parseLong} and
 * {@link ByteSpan#parseUnsignedLong}. Allocates only to report an error.
 *
 * <p>Thread-safe (stateless); the span it reads is confined to its worker.
 */
final class DecimalParser {
    /** Most bytes of the offending text an error message quotes. */
    static final int QUOTED_BYTES = 32;

    /** Largest unsigned value that can take one more digit: floor((2^64 - 1) / 10). */
    private static final long UNSIGNED_LIMIT = Long.divideUnsigned(-1L, 10);
    /** Largest last digit on top of {@link #UNSIGNED_LIMIT}: (2^64 - 1) mod 10. */
    private static final int UNSIGNED_LAST_DIGIT = (int) Long.remainderUnsigned(-1L, 10);

    private DecimalParser() {
    }

    /** Range already checked by the caller. */
    static long parseLong(ByteSpan span, int from, int to) {
        boolean negative = from < to && span.byteAt(from) == '-';
        int i = negative ? from + 1 : from;
        if (i == to) {
            throw notANumber(span, from, to);
        }
        // Accumulates negatively, as Long.parseLong does, so Long.MIN_VALUE fits.
        long limit = negative ? Long.MIN_VALUE : -Long.MAX_VALUE;
        long beforeLastDigit = limit / 10;
        long result = 0;
        for (; i < to; i++) {
            int digit = span.byteAt(i) - '0';
            if (digit < 0 || digit > 9) {
                throw notANumber(span, from, to);
            }
            if (result < beforeLastDigit || result * 10 < limit + digit) {
                checkDigits(span, i + 1, from, to);
                throw outOfRange(span, from, to);
            }
            result = result * 10 - digit;
        }
        return negative ? result : -result;
    }

    /** Range already checked by the caller. */
    static long parseUnsignedLong(ByteSpan span, int from, int to) {
        if (from == to) {
            throw notANumber(span, from, to);
        }
        long result = 0;
        for (int i = from; i < to; i++) {
            int digit = span.byteAt(i) - '0';
            if (digit < 0 || digit > 9) {
                throw notANumber(span, from, to);
            }
            if (Long.compareUnsigned(result, UNSIGNED_LIMIT) > 0
                    || (result == UNSIGNED_LIMIT && digit > UNSIGNED_LAST_DIGIT)) {
                checkDigits(span, i + 1, from, to);
                throw outOfRange(span, from, to);
            }
            result = result * 10 + digit;
        }
        return result;
    }

    /** Keeps scanning after an overflow: a later non-digit makes it "not a number", not "out of range". */
    private static void checkDigits(ByteSpan span, int start, int from, int to) {
        for (int i = start; i < to; i++) {
            byte b = span.byteAt(i);
            if (b < '0' || b > '9') {
                throw notANumber(span, from, to);
            }
        }
    }

    private static NumberFormatException notANumber(ByteSpan span, int from, int to) {
        return new NumberFormatException("not a number: " + quote(span, from, to));
    }

    private static NumberFormatException outOfRange(ByteSpan span, int from, int to) {
        return new NumberFormatException("out of range: " + quote(span, from, to));
    }

    /**
     * The text in double quotes, printable ASCII as is and other bytes as {@code \xNN}, cut after
     * {@link #QUOTED_BYTES} bytes with {@code ...} and the full length.
     */
    static String quote(ByteSpan span, int from, int to) {
        StringBuilder b = new StringBuilder(QUOTED_BYTES + 16).append('"');
        int end = Math.min(to, from + QUOTED_BYTES);
        for (int i = from; i < end; i++) {
            int c = span.byteAt(i) & 0xFF;
            if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
                b.append((char) c);
            } else {
                b.append(String.format("\\x%02x", c));
            }
        }
        b.append('"');
        if (end < to) {
            b.append("... (").append(to - from).append(" bytes)");
        }
        return b.toString();
    }
}
