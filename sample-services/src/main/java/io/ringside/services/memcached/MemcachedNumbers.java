package io.ringside.services.memcached;

import io.ringside.ByteSpan;

/**
 * memcached's number parsing ({@code safe_strtol}, {@code safe_strtoul}, {@code safe_strtoull} over C's strtol
 * family), so that the same arguments are accepted and refused: an optional sign, decimal digits, nothing else.
 * Stateless; any thread. Every method returns {@link #INVALID} (a value no caller accepts) instead of throwing,
 * so that a bad argument costs no exception.
 */
final class MemcachedNumbers {
    /** Returned for text that is not a number in range; outside every range the callers accept. */
    static final long INVALID = Long.MIN_VALUE;

    private MemcachedNumbers() {
    }

    /**
     * {@code safe_strtol} into an {@code int32_t}: strtol's range is 64 bits, then the value is truncated to 32
     * bits, as memcached 1.6.18 does ({@code set a 0 0 4294967296} announces a 0-byte block). Returns the
     * truncated int, or {@link #INVALID}.
     */
    static long int32(ByteSpan s, int from, int to) {
        long v = signed64(s, from, to);
        return v == INVALID ? INVALID : (int) v;
    }

    /** {@code safe_strtoul} for client flags: unsigned, a '-' only if the value is 0; taken modulo 2^32. */
    static long flags(ByteSpan s, int from, int to) {
        int i = from;
        boolean negative = false;
        if (i < to && (s.byteAt(i) == '-' || s.byteAt(i) == '+')) {
            negative = s.byteAt(i) == '-';
            i++;
        }
        long v = unsignedDigits(s, i, to);
        if (v == INVALID || (negative && v != 0)) {
            return INVALID;
        }
        return v & 0xffffffffL;
    }

    /**
     * {@code safe_strtoull} for incr / decr deltas and cas uniques: 0 to 2^64-1 (returned with unsigned meaning),
     * an optional '+'. A '-' is refused; {@code -0} too, where memcached would take it (rare enough not to mimic).
     * Callers must check for {@link #INVALID} with {@link #isValidUnsigned}.
     */
    static long unsigned64(ByteSpan s, int from, int to) {
        int i = from;
        if (i < to && s.byteAt(i) == '+') {
            i++;
        }
        return unsignedDigits(s, i, to);
    }

    /** Whether {@link #unsigned64} parsed: {@link #INVALID} is 2^63, itself a legal delta, so a second flag is needed. */
    static boolean isValidUnsigned(long v, ByteSpan s, int from, int to) {
        return v != INVALID || isExactly2Pow63(s, from, to);
    }

    private static boolean isExactly2Pow63(ByteSpan s, int from, int to) {
        int i = from < to && s.byteAt(from) == '+' ? from + 1 : from;
        while (i < to - 1 && s.byteAt(i) == '0') {
            i++;
        }
        return s.equalsAscii(i, to, "9223372036854775808");
    }

    /** strtol: optional sign, digits, within 64 bits. */
    private static long signed64(ByteSpan s, int from, int to) {
        int i = from;
        boolean negative = false;
        if (i < to && (s.byteAt(i) == '-' || s.byteAt(i) == '+')) {
            negative = s.byteAt(i) == '-';
            i++;
        }
        if (i >= to) {
            return INVALID;
        }
        long v = 0;
        for (; i < to; i++) {
            int d = s.byteAt(i) - '0';
            if (d < 0 || d > 9) {
                return INVALID;
            }
            if (v > (Long.MAX_VALUE - d) / 10) {
                return INVALID; // ERANGE (LONG_MIN itself is refused too; nobody sends it)
            }
            v = v * 10 + d;
        }
        return negative ? -v : v;
    }

    private static long unsignedDigits(ByteSpan s, int i, int to) {
        if (i >= to) {
            return INVALID;
        }
        long v = 0;
        for (; i < to; i++) {
            int d = s.byteAt(i) - '0';
            if (d < 0 || d > 9) {
                return INVALID;
            }
            if (Long.compareUnsigned(v, Long.divideUnsigned(-1L - d, 10)) > 0) {
                return INVALID; // above 2^64 - 1
            }
            v = v * 10 + d;
        }
        return v;
    }
}
