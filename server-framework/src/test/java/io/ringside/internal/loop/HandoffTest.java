package io.ringside.internal.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringside.internal.transport.TransportFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The acceptor-to-worker hand-off ring. The channels are unconnected {@code SocketChannel}s, opened once
 * for the whole class and reused (the ring only carries them), so the test holds a bounded number of
 * descriptors.
 */
@Timeout(120)
class HandoffTest {
    private static final int CHANNELS = 64;
    private static final List<SocketChannel> channels = new ArrayList<>();

    @BeforeAll
    static void openChannels() throws IOException {
        for (int i = 0; i < CHANNELS; i++) {
            channels.add(SocketChannel.open());
        }
    }

    @AfterAll
    static void closeChannels() throws IOException {
        for (SocketChannel ch : channels) {
            ch.close();
        }
    }

    private static InetSocketAddress remote(int i) {
        return InetSocketAddress.createUnresolved("peer-" + i, 1000 + i);
    }

    @Test
    void offersSucceedUpToTheRingSizeAndPollHandsThemOverInOrder() {
        List<SocketChannel> got = new ArrayList<>();
        List<InetSocketAddress> from = new ArrayList<>();
        Handoff h = new Handoff(8, (ch, remote, transports) -> {
            got.add(ch);
            from.add(remote);
        });
        assertFalse(h.hasPending());
        for (int i = 0; i < 8; i++) {
            assertTrue(h.offer(channels.get(i), remote(i), TransportFactory.PLAIN), "slot " + i);
        }
        assertFalse(h.offer(channels.get(8), remote(8), TransportFactory.PLAIN), "the ring is full");
        assertTrue(h.hasPending());
        assertEquals(List.of(), got, "nothing is handed over before poll");
        h.poll();
        assertEquals(channels.subList(0, 8), got);
        assertEquals(remote(0), from.get(0));
        assertEquals(remote(7), from.get(7));
        assertFalse(h.hasPending());
        h.poll();
        assertEquals(8, got.size(), "a channel is handed over once");

        assertTrue(h.offer(channels.get(8), null, TransportFactory.PLAIN), "room again after the poll");
        h.poll();
        assertSame(channels.get(8), got.get(8));
        assertNull(from.get(8));
    }

    @Test
    void afterCloseNoOfferSucceedsAndWhatWasOnTheRingIsHandedOver() {
        List<SocketChannel> got = new ArrayList<>();
        Handoff h = new Handoff(4, (ch, remote, transports) -> got.add(ch));
        assertTrue(h.offer(channels.get(0), null, TransportFactory.PLAIN));
        assertTrue(h.offer(channels.get(1), null, TransportFactory.PLAIN));
        h.close();
        assertEquals(channels.subList(0, 2), got, "close hands over what was published before it");
        assertFalse(h.offer(channels.get(2), null, TransportFactory.PLAIN), "a closed ring takes nothing, though it has room");
        assertFalse(h.hasPending());
    }

    /**
     * The dead-worker race: the acceptor offers while the worker, at a random moment, closes its ring
     * and takes its last poll. Every channel whose offer returned true must reach the worker exactly
     * once and in order (else it would leak, never registered nor closed), and no offer may succeed once
     * close() has returned.
     */
    @Test
    void aWorkerClosingItsRingWhileTheAcceptorOffersLosesNoChannel() throws Exception {
        long seed = System.nanoTime();
        Random r = new Random(seed);
        for (int round = 0; round < 200; round++) {
            raceOnce(seed, round, r.nextLong(), 1 << (1 + r.nextInt(4)));
        }
    }

    private static void raceOnce(long seed, int round, long roundSeed, int ringSize) throws Exception {
        String where = "seed " + seed + " round " + round + " ring " + ringSize;
        List<SocketChannel> received = new ArrayList<>(); // consumer thread only; read after join
        Handoff h = new Handoff(ringSize, (ch, remote, transports) -> received.add(ch));
        boolean[] accepted = new boolean[CHANNELS];
        int[] offeredAfterClose = new int[1];
        int[] acceptedAfterClose = new int[1];
        CountDownLatch go = new CountDownLatch(2);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        /** Set by the consumer once close() has returned; read by the producer before each offer. */
        java.util.concurrent.atomic.AtomicBoolean closeReturned = new java.util.concurrent.atomic.AtomicBoolean();

        Thread producer = new Thread(() -> {
            try {
                go.countDown();
                go.await();
                int next = 0;
                for (int attempts = 0; next < CHANNELS && attempts < 1_000_000; attempts++) {
                    boolean closedBefore = closeReturned.get();
                    boolean ok = h.offer(channels.get(next), remote(next), TransportFactory.PLAIN);
                    if (closedBefore) {
                        offeredAfterClose[0]++;
                        if (ok) {
                            acceptedAfterClose[0]++;
                        }
                        if (offeredAfterClose[0] > 3) {
                            break;
                        }
                    }
                    if (ok) {
                        accepted[next++] = true;
                    }
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        }, "test-acceptor");
        Thread consumer = new Thread(() -> {
            try {
                Random r = new Random(roundSeed);
                int pollsBeforeClose = r.nextInt(40);
                go.countDown();
                go.await();
                for (int i = 0; i < pollsBeforeClose; i++) {
                    h.poll();
                    for (int spin = r.nextInt(200); spin > 0; spin--) {
                        Thread.onSpinWait();
                    }
                }
                h.close();
                closeReturned.set(true);
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        }, "test-worker");
        producer.start();
        consumer.start();
        producer.join(TimeUnit.SECONDS.toMillis(30));
        consumer.join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(producer.isAlive() || consumer.isAlive(), "threads did not finish, " + where);
        assertNull(failure.get(), where);

        int acceptedCount = 0;
        while (acceptedCount < CHANNELS && accepted[acceptedCount]) {
            acceptedCount++;
        }
        for (int i = acceptedCount; i < CHANNELS; i++) {
            assertFalse(accepted[i], "offers succeed in order, " + where);
        }
        assertEquals(acceptedCount, received.size(),
                "every channel whose offer returned true reaches the worker exactly once (else it leaks); " + where);
        for (int i = 0; i < acceptedCount; i++) {
            assertSame(channels.get(i), received.get(i), "channel " + i + " out of order, " + where);
        }
        assertEquals(0, acceptedAfterClose[0], "an offer succeeded after close() returned, " + where);
        assertFalse(h.hasPending(), where);
        assertFalse(h.offer(channels.get(0), null, TransportFactory.PLAIN), "closed for good, " + where);
    }
}
