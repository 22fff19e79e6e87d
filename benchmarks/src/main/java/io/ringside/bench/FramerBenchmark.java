package io.ringside.bench;

import io.ringside.EndOfLine;
import io.ringside.internal.LineFramer;
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
 * Framing alone: {@link LineFramer#findEnd} and {@link LineFramer#contentEnd} splitting a full read
 * buffer (16 KiB, direct, like the worker's pooled read buffers) of 32-byte lines, reported per line.
 *
 * <p>Why: the scan touches every received byte, so it bounds how fast one worker can frame input
 * whatever the handler does. {@code LF} and {@code CRLF} share the plain scan for {@code \n} (CRLF
 * only drops the {@code \r} afterwards); {@code CRLF_STRICT} adds the look-back for {@code \r} on every
 * {@code \n}, which shows what that check costs.
 *
 * <p>Threading: each benchmark thread has its own buffer and framer.
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
    private LineFramer framer;

    @Setup
    public void setUp() {
        framer = new LineFramer(endOfLine, 8 * 1024);
        byte[] terminator = endOfLine == EndOfLine.LF ? new byte[] {'\n'} : new byte[] {'\r', '\n'};
        buffer = ByteBuffer.allocateDirect(BUFFER_BYTES);
        buffer.put(Lines.of(LINES, LINE_BYTES, terminator)).flip();
    }

    /** Frames every line of the buffer; returns the sum of content ends so nothing is optimized away. */
    @Benchmark
    @OperationsPerInvocation(LINES)
    public long frameLines() {
        ByteBuffer b = buffer;
        int to = b.limit();
        long sum = 0;
        int start = 0;
        int end;
        while ((end = framer.findEnd(b, start, start, to)) >= 0) {
            sum += framer.contentEnd(b, start, end);
            start = end + 1;
        }
        if (start != to) {
            throw new IllegalStateException("framed up to " + start + " of " + to + " bytes");
        }
        return sum;
    }
}
