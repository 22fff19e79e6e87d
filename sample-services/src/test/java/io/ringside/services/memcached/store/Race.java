package io.ringside.services.memcached.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a few threads at once against one store, each until its iteration count or a shared deadline, and rethrows
 * the first failure of any of them (tests only).
 */
final class Race {
    /** One racing thread's body: returns false to stop early. */
    @FunctionalInterface
    interface Body {
        boolean step(int thread, int iteration) throws Exception;
    }

    private final List<Body> bodies = new ArrayList<>();
    private final List<Integer> iterations = new ArrayList<>();
    private final List<Boolean> background = new ArrayList<>();

    /** Threads that each run {@code iterationsEach} steps. */
    Race add(int threads, int iterationsEach, Body body) {
        for (int i = 0; i < threads; i++) {
            bodies.add(body);
            iterations.add(iterationsEach);
            background.add(false);
        }
        return this;
    }

    /** Threads that run (at least 100 steps) until every {@link #add}ed thread has finished. */
    Race addBackground(int threads, Body body) {
        for (int i = 0; i < threads; i++) {
            bodies.add(body);
            iterations.add(Integer.MAX_VALUE);
            background.add(true);
        }
        return this;
    }

    /** Runs every thread; returns the iterations done by each; throws the first failure. */
    long[] run(long maxMillis) throws Exception {
        int n = bodies.size();
        CountDownLatch start = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long[] done = new long[n];
        long deadline = System.nanoTime() + maxMillis * 1_000_000L;
        CountDownLatch foreground = new CountDownLatch((int) background.stream().filter(b -> !b).count());
        Thread[] threads = new Thread[n];
        for (int t = 0; t < n; t++) {
            int id = t;
            threads[t] = new Thread(() -> {
                try {
                    start.await();
                    boolean bg = background.get(id);
                    for (int i = 0; i < iterations.get(id) && failure.get() == null; i++) {
                        if ((i & 63) == 0 && System.nanoTime() > deadline) {
                            break;
                        }
                        if (bg && i >= 100 && foreground.getCount() == 0) {
                            break;
                        }
                        if (!bodies.get(id).step(id, i)) {
                            break;
                        }
                        done[id]++;
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    if (!background.get(id)) {
                        foreground.countDown();
                    }
                }
            }, "race-" + t);
            threads[t].start();
        }
        start.countDown();
        for (Thread t : threads) {
            t.join(maxMillis + 30_000);
            if (t.isAlive()) {
                throw new AssertionError(t.getName() + " hung (deadlock?)");
            }
        }
        Throwable f = failure.get();
        if (f instanceof Exception e) {
            throw e;
        }
        if (f instanceof Error e) {
            throw e;
        }
        return done;
    }
}
