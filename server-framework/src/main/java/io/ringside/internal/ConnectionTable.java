package io.ringside.internal;

import java.util.Arrays;

/**
 * The connections one worker owns: an array with swap-remove, each connection knowing its slot, so
 * adding and removing are O(1) and the table costs one reference per connection.
 *
 * <p>Confined to its worker.
 */
final class ConnectionTable {
    private NioConnection[] connections = new NioConnection[64];
    private int count;

    void add(NioConnection c) {
        if (count == connections.length) {
            connections = Arrays.copyOf(connections, count * 2);
        }
        c.slot = count;
        connections[count++] = c;
    }

    void remove(NioConnection c) {
        int i = c.slot;
        if (i < 0) {
            return;
        }
        NioConnection moved = connections[--count];
        connections[i] = moved;
        moved.slot = i;
        connections[count] = null;
        c.slot = -1;
    }

    int size() {
        return count;
    }

    NioConnection get(int i) {
        return connections[i];
    }

    /** A copy to iterate over while connections close (and leave the table). */
    NioConnection[] snapshot() {
        return Arrays.copyOf(connections, count);
    }
}
