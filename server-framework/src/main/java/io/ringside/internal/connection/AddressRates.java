package io.ringside.internal.connection;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The input rates of each client address ({@code rate-limit-address-lines}, {@code rate-limit-address-bytes}):
 * one pair of token buckets per address, shared by that address's connections on every worker. A bucket is kept
 * while a connection of its address is open (counted under the map's per-key atomic {@code compute}), so the map
 * holds at most one entry per open address.
 *
 * <p>Thread-safe: the buckets are GCRA cells (one {@link AtomicLong} each, updated by compare-and-set), no lock.
 */
final class AddressRates {
    /** One address's buckets: the theoretical arrival times of GCRA, a token bucket in one number each. */
    static final class Cell {
        final AtomicLong lines = new AtomicLong(Long.MIN_VALUE);
        final AtomicLong bytes = new AtomicLong(Long.MIN_VALUE);
        /** Open connections using the cell; changed only inside the map's compute for its key. */
        int users;
    }

    final long lineRate;
    final long byteRate;
    private final ConcurrentHashMap<InetAddress, Cell> cells = new ConcurrentHashMap<>();

    AddressRates(long lineRate, long byteRate) {
        this.lineRate = lineRate;
        this.byteRate = byteRate;
    }

    boolean enabled() {
        return lineRate > 0 || byteRate > 0;
    }

    /** A connection of {@code address} starts using its cell (made if it is the first). */
    Cell join(InetAddress address) {
        return cells.compute(address, (a, cell) -> {
            Cell c = cell == null ? new Cell() : cell;
            c.users++;
            return c;
        });
    }

    /** That connection closed: the cell goes with its last user. */
    void leave(InetAddress address) {
        cells.computeIfPresent(address, (a, cell) -> --cell.users == 0 ? null : cell);
    }

    /** Addresses with a cell (tests: it must shrink back to 0). */
    int size() {
        return cells.size();
    }

    /**
     * Uses {@code cost} nanoseconds of a shared bucket at {@code now}; returns how far past its burst the bucket now
     * is (0 or less: within it). Always consumes: the input was already read.
     */
    static long consume(AtomicLong cell, long now, long cost) {
        while (true) {
            long tat = cell.get();
            long next = Math.max(tat == Long.MIN_VALUE ? now : tat, now) + cost;
            if (cell.compareAndSet(tat, next)) {
                return next - now - Protection.BURST_NANOS;
            }
        }
    }
}
