package io.ringside.internal.loop;

import io.ringside.internal.connection.TransportConnection;
import java.util.Arrays;

/**
 * The connections one worker owns: an array with swap-remove, each connection knowing its slot, so
 * adding and removing are O(1) and the table costs one reference per connection.
 *
 * <p>Confined to its worker.
 */
final class ConnectionTable {
    private TransportConnection[] connections = new TransportConnection[64];
    private int count;

    void add(TransportConnection c) {
        if (count == connections.length) {
            connections = Arrays.copyOf(connections, count * 2);
        }
        c.slot = count;
        connections[count++] = c;
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
