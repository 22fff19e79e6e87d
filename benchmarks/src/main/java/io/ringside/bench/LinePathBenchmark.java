package io.ringside.bench;

import io.ringside.LineHandler;
import io.ringside.ServerConfig;
import io.ringside.services.echo.EchoHandler;
import io.ringside.services.rot13.Rot13;
import io.ringside.services.rot13.Rot13Handler;
import io.ringside.testing.HandlerHarness;
import java.nio.ByteBuffer;
import java.util.Arrays;
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
import org.openjdk.jmh.annotations.TearDown;

/**
 * The whole per-line path of a worker, without sockets: copy a read into the pooled input buffer,
 * frame, dispatch to the handler in budgets of lines-per-wakeup, queue the reply in pooled output
 * buffers, and hand the output to a "socket" that takes everything (it is dropped, allocating
 * nothing). Each invocation delivers the same 16 KiB of 512 pipelined 32-byte lines; results are per
 * line.
 *
 * <p>Why: zero allocation per line is a design goal ({@code EchoHandler} and {@code Rot13Handler} say
 * so), and this is where it is checked: run with {@code -prof gc} and read {@code gc.alloc.rate.norm},
 * bytes per line, which should be ~0. The time per line is the worker's CPU cost without the system
 * calls.
 *
 * <p>Threading: each benchmark thread owns its connection (a detached connection is confined to the
 * thread that created it, and JMH runs a thread-scoped state's setup on that thread).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LinePathBenchmark {
    static final int LINE_BYTES = 32;
    static final int LINES = 512;

    @Param({"echo", "rot13"})
    public String handler;

    private ByteBuffer input;
    private HandlerHarness connection;

    @Setup
    public void setUp() {
        byte[] lines = Lines.of(LINES, LINE_BYTES, new byte[] {'\n'});
        input = ByteBuffer.allocateDirect(lines.length);
        input.put(lines).flip();
        checkReplies(lines);
        connection = new HandlerHarness(ServerConfig.defaults(), newHandler()).discardOutput();
        long dropped = serveLines();
        if (dropped != lines.length) {
            throw new IllegalStateException("dropped " + dropped + " bytes of replies, expected " + lines.length);
        }
    }

    /** Delivers the 512 lines as one read and drops the replies; returns the bytes dropped. */
    @Benchmark
    @OperationsPerInvocation(LINES)
    public long serveLines() {
        input.rewind();
        long before = connection.discardedBytes();
        connection.feed(input);
        return connection.discardedBytes() - before;
    }

    @TearDown
    public void tearDown() {
        if (connection.closeReason() != null) {
            throw new IllegalStateException("the connection closed during the run: " + connection.closeReason());
        }
    }

    private LineHandler newHandler() {
        switch (handler) {
            case "echo":
                return new EchoHandler();
            case "rot13":
                return new Rot13Handler();
            default:
                throw new IllegalArgumentException("unknown handler " + handler);
        }
    }

    /** Proves, once and outside the measurement, that the handler answers every line correctly. */
    private void checkReplies(byte[] lines) {
        HandlerHarness probe = new HandlerHarness(ServerConfig.defaults(), newHandler());
        probe.feed(input.duplicate());
        byte[] expected = lines.clone();
        if (handler.equals("rot13")) {
            Rot13.applyInPlace(expected, expected.length);
        }
        if (!Arrays.equals(expected, probe.takeOutput())) {
            throw new IllegalStateException(handler + " did not answer the " + LINES + " lines as expected");
        }
    }
}
