package io.ringside.internal.loop;

import io.ringside.internal.connection.TransportConnection;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The connections one worker owns: an array with swap-remove, each connection knowing its slot, so
 * adding and removing are O(1) and the table costs one reference per connection.
 *
 * <p>Confined to its worker, except {@link #published}, which the acceptor reads (worker-choice least-connections).
 */
final class ConnectionTable {
    private TransportConnection[] connections = new TransportConnection[64];
    private int count;
    /** The count, published for the acceptor: written by the worker (lazySet), read racily by the acceptor. */
    private final AtomicInteger published = new AtomicInteger();

    void add(TransportConnection c) {
        if (count == connections.length) {
            connections = Arrays.copyOf(connections, count * 2);
        }
        c.slot = count;
        connections[count++] = c;
        published.lazySet(count);
    }

    /** Removes {@code c}; a connection not in the table is ignored. */
    void remove(TransportConnection c) {
        int i = c.slot;
        if (i < 0 || i >= count || connections[i] != c) {
            return;
        }
        TransportConnection moved = connections[--count];
        connections[i] = moved;
        moved.slot = i;
        connections[count] = null;
        c.slot = -1;
        published.lazySet(count);
    }

    /** Any thread: the number of connections, as last published by the worker. */
    int published() {
        return published.get();
    }

    int size() {
        return count;
    }

    TransportConnection get(int i) {
        return connections[i];
    }

    /** A copy to iterate over while connections close (and leave the table). */
    TransportConnection[] snapshot() {
        return Arrays.copyOf(connections, count);
    }
}
