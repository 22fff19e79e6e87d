package io.ringside.internal.accept;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The new-connection rate per client address ({@code rate-limit-connects}): a token bucket per address (GCRA: the
 * theoretical arrival time of its next connection), with a burst of one second's worth. Entries whose bucket is
 * full again carry no information and are purged at most once a second once the map holds more than
 * {@value #PURGE_ABOVE} addresses, so a flood from many addresses costs at most about one second of them.
 *
 * <p>Acceptor only (no lock: one thread).
 */
final class ConnectRate {
    private static final long SECOND = 1_000_000_000L;
    private static final int PURGE_ABOVE = 1024;

    private final long intervalNanos;
    private final Map<InetAddress, Long> next = new HashMap<>();
    private long lastPurge;

    /** {@code perSecond} 0: no limit. */
    ConnectRate(int perSecond) {
        this.intervalNanos = perSecond > 0 ? SECOND / perSecond : 0;
    }

    boolean enabled() {
        return intervalNanos > 0;
    }

    /** The refusal line for a connect from {@code remote} past its rate, or null when it may go on. */
    String refusal(java.net.InetSocketAddress remote, long now) {
        return tryAcquire(remote.getAddress(), now) ? null
                : "too many new connections from " + remote.getAddress().getHostAddress();
    }

    /** Whether a new connection from {@code address} at {@code now} is within the rate (if so, it is counted). */
    boolean tryAcquire(InetAddress address, long now) {
        if (intervalNanos == 0 || address == null) {
            return true;
        }
        Long tat = next.get(address);
        long start = tat == null || tat - now < 0 ? now : tat;
        long after = start + intervalNanos;
        if (after - now > SECOND) {
            return false; // the bucket is empty: refused, and not counted
        }
        next.put(address, after);
        if (next.size() > PURGE_ABOVE && now - lastPurge > SECOND) {
            lastPurge = now;
            for (Iterator<Long> it = next.values().iterator(); it.hasNext(); ) {
                if (it.next() - now <= 0) {
                    it.remove();
                }
            }
        }
        return true;
    }

    /** Addresses remembered now (tests). */
    int size() {
        return next.size();
    }
}
