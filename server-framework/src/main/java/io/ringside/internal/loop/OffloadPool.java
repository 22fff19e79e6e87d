package io.ringside.internal.loop;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where {@code Connection.offload} calls run: at most {@code offload-threads} at once, the rest queued
 * (never blocking the worker that submits). On JDK 21+ the threads are virtual (looked up reflectively,
 * since the bytecode targets 17); on 17-20 they are daemon platform threads named
 * {@code ringside-offload-N}. Threads are started on demand and end after a minute idle, so a server
 * that never offloads has none.
 *
 * <p>Thread-safe.
 */
public final class OffloadPool {
    private OffloadPool() {
    }

    public static ExecutorService create(int threads) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), threadFactory());
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** Virtual threads where the JDK has them ({@code Thread.ofVirtual().name(...).factory()}), else platform. */
    static ThreadFactory threadFactory() {
        try {
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            Class<?> builder = Class.forName("java.lang.Thread$Builder");
            Class<?> ofVirtual = Class.forName("java.lang.Thread$Builder$OfVirtual");
            Object b = lookup.findStatic(Thread.class, "ofVirtual", MethodType.methodType(ofVirtual)).invoke();
            MethodHandle name = lookup.findVirtual(ofVirtual, "name", MethodType.methodType(ofVirtual, String.class, long.class));
            b = name.invoke(b, "ringside-offload-", 0L);
            return (ThreadFactory) lookup.findVirtual(builder, "factory", MethodType.methodType(ThreadFactory.class)).invoke(b);
        } catch (Throwable unavailable) {
            AtomicInteger n = new AtomicInteger();
            return r -> {
                Thread t = new Thread(r, "ringside-offload-" + n.getAndIncrement());
                t.setDaemon(true);
                return t;
            };
        }
    }
}
