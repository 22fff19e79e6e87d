package io.ringside.internal.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringside.ByteSpan;
import io.ringside.CloseReason;
import io.ringside.Connection;
import io.ringside.LineHandler;
import io.ringside.ServerConfig;
import io.ringside.internal.connection.ConnectionEvents;
import io.ringside.internal.connection.ConnectionOpen;
import io.ringside.internal.connection.ConnectionState;
import io.ringside.internal.connection.TransportConnection;
import io.ringside.internal.transport.MemoryTransport;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The loop's inbox without a loop: the test thread plays the loop. */
class InboxTest {
    private final AtomicInteger wakeUps = new AtomicInteger();
    private final Inbox inbox = new Inbox(wakeUps::incrementAndGet);

    private static void onOtherThread(Runnable r) throws InterruptedException {
        Thread t = new Thread(r, "test-producer");
        t.start();
        t.join();
    }

    @Test
    void tasksPostedFromOtherThreadsRunOnTheLoopWhenItRunsPending() throws Exception {
        List<Thread> ranOn = Collections.synchronizedList(new ArrayList<>());
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        assertFalse(inbox.hasWork());
        onOtherThread(() -> {
            for (int i = 0; i < 3; i++) {
                int n = i;
                inbox.post(null, () -> {
                    ranOn.add(Thread.currentThread());
                    order.add("t" + n);
                });
            }
        });
        assertTrue(inbox.hasWork());
        assertEquals(List.of(), order, "posting does not run anything");
        inbox.runPending();
        assertEquals(List.of("t0", "t1", "t2"), order, "in the order posted");
        for (Thread t : ranOn) {
            assertSame(Thread.currentThread(), t, "tasks run on the loop's thread");
        }
        assertFalse(inbox.hasWork());
    }

    @Test
    void aTaskPostedByARunningTaskRunsOnTheNextTurnSoAReposterCannotStarveTheLoop() throws Exception {
        int[] runs = new int[1];
        Runnable[] self = new Runnable[1];
        self[0] = () -> {
            runs[0]++;
            inbox.postLocal(null, self[0]);
        };
        inbox.postLocal(null, self[0]);
        inbox.runPending();
        assertEquals(1, runs[0], "the re-posted task waits for the next turn");
        assertTrue(inbox.hasWork());
        inbox.runPending();
        assertEquals(2, runs[0]);

        List<String> order = new ArrayList<>();
        onOtherThread(() -> inbox.post(null, () -> {
            order.add("remote");
            inbox.postLocal(null, () -> order.add("posted by remote"));
        }));
        inbox.runPending();
        assertEquals(List.of("remote"), order);
        inbox.runPending();
        assertEquals(List.of("remote", "posted by remote"), order);
    }

    @Test
    void aFloodOfRemoteTasksIsServedOverSeveralTurns() throws Exception {
        AtomicInteger ran = new AtomicInteger();
        onOtherThread(() -> {
            for (int i = 0; i < 10_000; i++) {
                inbox.post(null, ran::incrementAndGet);
            }
        });
        inbox.runPending();
        int first = ran.get();
        assertTrue(first > 0 && first < 10_000, "one turn ran " + first + " of 10,000 remote tasks");
        for (int turn = 0; turn < 10_000 && inbox.hasWork(); turn++) {
            inbox.runPending();
        }
        assertEquals(10_000, ran.get());
    }

    @Test
    void aFailingTaskDoesNotStopTheOthers() throws Exception {
        List<String> order = new ArrayList<>();
        inbox.postLocal(null, () -> {
            throw new IllegalStateException("task bug (expected in this test)");
        });
        inbox.postLocal(null, () -> order.add("local after"));
        onOtherThread(() -> {
            inbox.post(null, () -> {
                throw new IllegalStateException("task bug (expected in this test)");
            });
            inbox.post(null, () -> order.add("remote after"));
        });
        inbox.runPending();
        assertEquals(List.of("local after", "remote after"), order);
    }

    @Test
    void aProducerWakesTheLoopOnlyWhileItMayBlockAndOncePerSleep() throws Exception {
        onOtherThread(() -> inbox.post(null, () -> { }));
        assertEquals(0, wakeUps.get(), "the loop is not blocking: no wake-up");
        inbox.prepareToBlock();
        onOtherThread(() -> {
            inbox.post(null, () -> { });
            inbox.post(null, () -> { });
            inbox.wakeUp();
        });
        assertEquals(1, wakeUps.get(), "one wake-up per sleep, however many posts");
        inbox.awake();
        onOtherThread(() -> inbox.post(null, () -> { }));
        assertEquals(1, wakeUps.get());
        inbox.prepareToBlock();
        onOtherThread(inbox::wakeUp);
        assertEquals(2, wakeUps.get());
        inbox.runPending();
        assertFalse(inbox.hasWork());
    }

    @Test
    void aLocalTaskCountsAsItsConnectionsPendingWork() {
        WorkerContext context = new WorkerContext(ServerConfig.defaults(), Runnable::run, AdmissionRelease.NONE, () -> { });
        context.bindTo(Thread.currentThread());
        MemoryTransport transport = new MemoryTransport();
        TransportConnection c = new TransportConnection(7, context, transport, new LineHandler() {
            @Override
            public void onLine(Connection connection, ByteSpan line) {
            }
        }, null);
        context.adopt(c);
        ConnectionOpen.open(c);
        Inbox loopInbox = context.inbox();
        loopInbox.postLocal(c, () -> c.write("late reply\n"));
        loopInbox.postLocal(null, () -> { }); // a task of no connection counts for none

        transport.feedEndOfStream();
        ConnectionEvents.onReady(c, true, false);
        assertEquals(ConnectionState.HALF_CLOSED, c.state(), "input ended, but the connection's task may still write");
        assertNull(c.closeReason());

        loopInbox.runPending();
        assertEquals(CloseReason.PEER_CLOSED, c.closeReason(), "closed once its task ran");
        assertEquals("late reply\n", new String(transport.takeCollected(), StandardCharsets.US_ASCII),
                "the task's write was flushed before the close");
        assertTrue(transport.isClosed());
    }
}
