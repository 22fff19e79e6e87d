package io.ringside.internal.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringside.ByteSpan;
import io.ringside.CloseReason;
import io.ringside.Connection;
import io.ringside.LineHandler;
import io.ringside.ScheduledTask;
import io.ringside.ServerConfig;
import io.ringside.internal.connection.ConnectionEvents;
import io.ringside.internal.connection.ConnectionOpen;
import io.ringside.internal.connection.ConnectionState;
import io.ringside.internal.connection.TransportConnection;
import io.ringside.internal.transport.MemoryTransport;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One worker's timers, on a fake clock so that "due" is exact and nanoTime values near the wrap-around
 * (or negative, as they may be) can be tried.
 */
@Timeout(120)
class TimerHeapTest {
    private static final long HOUR = TimeUnit.HOURS.toNanos(1);

    /** Clock starts: zero, negative, just above the minimum, and just below the maximum (deadlines wrap). */
    private static final long NEAR_MIN = Long.MIN_VALUE + 10;
    private static final long NEAR_MAX = Long.MAX_VALUE - 15;

    private final AtomicLong clock = new AtomicLong();
    private final List<String> ran = new ArrayList<>();

    private TimerHeap heapAt(long start) {
        clock.set(start);
        return new TimerHeap(() -> true, clock::get);
    }

