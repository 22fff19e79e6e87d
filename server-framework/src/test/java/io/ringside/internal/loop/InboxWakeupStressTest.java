package io.ringside.internal.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.Selector;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The lost-wake-up case, as a bounded many-thread stress test (jcstress is not available here). A
 * consumer thread runs a real {@link Selector} loop the way {@link WorkerLoop} turns: run pending tasks,
 * prepare to block, re-check for work, then {@code selectNow()} or a {@code select()} with no timeout.
 * Producers post tasks in lock-step rounds: after its tasks of a round a producer waits until every task
 * of the round ran, so the last post of each round is the only thing that can wake the consumer. A lost
 * wake-up leaves the consumer in {@code select()} forever with work queued: the watchdog sees no task run
 * for a long time (a hang detector, not a speed assertion) and fails the test.
 *
 * <p>To show that the test can fail, the same stress runs the loop in two broken orders, which it must
 * catch. (A copy of the protocol without its fences, the flag a plain field, was not caught in 100,000
 * rounds: on x86 the store-load reordering it allows is too rare to hit. jcstress on a weaker memory model
 * is the tool for that part.)
 */
@Timeout(120)
class InboxWakeupStressTest {
    private static final int PRODUCERS = 3;
    private static final int TASKS_PER_ROUND = 4;

    /** The consumer loop's order of steps before blocking: WorkerLoop's, and two broken ones. */
    enum BlockingStep {
        /** As WorkerLoop.turn: set the flag (and fence), then re-check for work, then block. */
        FLAG_THEN_RECHECK,
        /** Broken: the re-check is gone; a post between the last run and the flag is not seen. */
        NO_RECHECK,
        /** Broken: re-checks before setting the flag; a post between the two is not seen. */
        RECHECK_THEN_FLAG
    }

    /** How one run ended. */
    private static final class Outcome {
        long ran;
        long posted;
        /** Null when every task ran; else what the watchdog saw. */
        String hang;
        /** After a hang: whether a direct selector.wakeup() let the consumer run the queued tasks. */
        boolean recoveredByManualWakeup;
    }

