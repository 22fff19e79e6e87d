package io.ringside.internal.loop;

import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import io.ringside.internal.transport.TransportFactory;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;

/**
 * One worker's hand-off ring: a single-producer Disruptor {@link RingBuffer} of {@link ChannelEvent}
 * slots, published by the acceptor and taken by the worker with an {@link EventPoller} (the worker
 * blocks in {@code select()}, so it cannot run a {@code BatchEventProcessor}).
 *
 * <p>One ring per worker, so the acceptor is the single producer (publishing needs no CAS) and a full
 * ring on one worker can be routed around.
 *
 * <p>Threading: {@link #offer} is acceptor only (the single producer); {@link #poll}, {@link #close}
 * and {@link #hasPending} are worker only. The ring's cursor and the poller's sequence order the slot
 * writes before the reads. {@code lock} makes "offer" and "close" exclusive, so no channel can be
 * published after the worker's last poll (uncontended: one acquire per accepted connection).
 */
public final class Handoff {
    /** Receives each channel taken off the ring, on the worker. */
    public interface Receiver {
        void accept(SocketChannel channel, InetSocketAddress remote, TransportFactory transports);
    }

    private final RingBuffer<ChannelEvent> ring;
    private final EventPoller<ChannelEvent> poller;
    private final EventPoller.Handler<ChannelEvent> handler;
    private final Object lock = new Object();
    /** Guarded by lock: set once by close(); offers fail after it. */
    private boolean closed;

    public Handoff(int size, Receiver receiver) {
        this.ring = RingBuffer.createSingleProducer(ChannelEvent::new, size);
        this.poller = ring.newPoller();
        ring.addGatingSequences(poller.getSequence());
        this.handler = (event, sequence, endOfBatch) -> {
            SocketChannel ch = event.channel;
            InetSocketAddress remote = event.remote;
            TransportFactory transports = event.transports;
            event.channel = null;
            event.remote = null;
            event.transports = null;
            receiver.accept(ch, remote, transports);
            return true;
        };
    }

    /** Acceptor only: publishes a channel; false when the ring is full or closed (never blocks). */
    public boolean offer(SocketChannel channel, InetSocketAddress remote, TransportFactory transports) {
        synchronized (lock) {
            if (closed) {
                return false;
            }
            long seq;
            try {
                seq = ring.tryNext();
            } catch (InsufficientCapacityException full) {
                return false;
            }
            ChannelEvent event = ring.get(seq);
            event.channel = channel;
            event.remote = remote;
            event.transports = transports;
            ring.publish(seq);
            return true;
        }
    }

    /** Worker only: hands every published channel to the receiver. */
    public void poll() {
        try {
            poller.poll(handler);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("hand-off poll failed", e);
        }
    }

    /** Worker only, as it ends: refuses every later offer, then hands what is on the ring to the receiver. */
    public void close() {
        synchronized (lock) {
            closed = true;
        }
        poll();
    }

    /** Any thread (a hint: both sequences are read without a lock): channels published and not yet polled. */
    public long depth() {
        return Math.max(0, ring.getCursor() - poller.getSequence().get());
    }

    /** Worker only (or any thread, as a hint): whether channels wait on the ring. */
    public boolean hasPending() {
        return ring.getCursor() > poller.getSequence().get();
    }
}
