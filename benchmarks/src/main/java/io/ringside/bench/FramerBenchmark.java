package io.ringside.bench;

import io.ringside.EndOfLine;
import io.ringside.ByteSpan;
import io.ringside.Connection;
import io.ringside.LineHandler;
import io.ringside.ServerConfig;
import io.ringside.testing.HandlerHarness;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Framing and dispatch alone: a full read buffer (16 KiB, direct, like the worker's pooled read buffers)
 * of 32-byte lines, framed through the public harness into a handler that only adds up line lengths and
 * writes nothing, reported per line.
 *
 * <p>Why: the scan touches every received byte, so it bounds how fast one worker can frame input
 * whatever the handler does. {@code LF} and {@code CRLF} share the plain scan for {@code \n} (CRLF
 * only drops the {@code \r} afterwards); {@code CRLF_STRICT} adds the look-back for {@code \r} on every
 * {@code \n}, which shows what that check costs.
 *
 * <p>Threading: each benchmark thread has its own buffer and harness.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FramerBenchmark {
    /** The default read buffer size (read-buffer-bytes). */
    static final int BUFFER_BYTES = 16 * 1024;
    /** Bytes per line, terminator included. */
    static final int LINE_BYTES = 32;
    static final int LINES = BUFFER_BYTES / LINE_BYTES;

    @Param({"LF", "CRLF", "CRLF_STRICT"})
    public EndOfLine endOfLine;

    private ByteBuffer buffer;
    private HandlerHarness harness;
    private final LengthSum sum = new LengthSum();

    @Setup
    public void setUp() {
        ServerConfig config = ServerConfig.builder().endOfLine(endOfLine).linesPerWakeup(LINES).build();
        harness = new HandlerHarness(config, sum);
        byte[] terminator = endOfLine == EndOfLine.LF ? new byte[] {'\n'} : new byte[] {'\r', '\n'};
        buffer = ByteBuffer.allocateDirect(BUFFER_BYTES);
        buffer.put(Lines.of(LINES, LINE_BYTES, terminator)).flip();
        long lines = sum.lines;
        frameLines();
        if (sum.lines - lines != LINES) {
            throw new IllegalStateException("framed " + (sum.lines - lines) + " of " + LINES + " lines");
        }
    }

    /** Frames every line of the buffer; returns the sum of line lengths so nothing is optimized away. */
    @Benchmark
    @OperationsPerInvocation(LINES)
    public long frameLines() {
        buffer.rewind();
        harness.feed(buffer);
        return sum.bytes;
    }

    /** Counts lines and their bytes; writes nothing. */
    static final class LengthSum extends LineHandler {
        long lines;
        long bytes;

        @Override
        public void onLine(Connection connection, ByteSpan line) {
            lines++;
            bytes += line.length();
        }
    }
}
