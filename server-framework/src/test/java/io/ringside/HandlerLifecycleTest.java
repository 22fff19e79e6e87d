package io.ringside;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringside.testing.HandlerHarness;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HandlerLifecycleTest {

    @Test
    void hooksRunInOrderAndCloseIsReportedOnce() {
        RecordingHandler h = new RecordingHandler(true);
        HandlerHarness harness = new HandlerHarness(h);
        harness.feed("a\nb\n").endOfStream();
        assertEquals(List.of("open", "line:a", "line:b", "close:PEER_CLOSED"), h.events);
        assertEquals("a\nb\n", harness.takeOutputAscii());
        harness.feed("ignored after close\n");
        assertEquals(4, h.events.size());
    }

    @Test
    void aHandlerThatThrowsGetsOnErrorAndItsConnectionCloses() {
        RecordingHandler h = new RecordingHandler(true) {
            @Override
            public void onLine(Connection c, ByteSpan line) {
                super.onLine(c, line);
                if (line.equalsAscii("boom")) {
                    throw new IllegalStateException("kaput");
                }
            }
        };
        HandlerHarness harness = new HandlerHarness(h);
        harness.feed("ok\nboom\nnever\n");
        assertEquals(List.of("open", "line:ok", "line:boom", "error:kaput", "close:HANDLER_ERROR"), h.events);
        assertEquals("ok\nboom\n", harness.takeOutputAscii(), "replies written before the error are flushed");
        assertEquals(CloseReason.HANDLER_ERROR, harness.closeReason());
    }

    @Test
    void closeAfterFlushDeliversTheGoodbyeThenCloses() {
        LineHandler h = new LineHandler() {
            @Override
            public void onOpen(Connection c) {
                c.writeLine("hello");
            }

            @Override
            public void onLine(Connection c, ByteSpan line) {
                if (line.equalsAscii("quit")) {
                    c.writeLine("bye").closeAfterFlush();
                } else {
                    c.writeLine(line);
                }
            }
        };
        HandlerHarness harness = new HandlerHarness(h);
        harness.feed("x\nquit\ny\n");
        assertEquals("hello\nx\nbye\n", harness.takeOutputAscii());
        assertEquals(CloseReason.LOCAL_CLOSE, harness.closeReason());
    }

    @Test
    void pauseStopsDeliveryAndResumeDeliversBufferedLines() {
        RecordingHandler h = new RecordingHandler(false) {
            @Override
            public void onLine(Connection c, ByteSpan line) {
                super.onLine(c, line);
                if (line.equalsAscii("pause")) {
                    c.pauseReading();
                }
            }
        };
        HandlerHarness harness = new HandlerHarness(h);
        harness.feed("one\npause\ntwo\nthree\n");
        assertEquals(List.of("one", "pause"), h.lines);
        harness.connection().resumeReading();
        harness.settle();
        assertEquals(List.of("one", "pause", "two", "three"), h.lines);
    }

    @Test
    void timersAndTasksRunOnTheConnectionsLoopAndTheirWritesAreFlushed() throws Exception {
        LineHandler h = new LineHandler() {
            @Override
            public void onLine(Connection c, ByteSpan line) {
                String text = line.toString(StandardCharsets.US_ASCII);
                c.schedule(Duration.ZERO, () -> c.writeLine("timer " + text));
                c.execute(() -> c.writeLine("task " + text));
            }
        };
        HandlerHarness harness = new HandlerHarness(h);
        harness.feed("t\n");
        // the worker's turn order, which the harness plays too: due timers at the end of the turn that read
        // the line, tasks posted on the loop at the start of the next one
        assertEquals("timer t\ntask t\n", harness.takeOutputAscii());
        assertNull(harness.closeReason());
    }

    @Test
    void writesAfterCloseAreIgnoredAndCloseIsIdempotent() {
        RecordingHandler h = new RecordingHandler(false);
        HandlerHarness harness = new HandlerHarness(h);
        Connection c = harness.connection();
        c.close();
        c.close();
        c.writeLine("late");
        assertFalse(c.isOpen());
        assertEquals("", harness.takeOutputAscii());
        assertEquals(List.of("open", "close:LOCAL_CLOSE"), h.events);
    }

    @Test
    void aDataBlockWithoutOnBlockIsAHandlerError() {
        LineHandler h = new LineHandler() {
            @Override
            public void onLine(Connection c, ByteSpan line) {
                c.readBlock(3);
            }
        };
        HandlerHarness harness = new HandlerHarness(h);
        harness.feed("x\nabc");
        assertEquals(CloseReason.HANDLER_ERROR, harness.closeReason());
    }

    @Test
    void confinedMethodsAssertTheyRunOnTheirLoop() throws Exception {
        assertTrue(HandlerLifecycleTest.class.desiredAssertionStatus(), "tests must run with -ea");
        HandlerHarness harness = new HandlerHarness(new RecordingHandler(false));
        Throwable[] thrown = new Throwable[1];
        Thread other = new Thread(() -> {
            try {
                harness.connection().writeLine("from the wrong thread");
            } catch (Throwable t) {
                thrown[0] = t;
            }
        });
        other.start();
        other.join();
        assertTrue(thrown[0] instanceof AssertionError, "expected an AssertionError, got " + thrown[0]);
        assertThrows(IllegalArgumentException.class, () -> harness.connection().readBlock(-1));
    }

    /** Runs {@code call} on a new thread and returns what it threw (null: nothing). */
    private static Throwable thrownOnAnotherThread(Runnable call) throws InterruptedException {
        Throwable[] thrown = new Throwable[1];
        Thread other = new Thread(() -> {
            try {
                call.run();
            } catch (Throwable t) {
                thrown[0] = t;
            }
        }, "test-not-the-loop");
        other.start();
        other.join();
        return thrown[0];
    }

    @Test
    void isOpenAttachAndAttachmentAssertTheyRunOnTheirLoop() throws Exception {
        assertTrue(HandlerLifecycleTest.class.desiredAssertionStatus(), "tests must run with -ea");
        HandlerHarness harness = new HandlerHarness(new RecordingHandler(false));
        Connection c = harness.connection();
        c.attach("state");
        assertEquals("state", c.attachment(), "on the loop's thread they work");
        assertTrue(c.isOpen());

        Throwable isOpen = thrownOnAnotherThread(c::isOpen);
        assertTrue(isOpen instanceof AssertionError, "isOpen() off the loop: expected an AssertionError, got " + isOpen);
        Throwable attach = thrownOnAnotherThread(() -> c.attach("from the wrong thread"));
        assertTrue(attach instanceof AssertionError, "attach() off the loop: expected an AssertionError, got " + attach);
        Throwable attachment = thrownOnAnotherThread(c::attachment);
        assertTrue(attachment instanceof AssertionError, "attachment() off the loop: expected an AssertionError, got " + attachment);
        assertEquals("state", c.attachment(), "the failed attach() changed nothing");

        assertEquals(null, thrownOnAnotherThread(() -> c.execute(() -> { })), "execute() is for any thread");
        assertEquals(null, thrownOnAnotherThread(c::id), "id() is for any thread");
    }
}
