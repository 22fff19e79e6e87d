package io.ringside.services.memcached.store;

import java.nio.ByteBuffer;

/**
 * The numbers of incr / decr, exactly as memcached 1.6 reads and writes them. Stateless, thread-safe.
 *
 * <p>Reading is C's {@code strtoull} as memcached's {@code safe_strtoull} uses it, on the value followed by the
 * "\r\n" memcached stores after it: leading white space is skipped, one optional {@code +} or {@code -}, at least
 * one decimal digit, and the first byte after the digits must be white space, NUL or the end of the value (so
 * {@code "12 abc"} reads as 12, {@code "12a"} does not read). Above 2^64 - 1 is not a number. A {@code -} negates
 * modulo 2^64, and the result is refused if it is then at least 2^63 ({@code "-1"} is refused, {@code "-0"} is 0).
 */
final class Numeric {
    /** Decimal digits of 2^64 - 1. */
    static final int MAX_DIGITS = 20;
    /** 10^19 as an unsigned 64-bit value: the smallest 20-digit number. */
    private static final long TEN_POW_19 = Long.parseUnsignedLong("10000000000000000000");

    private Numeric() {
    }

    /** Parses {@code buf[off, off + len)} into {@code out.value}; false if it is not a number. */
    static boolean parse(ByteBuffer buf, int off, int len, DeltaValue out) {
        int end = off + len;
        int i = off;
        while (i < end && isSpace(buf.get(i))) {
            i++;
        }
        boolean negative = false;
        if (i < end && (buf.get(i) == '+' || buf.get(i) == '-')) {
            negative = buf.get(i) == '-';
            i++;
        }
        int start = i;
        long v = 0;
        for (; i < end; i++) {
            int d = buf.get(i) - '0';
            if (d < 0 || d > 9) {
                break;
            }
            // v * 10 + d must stay below 2^64: compare against (2^64 - 1 - d) / 10 unsigned.
            if (Long.compareUnsigned(v, Long.divideUnsigned(-1L - d, 10)) > 0) {
                return false;
            }
            v = v * 10 + d;
        }
        if (i == start) {
            return false;
        }
        if (i < end && !isSpace(buf.get(i)) && buf.get(i) != 0) {
            return false;
        }
        if (negative) {
            v = -v;
            if (v < 0) {
                return false;
            }
        }
        out.value = v;
        return true;
    }

    /** The new value: incr wraps modulo 2^64, decr stops at 0. */
    static long apply(long value, long delta, boolean incr) {
        if (incr) {
            return value + delta;
        }
        return Long.compareUnsigned(delta, value) > 0 ? 0 : value - delta;
    }

    /** Decimal digits of an unsigned 64-bit value. */
    static int digits(long v) {
        if (v < 0) {
            return Long.compareUnsigned(v, TEN_POW_19) >= 0 ? MAX_DIGITS : MAX_DIGITS - 1;
        }
        int n = 1;
        while (v >= 10) {
            v /= 10;
            n++;
        }
        return n;
    }

    /**
     * Writes the unsigned decimal of {@code v} at {@code off} and pads with spaces up to {@code width} bytes, as
     * memcached does when the new number is shorter than the stored value (it rewrites the value in place).
     */
    static void write(ByteBuffer buf, int off, long v, int width) {
        int n = digits(v);
        long rest = v;
        for (int i = n - 1; i >= 0; i--) {
            long q = Long.divideUnsigned(rest, 10);
            buf.put(off + i, (byte) ('0' + (int) (rest - q * 10)));
            rest = q;
        }
        for (int i = n; i < width; i++) {
            buf.put(off + i, (byte) ' ');
        }
    }

    /** C's isspace in the "C" locale. */
    private static boolean isSpace(byte b) {
        return b == ' ' || (b >= '\t' && b <= '\r');
    }
}