    /**
     * Runs {@code rounds} lock-step rounds against an {@link Inbox}, the consumer blocking after
     * {@code step}. {@code stallNanos}: how long no task may run while some are queued before the watchdog
     * calls it a lost wake-up.
     */
    private static Outcome stress(BlockingStep step, long seed, int rounds, long stallNanos) throws Exception {
        Selector selector = Selector.open();
        Inbox inbox = new Inbox(selector::wakeup);
        AtomicLong ran = new AtomicLong();
        AtomicLong posted = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        /** Set by the test to end the consumer and the producers; paired with selector.wakeup(). */
        AtomicBoolean stop = new AtomicBoolean();
        /** Set by the watchdog after a hang: producers post nothing more. */
        AtomicBoolean freeze = new AtomicBoolean();
        Runnable task = ran::incrementAndGet;

        Thread consumer = new Thread(() -> {
            Random r = new Random(seed);
            try {
                while (!stop.get()) {
                    inbox.runPending();
                    if (r.nextInt(4) == 0) {
                        spin(r.nextInt(300)); // the loop's other work: left-over lines, timers, the sweep
                    }
                    boolean work;
                    if (step == BlockingStep.RECHECK_THEN_FLAG) {
                        work = inbox.hasWork();
                        spin(r.nextInt(100)); // e.g. working out the select timeout
                        inbox.prepareToBlock();
                    } else {
                        inbox.prepareToBlock();
                        work = step == BlockingStep.FLAG_THEN_RECHECK && inbox.hasWork();
                    }
                    if (work || stop.get()) {
                        selector.selectNow();
                    } else {
                        selector.select(); // no timeout: only a wake-up ends it
                    }
                    inbox.awake();
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        }, "test-loop");
        Thread[] producers = new Thread[PRODUCERS];
        for (int k = 0; k < PRODUCERS; k++) {
            long producerSeed = seed * 31 + k;
            producers[k] = new Thread(() -> {
                Random r = new Random(producerSeed);
                try {
                    for (int round = 0; round < rounds && !stop.get() && !freeze.get(); round++) {
                        for (int i = 0; i < TASKS_PER_ROUND; i++) {
                            pause(r);
                            if (freeze.get()) {
                                return;
                            }
                            posted.incrementAndGet();
                            inbox.post(null, task);
                        }
                        long target = (long) (round + 1) * PRODUCERS * TASKS_PER_ROUND;
                        for (int waits = 0; ran.get() < target && !stop.get() && !freeze.get(); waits++) {
                            if (waits < 100) {
                                Thread.onSpinWait();
                            } else {
                                LockSupport.parkNanos(20_000);
                            }
                        }
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }, "test-producer-" + k);
        }
        consumer.start();
        for (Thread t : producers) {
            t.start();
        }

        Outcome out = new Outcome();
        long total = (long) rounds * PRODUCERS * TASKS_PER_ROUND;
        long lastRan = -1;
        long lastProgress = System.nanoTime();
        while (ran.get() < total && failure.get() == null) {
            Thread.sleep(5);
            long now = System.nanoTime();
            long n = ran.get();
            if (n != lastRan) {
                lastRan = n;
                lastProgress = now;
            } else if (now - lastProgress > stallNanos && posted.get() > n) {
                out.hang = "no task ran for " + TimeUnit.NANOSECONDS.toMillis(now - lastProgress) + " ms with "
                        + (posted.get() - n) + " queued (ran " + n + " of " + total + "): the consumer is blocked in select()"
                        + " and its wake-up was lost";
                break;
            }
        }
        if (out.hang != null) {
            freeze.set(true);
            for (Thread t : producers) {
                t.join(10_000);
            }
            selector.wakeup(); // bypass the protocol: a consumer that was merely slow would not need this
            for (long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); ran.get() < posted.get()
                    && System.nanoTime() - waitUntil < 0; ) {
                Thread.sleep(1);
            }
            out.recoveredByManualWakeup = ran.get() == posted.get();
        }
        stop.set(true);
        selector.wakeup();
        consumer.join(10_000);
        for (Thread t : producers) {
            t.join(10_000);
        }
        selector.close();
        assertNull(failure.get(), "seed " + seed);
        assertTrue(!consumer.isAlive(), "the consumer did not stop, seed " + seed);
        out.ran = ran.get();
        out.posted = posted.get();
        return out;
    }

    private static void pause(Random r) {
        int dice = r.nextInt(100);
        if (dice < 60) {
            return;
        } else if (dice < 97) {
            spin(r.nextInt(500));
        } else {
            LockSupport.parkNanos(1_000 + r.nextInt(50_000));
        }
    }

    private static void spin(int n) {
        for (int i = 0; i < n; i++) {
            Thread.onSpinWait();
        }
    }

    @Test
    void theInboxNeverLosesAWakeUp() throws Exception {
        long seed = System.nanoTime();
        int rounds = 25_000;
        Outcome out = stress(BlockingStep.FLAG_THEN_RECHECK, seed, rounds, TimeUnit.SECONDS.toNanos(60));
        assertNull(out.hang, "seed " + seed + ": " + out.hang);
        assertEquals((long) rounds * PRODUCERS * TASKS_PER_ROUND, out.ran, "every task ran, seed " + seed);
    }

    /** Proof that the test above can fail: the same stress catches a loop whose protocol is broken. */
    @ParameterizedTest
    @EnumSource(value = BlockingStep.class, names = {"NO_RECHECK", "RECHECK_THEN_FLAG"})
    void theStressTestCatchesABrokenLoop(BlockingStep broken) throws Exception {
        long seed = System.nanoTime();
        Outcome out = stress(broken, seed, 50_000, TimeUnit.SECONDS.toNanos(2));
        assertTrue(out.hang != null, broken + " must lose a wake-up sooner or later; seed " + seed + ", " + out.ran + " tasks ran");
        assertTrue(out.recoveredByManualWakeup, "the hang was a blocked select() with work queued, seed " + seed);
        System.out.println(broken + " caught as expected: " + out.hang);
    }
}
