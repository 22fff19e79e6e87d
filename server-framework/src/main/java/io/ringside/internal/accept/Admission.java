package io.ringside.internal.accept;

import io.ringside.internal.loop.AdmissionRelease;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Admission: the server-wide and per-address caps on open connections, and the acceptor's pause when
 * the process is out of descriptors (resumed as soon as a connection closes).
 *
 * <p>Thread-safe. The acceptor admits (increments); the worker that owns a connection releases it when
 * the connection closes (decrements), and moves it to its client's address once a PROXY header named the
 * client ({@link #readmit}). A refused connection never counts.
 */
public final class Admission implements AdmissionRelease {
    private final int maxConnections;
    private final int maxPerAddress;
    /** Incremented by the acceptor, decremented by workers. */
    private final AtomicInteger open = new AtomicInteger();
    /** Open connections per address; updated only inside compute(), which is atomic per key. */
    private final ConcurrentHashMap<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();

    public Admission(int maxConnections, int maxPerAddress) {
        this.maxConnections = maxConnections;
        this.maxPerAddress = maxPerAddress;
    }

    /** Acceptor: admits a connection from {@code remote} (null when unknown), or returns a refusal reason. */
    String tryAdmit(InetSocketAddress remote) {
        if (open.incrementAndGet() > maxConnections) {
            open.decrementAndGet();
            return "too many connections";
        }
        if (maxPerAddress > 0 && remote != null) {
            Integer n = perAddress.merge(remote.getAddress(), 1, Integer::sum);
            if (n > maxPerAddress) {
                release(remote);
                return "too many connections from " + remote.getAddress().getHostAddress();
            }
        }
        return null;
    }

    /** Set by the acceptor while accepting is paused (EMFILE); read by workers as connections close. */
    private volatile boolean acceptPaused;
    /** The acceptor's selector, woken when a descriptor frees up during a pause. */
    private volatile java.nio.channels.Selector acceptorSelector;

    void acceptorSelector(java.nio.channels.Selector selector) {
        this.acceptorSelector = selector;
    }

    void acceptPaused(boolean paused) {
        this.acceptPaused = paused;
    }

    /** Any thread: a connection admitted with {@link #tryAdmit} has closed (its descriptor is free). */
    @Override
    public void release(InetSocketAddress remote) {
        open.decrementAndGet();
        if (acceptPaused) {
            java.nio.channels.Selector s = acceptorSelector;
            if (s != null) {
                s.wakeup();
            }
        }
        if (maxPerAddress > 0 && remote != null) {
            perAddress.computeIfPresent(remote.getAddress(), (a, n) -> n == 1 ? null : n - 1);
        }
    }

    /**
     * Any worker: a connection admitted under {@code counted} (null: accepted on a listener whose connections
     * name their client, so not counted per address yet) turned out (PROXY header) to come from {@code client}.
     * The per-address count moves to the client's address, unless the client is at its limit: then nothing
     * moves and the refusal reason is returned. The total does not change.
     */
    @Override
    public String readmit(InetSocketAddress counted, InetSocketAddress client) {
        if (maxPerAddress <= 0 || client == null || counted != null && counted.getAddress().equals(client.getAddress())) {
            return null;
        }
        Integer n = perAddress.merge(client.getAddress(), 1, Integer::sum);
        if (n > maxPerAddress) {
            perAddress.computeIfPresent(client.getAddress(), (a, k) -> k == 1 ? null : k - 1);
            return "too many connections from " + client.getAddress().getHostAddress();
        }
        if (counted != null) {
            perAddress.computeIfPresent(counted.getAddress(), (a, k) -> k == 1 ? null : k - 1);
        }
        return null;
    }

    boolean tracksAddresses() {
        return maxPerAddress > 0;
    }
}
