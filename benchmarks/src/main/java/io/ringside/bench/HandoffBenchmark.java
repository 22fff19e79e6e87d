package io.ringside.bench;

import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.infra.Control;

/**
 * The acceptor-to-worker hand-off: one thread publishes object references, another takes them, as
 * {@code AcceptorLoop} hands accepted channels to a {@code WorkerLoop}. The Disruptor pair copies that
 * pattern (the package-private {@code io.ringside.internal.loop.Handoff}): a single-producer {@link RingBuffer} of reusable slots (the size of the default ring-size,
 * 1024), published with {@code tryNext}/{@code publish} and drained in batches with an
 * {@link EventPoller} whose handler clears each slot. The baseline is the JDK's bounded queue, an
 * {@link ArrayBlockingQueue} of the same capacity with {@code offer}/{@code poll}.
 *
 * <p>Why: the ring was chosen over a JDK queue for the hand-off (no CAS for the one publisher, no lock,
 * no allocation); this measures what that buys. Read the producer's score ({@code :publish},
 * {@code :offer}): each of its operations is one completed hand-off, and it can run at most one ring
 * ahead of the consumer. The consumer's {@code handoffs} counter (references taken per second) should
 * match it. The consumer's own score counts polls, empty ones included, and the group's total line
 * adds both sides' operations: neither is a hand-off rate.
 *
 * <p>Threading: one producer and one consumer thread per group, sharing the group's ring and queue.
 * A full ring or queue makes the producer spin until the consumer frees a slot or the iteration ends.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class HandoffBenchmark {
    /** The default ring-size setting. */
    static final int CAPACITY = 1024;

    /** A reusable ring slot carrying one reference, like {@code ChannelEvent}. */
    static final class Slot {
        Object item;
    }

    /** What is handed over: one preallocated object, so the measurement allocates nothing. */
    private static final Object ITEM = new Object();

    /** The ring and the queue one producer/consumer group shares. */
    @State(Scope.Group)
    public static class Channels {
        RingBuffer<Slot> ring;
        EventPoller<Slot> poller;
        ArrayBlockingQueue<Object> queue;

        @Setup(Level.Trial)
        public void setUp() {
            ring = RingBuffer.createSingleProducer(Slot::new, CAPACITY);
            poller = ring.newPoller();
            ring.addGatingSequences(poller.getSequence());
            queue = new ArrayBlockingQueue<>(CAPACITY);
        }
    }

    /** The consumer's tally of references taken, reported per second next to the scores. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Taken {
        public long handoffs;

        @Setup(Level.Iteration)
        public void reset() {
            handoffs = 0;
        }
    }

    /** The consumer's poll handler, made once: it clears the slot and counts, as WorkerLoop.onChannel does. */
    @State(Scope.Thread)
    public static class Drain {
        Blackhole blackhole;
        Taken taken;
        EventPoller.Handler<Slot> onSlot;

        @Setup(Level.Iteration)
        public void setUp(Blackhole blackhole, Taken taken) {
            this.blackhole = blackhole;
            this.taken = taken;
            this.onSlot = this::onSlot;
        }

        private boolean onSlot(Slot slot, long sequence, boolean endOfBatch) {
            Object item = slot.item;
            slot.item = null;
            blackhole.consume(item);
            taken.handoffs++;
            return true;
        }
    }

    /** Publishes one reference on the ring, spinning while it is full. */
    @Benchmark
    @Group("disruptor")
    @GroupThreads(1)
    public void publish(Channels c, Control control) {
        RingBuffer<Slot> ring = c.ring;
        long seq;
        for (;;) {
            try {
                seq = ring.tryNext();
                break;
            } catch (InsufficientCapacityException full) {
                if (control.stopMeasurement) {
                    return;
                }
                Thread.onSpinWait();
            }
        }
        ring.get(seq).item = ITEM;
        ring.publish(seq);
    }

    /** Takes every reference published so far, in one batch, as a worker's turn does. */
    @Benchmark
    @Group("disruptor")
    @GroupThreads(1)
    public void poll(Channels c, Drain drain) throws Exception {
        c.poller.poll(drain.onSlot);
    }

    /** Offers one reference to the queue, spinning while it is full. */
    @Benchmark
    @Group("arrayBlockingQueue")
    @GroupThreads(1)
    public void offer(Channels c, Control control) {
        while (!c.queue.offer(ITEM)) {
            if (control.stopMeasurement) {
                return;
            }
            Thread.onSpinWait();
        }
    }

    /** Takes every reference offered so far, one poll each, as the consumer side of the baseline. */
    @Benchmark
    @Group("arrayBlockingQueue")
    @GroupThreads(1)
    public void take(Channels c, Blackhole blackhole, Taken taken) {
        Object item;
        while ((item = c.queue.poll()) != null) {
            blackhole.consume(item);
            taken.handoffs++;
        }
    }
}
