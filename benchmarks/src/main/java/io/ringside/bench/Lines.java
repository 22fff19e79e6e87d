package io.ringside.bench;

import java.nio.charset.StandardCharsets;

/**
 * Builds the pipelined input of the benchmarks: fixed-length lines of printable ASCII (letters,
 * digits, punctuation, so that ROT13 has work to do), each ending with the given terminator.
 *
 * <p>Thread-safe (stateless).
 */
final class Lines {
    private static final byte[] TEXT = "The quick brown fox jumps over the lazy dog, 0123456789! "
            .getBytes(StandardCharsets.US_ASCII);

    private Lines() {
    }

    /** {@code count} lines of {@code lineBytes} bytes each, terminator included. */
    static byte[] of(int count, int lineBytes, byte[] terminator) {
        int content = lineBytes - terminator.length;
        byte[] out = new byte[count * lineBytes];
        int p = 0;
        for (int line = 0; line < count; line++) {
            for (int i = 0; i < content; i++) {
                out[p++] = TEXT[(line + i) % TEXT.length];
            }
            for (byte t : terminator) {
                out[p++] = t;
            }
        }
        return out;
    }
}
