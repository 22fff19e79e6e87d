package io.ringside.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringside.ServerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LoopTimerTest {

    @Test
    void cancelledTimersAreDroppedLongBeforeTheirDeadline() {
        WorkerLoop loop = WorkerLoop.detached(ServerConfig.defaults(), () -> null);
        loop.bindToCurrentThread();
        List<LoopTimer> timers = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            timers.add(loop.schedule(TimeUnit.HOURS.toNanos(1), () -> { }));
        }
        for (int i = 0; i < 4990; i++) {
            assertTrue(timers.get(i).cancel());
        }
        assertFalse(timers.get(0).cancel(), "cancel reports whether the timer was still pending");
        loop.runTimers();
        assertEquals(10, loop.pendingTimers(), "only the 10 live timers stay queued");
    }

    @Test
    void timersOfAClosedConnectionArePurgedWithoutRunning() {
        io.ringside.RecordingHandler handler = new io.ringside.RecordingHandler(false);
        DetachedConnection detached = new DetachedConnection(ServerConfig.defaults(), handler);
        io.ringside.Connection c = detached.connection();
        List<String> ran = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            c.schedule(java.time.Duration.ofHours(1), () -> ran.add("late"));
        }
        c.close();
        detached.loop().runTimers();
        assertEquals(List.of(), ran);
        assertEquals(0, detached.loop().pendingTimers(), "a closed connection's timers are dropped");
    }

    @Test
    void dueTimersRunInDeadlineOrderAndCancelledOnesDoNot() throws Exception {
        WorkerLoop loop = WorkerLoop.detached(ServerConfig.defaults(), () -> null);
        loop.bindToCurrentThread();
        List<String> ran = new ArrayList<>();
        loop.schedule(2_000_000, () -> ran.add("second"));
        loop.schedule(1_000_000, () -> ran.add("first"));
        loop.schedule(1_500_000, () -> ran.add("cancelled")).cancel();
        Thread.sleep(5);
        loop.runTimers();
        assertEquals(List.of("first", "second"), ran);
        assertEquals(0, loop.pendingTimers());
    }
}
