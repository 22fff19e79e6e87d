package io.ringside.internal.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringside.ByteSpan;
import io.ringside.Connection;
import io.ringside.LineHandler;
import io.ringside.ServerConfig;
import io.ringside.testing.HandlerHarness;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a handler's calls cost on its loop, measured with the thread's allocation counter
 * ({@code com.sun.management.ThreadMXBean}) through {@link HandlerHarness}, whose thread is the loop:
 * writing a span of the application's, {@code execute} and {@code schedule}. Each handler call makes the
 * same call {@value #CALLS_PER_LINE} times; after a warm-up, {@value #MEASURED_CALLS} calls are measured.
 * One allocation per call is at least 16 bytes; the thresholds allow well under one byte per call for
 * the harness's own per-read costs.
 */
@Timeout(120)
class LoopPathAllocationTest {
    private static final int CALLS_PER_LINE = 100;
    private static final int LINES_PER_READ = 1000;
    private static final int MEASURED_CALLS = CALLS_PER_LINE * LINES_PER_READ;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** A span of the application's own: not the framework's InputSpan. */
    private static final class AppSpan implements ByteSpan {
        private final byte[] bytes = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

        @Override
        public int length() {
            return bytes.length;
        }

        @Override
        public byte byteAt(int index) {
            java.util.Objects.checkIndex(index, bytes.length);
            return bytes[index];
        }

        @Override
        public void copyTo(byte[] dst, int dstOffset) {
            System.arraycopy(bytes, 0, dst, dstOffset, bytes.length);
        }

        @Override
        public String toString(Charset charset) {
            return new String(bytes, charset);
        }
    }

    /** A handler that makes {@code call} CALLS_PER_LINE times per line. */
    private static HandlerHarness harness(BiConsumer<Connection, ByteSpan> call) {
        HandlerHarness h = new HandlerHarness(ServerConfig.defaults(), new LineHandler() {
            @Override
            public void onLine(Connection c, ByteSpan line) {
                for (int i = 0; i < CALLS_PER_LINE; i++) {
                    call.accept(c, line);
                }
            }
        });
        h.discardOutput();
        return h;
    }

    /** Bytes the test thread (the connection's loop) allocated per call for one read of LINES_PER_READ lines. */
    private static double bytesPerCall(HandlerHarness h) {
        byte[] lines = "x\n".repeat(LINES_PER_READ).getBytes(StandardCharsets.US_ASCII);
        ByteBuffer[] reads = new ByteBuffer[21];
        for (int i = 0; i < reads.length; i++) {
            reads[i] = ByteBuffer.wrap(lines); // made before measuring: feed(ByteBuffer) reads in place
        }
        for (int i = 0; i < reads.length - 1; i++) {
            h.feed(reads[i]); // warm-up: pools, queues and the JIT
        }
        long before = THREADS.getCurrentThreadAllocatedBytes();
        h.feed(reads[reads.length - 1]);
        long after = THREADS.getCurrentThreadAllocatedBytes();
        assertEquals(0, h.unreadBytes());
        return (double) (after - before) / MEASURED_CALLS;
    }

    @Test
    void writingASpanOfTheApplicationsAllocatesNothing() {
        AppSpan span = new AppSpan();
        HandlerHarness h = harness((c, line) -> c.write(span));
        double perCall = bytesPerCall(h);
        assertEquals(21L * MEASURED_CALLS * span.length(), h.discardedBytes(), "every byte was written");
        assertTrue(perCall < 0.5, perCall + " bytes allocated per write(ByteSpan) of a span that is not the framework's");
    }

    @Test
    void writingARangeOfASpanOfTheApplicationsAllocatesNothing() {
        AppSpan span = new AppSpan();
        HandlerHarness h = harness((c, line) -> c.write(span, 3, 11));
        double perCall = bytesPerCall(h);
        assertEquals(21L * MEASURED_CALLS * 8, h.discardedBytes());
        assertTrue(perCall < 0.5, perCall + " bytes allocated per write(ByteSpan, from, to)");
    }

    @Test
    void executeOnTheLoopAllocatesNothing() {
        long[] ran = new long[1];
        Runnable task = () -> ran[0]++; // one instance, reused
        HandlerHarness h = harness((c, line) -> c.execute(task));
        double perCall = bytesPerCall(h);
        assertEquals(21L * MEASURED_CALLS, ran[0], "every task ran");
        assertTrue(perCall < 0.5, perCall + " bytes allocated per execute() on the loop");
    }

    @Test
    void scheduleOnTheLoopAllocatesOnlyTheScheduledTask() {
        long[] ran = new long[1];
        Runnable task = () -> ran[0]++;
        HandlerHarness h = harness((c, line) -> c.schedule(Duration.ZERO, task));
        double perCall = bytesPerCall(h);
        assertEquals(21L * MEASURED_CALLS, ran[0], "every timer ran");
        double timer = bytesPerTimer();
        assertTrue(timer >= 16, "a timer object is at least 16 bytes: " + timer);
        assertTrue(perCall < timer + 0.5, perCall + " bytes allocated per schedule() on the loop; the returned timer alone is "
                + timer + " bytes");
    }

    /** The size of the ScheduledTask that schedule() returns (a LoopTimer), measured the same way. */
    private static double bytesPerTimer() {
        TimerHeap heap = new TimerHeap(() -> true, System::nanoTime);
        Runnable task = () -> { };
        LoopTimer[] keep = new LoopTimer[MEASURED_CALLS]; // kept, so no allocation can be optimized away
        for (int round = 0; round < 3; round++) {
            long before = THREADS.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < keep.length; i++) {
                keep[i] = heap.newTimer(0, null, task);
            }
            long after = THREADS.getCurrentThreadAllocatedBytes();
            if (round == 2) {
                return (double) (after - before) / keep.length;
            }
        }
        throw new AssertionError("unreachable");
    }
}