    private LoopTimer add(TimerHeap heap, long delay, String name) {
        LoopTimer t = heap.newTimer(delay, null, () -> ran.add(name));
        heap.add(t);
        return t;
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -5_000_000_000L, NEAR_MIN, NEAR_MAX})
    void dueTimersRunInDeadlineOrderAndNotBefore(long start) {
        TimerHeap heap = heapAt(start);
        add(heap, 30, "30");
        add(heap, 10, "10a");
        add(heap, 20, "20");
        add(heap, 10, "10b");
        add(heap, 0, "0");
        assertEquals(start, heap.nextDeadline(), "start " + start);

        heap.runDue();
        assertEquals(List.of("0"), ran, "only the timer due now, start " + start);
        assertEquals(start + 10, heap.nextDeadline());
        clock.set(start + 9);
        assertFalse(heap.hasDue(clock.get()));
        heap.runDue();
        assertEquals(List.of("0"), ran, "nothing is due 1 ns early, start " + start);

        clock.set(start + 25);
        assertTrue(heap.hasDue(clock.get()));
        heap.runDue();
        assertEquals(3, ran.size() - 1, "start " + start + ": " + ran);
        assertTrue(ran.subList(1, 3).containsAll(List.of("10a", "10b")), ran.toString());
        assertEquals("20", ran.get(3));
        assertEquals(start + 30, heap.nextDeadline(), "start " + start);

        clock.set(start + 30);
        heap.runDue();
        assertEquals("30", ran.get(4));
        assertEquals(0, heap.size());
        assertEquals(Long.MAX_VALUE, heap.nextDeadline(), "none queued");
        assertFalse(heap.hasDue(clock.get()));
    }

    @Test
    void deadlinesAcrossTheWrapAroundKeepTheirOrder() {
        TimerHeap heap = heapAt(Long.MAX_VALUE - 100);
        add(heap, 300, "after the wrap, later");
        add(heap, 50, "before the wrap");
        add(heap, 200, "after the wrap");
        clock.set(Long.MAX_VALUE - 100 + 150); // wrapped to a large negative number
        assertTrue(clock.get() < 0);
        heap.runDue();
        assertEquals(List.of("before the wrap"), ran, "a wrapped deadline is later, not earlier");
        clock.addAndGet(150);
        heap.runDue();
        assertEquals(List.of("before the wrap", "after the wrap", "after the wrap, later"), ran);
    }

    @Test
    void aCancelledTimerDoesNotRunAndCancelReportsWhetherItWasPending() {
        TimerHeap heap = heapAt(0);
        LoopTimer keep = add(heap, 5, "kept");
        LoopTimer drop = add(heap, 5, "cancelled");
        assertTrue(drop.cancel());
        assertFalse(drop.cancel(), "a second cancel finds it cancelled already");
        clock.set(5);
        heap.runDue();
        assertEquals(List.of("kept"), ran);
        assertEquals(0, heap.size());
        assertFalse(keep.cancel(), "too late: it ran");
    }

    @Test
    void cancelAfterTheTimerRanReturnsFalse() {
        TimerHeap heap = heapAt(-5_000_000_000L);
        ScheduledTask t = add(heap, 0, "ran");
        heap.runDue();
        assertEquals(List.of("ran"), ran);
        assertFalse(t.cancel(), "cancel() promises true only for a timer that will now not run; this one ran");
    }

    @Test
    void aTimerCancelledBeforeItReachedTheHeapIsNotQueued() {
        TimerHeap heap = heapAt(0);
        LoopTimer t = heap.newTimer(0, null, () -> ran.add("never"));
        assertTrue(t.cancel());
        heap.add(t);
        assertEquals(0, heap.size());
        heap.runDue();
        assertEquals(List.of(), ran);
    }

    /**
     * A timer cancelled on another thread while the worker runs due timers: for each timer exactly one
     * of "it ran" and "cancel returned true" happens.
     */
    @Test
    void cancelRacingRunIsDecidedExactlyOnce() throws Exception {
        long seed = System.nanoTime();
        int rounds = 400;
        int perRound = 64;
        boolean[][] didRun = new boolean[rounds][perRound];
        boolean[][] cancelled = new boolean[rounds][perRound];
        AtomicReference<LoopTimer[]> shared = new AtomicReference<>();
        CyclicBarrier barrier = new CyclicBarrier(2);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread[] loopThread = new Thread[1];
        TimerHeap heap = new TimerHeap(() -> Thread.currentThread() == loopThread[0], () -> 0L);

        loopThread[0] = new Thread(() -> {
            try {
                Random r = new Random(seed);
                for (int round = 0; round < rounds; round++) {
                    LoopTimer[] timers = new LoopTimer[perRound];
                    for (int i = 0; i < perRound; i++) {
                        int round0 = round;
                        int i0 = i;
                        timers[i] = heap.newTimer(0, null, () -> didRun[round0][i0] = true);
                        heap.add(timers[i]);
                    }
                    shared.set(timers);
                    barrier.await(30, TimeUnit.SECONDS);
                    spin(r.nextInt(2000));
                    heap.runDue();
                    barrier.await(30, TimeUnit.SECONDS);
                    if (heap.size() != 0) {
                        throw new AssertionError(heap.size() + " timers left after round " + round + ", seed " + seed);
                    }
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
                barrier.reset();
            }
        }, "test-loop");
        Thread canceller = new Thread(() -> {
            try {
                Random r = new Random(~seed);
                for (int round = 0; round < rounds; round++) {
                    barrier.await(30, TimeUnit.SECONDS);
                    LoopTimer[] timers = shared.get();
                    spin(r.nextInt(2000));
                    int from = r.nextInt(perRound);
                    for (int k = 0; k < perRound; k++) {
                        int i = (from + k) % perRound;
                        cancelled[round][i] = timers[i].cancel();
                    }
                    barrier.await(30, TimeUnit.SECONDS);
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
                barrier.reset();
            }
        }, "test-canceller");
        loopThread[0].start();
        canceller.start();
        loopThread[0].join(60_000);
        canceller.join(60_000);
        assertNull(failure.get(), "seed " + seed);
        int both = 0;
        int neither = 0;
        int raced = 0;
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < perRound; i++) {
                both += didRun[round][i] && cancelled[round][i] ? 1 : 0;
                neither += !didRun[round][i] && !cancelled[round][i] ? 1 : 0;
                raced += cancelled[round][i] ? 1 : 0;
            }
        }
        assertEquals(0, both, "timers that ran although cancel() returned true, seed " + seed);
        assertEquals(0, neither, "timers that neither ran nor were cancelled, seed " + seed);
        System.out.printf("cancel won %d of %d races%n", raced, rounds * perRound);
    }

    private static void spin(int n) {
        for (int i = 0; i < n; i++) {
            Thread.onSpinWait();
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -5_000_000_000L, NEAR_MIN, NEAR_MAX})
    void manyCancelledTimersArePurgedLongBeforeTheirDeadline(long start) {
        TimerHeap heap = heapAt(start);
        List<LoopTimer> timers = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            timers.add(add(heap, HOUR, "late " + i));
        }
        for (int i = 0; i < 1990; i++) {
            assertTrue(timers.get(i).cancel());
        }
        heap.runDue(); // the first turn, at the clock's start: the purge is due from "now", whatever "now" is
        assertEquals(10, heap.size(), "only the 10 live timers stay queued, clock at " + start);

        for (int i = 0; i < 2000; i++) {
            timers.add(add(heap, HOUR, "late again " + i));
        }
        for (int i = 2000; i < 4000; i++) {
            assertTrue(timers.get(i).cancel());
        }
        clock.addAndGet(1_000_000);
        heap.runDue();
        assertEquals(2010, heap.size(), "a purge at most once per interval");
        clock.addAndGet(TimeUnit.SECONDS.toNanos(1));
        heap.runDue();
        assertEquals(10, heap.size(), "purged on the next interval, clock at " + start);
        assertEquals(List.of(), ran);
        clock.addAndGet(HOUR);
        heap.runDue();
        assertEquals(10, ran.size());
    }

    @Test
    void fewCancelledTimersWaitForTheirDeadline() {
        TimerHeap heap = heapAt(0);
        for (int i = 0; i < TimerHeap.PURGE_THRESHOLD; i++) {
            add(heap, HOUR, "x").cancel();
        }
        heap.runDue();
        assertEquals(TimerHeap.PURGE_THRESHOLD, heap.size(), "below the threshold nothing is purged");
        clock.set(HOUR);
        heap.runDue();
        assertEquals(0, heap.size());
        assertEquals(List.of(), ran);
    }

    // ---- timers of a connection --------------------------------------------------------------

    private final WorkerContext context = new WorkerContext(ServerConfig.defaults(), Runnable::run, AdmissionRelease.NONE, () -> { });
    private final MemoryTransport transport = new MemoryTransport();

    private TransportConnection openConnection() {
        context.bindTo(Thread.currentThread());
        TransportConnection c = new TransportConnection(1, context, transport, new LineHandler() {
            @Override
            public void onLine(Connection connection, ByteSpan line) {
            }
        }, null);
        context.adopt(c);
        ConnectionOpen.open(c);
        return c;
    }

    @Test
    void timersOfAClosedConnectionAreDroppedWithoutRunning() {
        TransportConnection c = openConnection();
        TimerHeap heap = heapAt(-5_000_000_000L);
        for (int i = 0; i < 2000; i++) {
            heap.add(heap.newTimer(HOUR, c, () -> ran.add("late")));
        }
        heap.add(heap.newTimer(0, c, () -> ran.add("due")));
        ConnectionEvents.closeNow(c, CloseReason.LOCAL_CLOSE);
        heap.runDue();
        assertEquals(List.of(), ran, "a closed connection's timers never run, due or not");
        assertEquals(0, heap.size(), "and they are dropped at once (more than the purge threshold)");
    }

    @Test
    void aHalfClosedConnectionClosesOnceItsLastTimerIsCancelledOnItsLoop() {
        TransportConnection c = openConnection();
        ScheduledTask t = c.schedule(java.time.Duration.ofHours(1), () -> ran.add("late"));
        transport.feedEndOfStream();
        ConnectionEvents.onReady(c, true, false);
        assertEquals(ConnectionState.HALF_CLOSED, c.state(), "input ended, but a timer may still write");
        assertTrue(t.cancel());
        assertEquals(CloseReason.PEER_CLOSED, c.closeReason());
    }

    @Test
    void aHalfClosedConnectionClosesSoonAfterItsLastTimerIsCancelledFromAnotherThread() throws Exception {
        TransportConnection c = openConnection();
        ScheduledTask t = c.schedule(java.time.Duration.ofHours(1), () -> ran.add("late"));
        transport.feedEndOfStream();
        ConnectionEvents.onReady(c, true, false);
        assertEquals(ConnectionState.HALF_CLOSED, c.state());
        boolean[] cancelled = new boolean[1];
        Thread other = new Thread(() -> cancelled[0] = t.cancel());
        other.start();
        other.join();
        assertTrue(cancelled[0]);
        for (int turn = 0; turn < 3; turn++) { // what the loop does each turn
            context.inbox().runPending();
            context.serveLeftOver();
            context.timers().runDue();
        }
        assertEquals(CloseReason.PEER_CLOSED, c.closeReason(),
                "nothing can write any more, yet the connection waits for the cancelled timer's deadline (an hour)");
    }
}
