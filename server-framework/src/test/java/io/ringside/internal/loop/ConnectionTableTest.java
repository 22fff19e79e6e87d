package io.ringside.internal.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.ringside.ByteSpan;
import io.ringside.Connection;
import io.ringside.LineHandler;
import io.ringside.ServerConfig;
import io.ringside.internal.connection.TransportConnection;
import io.ringside.internal.transport.MemoryTransport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The worker's table of connections: swap-remove, each connection knowing its slot. */
class ConnectionTableTest {
    private final WorkerContext context = new WorkerContext(ServerConfig.defaults(), Runnable::run, AdmissionRelease.NONE, () -> { });
    private long ids;

    ConnectionTableTest() {
        context.bindTo(Thread.currentThread());
    }

    private TransportConnection newConnection() {
        return new TransportConnection(++ids, context, new MemoryTransport(), new LineHandler() {
            @Override
            public void onLine(Connection c, ByteSpan line) {
            }
        }, null);
    }

    /** Every connection sits at the slot it believes it has, and the table holds exactly {@code expected}. */
    private static void assertConsistent(ConnectionTable t, List<TransportConnection> expected, String where) {
        assertEquals(expected.size(), t.size(), where);
        Set<TransportConnection> inTable = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = 0; i < t.size(); i++) {
            TransportConnection c = t.get(i);
            assertEquals(i, c.slot, "slot of " + c + ", " + where);
            inTable.add(c);
        }
        Set<TransportConnection> want = Collections.newSetFromMap(new IdentityHashMap<>());
        want.addAll(expected);
        assertEquals(want, inTable, where);
        assertEquals(t.size(), t.snapshot().length, where);
    }

    @Test
    void swapRemoveMovesTheLastConnectionIntoTheFreedSlot() {
        ConnectionTable t = new ConnectionTable();
        List<TransportConnection> cs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            TransportConnection c = newConnection();
            t.add(c);
            cs.add(c);
        }
        t.remove(cs.get(1));
        assertEquals(-1, cs.get(1).slot, "a removed connection is outside the table");
        assertSame(cs.get(4), t.get(1), "the last one moved into the hole");
        assertEquals(1, cs.get(4).slot);
        assertConsistent(t, List.of(cs.get(0), cs.get(4), cs.get(2), cs.get(3)), "after removing slot 1");

        t.remove(cs.get(3)); // the last one: nothing moves
        assertConsistent(t, List.of(cs.get(0), cs.get(4), cs.get(2)), "after removing the last");
        t.remove(cs.get(0));
        t.remove(cs.get(4));
        t.remove(cs.get(2));
        assertConsistent(t, List.of(), "empty");
    }

    @Test
    void removingAConnectionThatIsNotInTheTableIsIgnored() {
        ConnectionTable t = new ConnectionTable();
        ConnectionTable other = new ConnectionTable();
        TransportConnection a = newConnection();
        TransportConnection b = newConnection();
        TransportConnection stranger = newConnection();
        TransportConnection elsewhere = newConnection();
        t.add(a);
        t.add(b);
        other.add(elsewhere); // slot 0: a valid index here too, but not this table's connection

        t.remove(stranger);
        t.remove(elsewhere);
        assertConsistent(t, List.of(a, b), "after removing strangers");
        assertEquals(0, elsewhere.slot, "the other table's slot is untouched");

        t.remove(a);
        t.remove(a); // twice
        assertConsistent(t, List.of(b), "after removing a twice");
        elsewhere.slot = 5; // past the end
        t.remove(elsewhere);
        assertConsistent(t, List.of(b), "after a slot past the end");
    }

    @Test
    void randomAddsAndRemovesKeepEverySlotRightAcrossGrowth() {
        long seed = System.nanoTime();
        Random r = new Random(seed);
        ConnectionTable t = new ConnectionTable();
        List<TransportConnection> live = new ArrayList<>();
        List<TransportConnection> removed = new ArrayList<>();
        for (int op = 0; op < 3000; op++) {
            if (live.isEmpty() || r.nextInt(5) < 3) {
                TransportConnection c = newConnection();
                t.add(c);
                live.add(c);
            } else if (!removed.isEmpty() && r.nextInt(10) == 0) {
                t.remove(removed.get(r.nextInt(removed.size()))); // again: ignored
            } else {
                TransportConnection c = live.remove(r.nextInt(live.size()));
                t.remove(c);
                removed.add(c);
            }
            if (op % 100 == 0) {
                assertConsistent(t, live, "seed " + seed + " op " + op);
            }
        }
        assertConsistent(t, live, "seed " + seed);
        assertEquals(live.size(), Arrays.stream(t.snapshot()).distinct().count(), "seed " + seed);
    }
}
