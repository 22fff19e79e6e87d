package io.ringside.loadgen;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;

/**
 * Opens the generator's client sockets: non-blocking, TCP_NODELAY, connect to the target started.
 *
 * <p>With {@code --src-ips N} above 1 (or {@code --src-ip-first F} other than 1) each socket is first
 * bound to the next source address in turn (127.0.0.F, 127.0.0.F+1, ... 127.0.0.F+N-1, then again;
 * worker w starts at the w-th), with {@link PortlessBind} so that the port is still chosen at connect
 * time. Every source address brings its own set of ephemeral ports (about 28,000 per target port
 * with Linux's default range), so several generator processes with distinct address sets can open
 * far more connections to one port than one address allows. With the defaults nothing is bound.
 *
 * <p>Threading: not thread-safe; one instance per worker thread.
 */
final class Dialer {
    private final InetSocketAddress target;
    /** Source addresses to bind to; empty when sockets are not bound. */
    private final InetSocketAddress[] sources;
    private int turn;

    Dialer(LoadOptions options, int worker) {
        this.target = new InetSocketAddress(options.host(), options.port());
        int n = options.bindsSource() ? options.srcIps() : 0;
        this.sources = new InetSocketAddress[n];
        for (int i = 0; i < n; i++) {
            sources[i] = new InetSocketAddress(Loopback.source(options.srcIpFirst() - 1 + i), 0);
        }
        this.turn = n == 0 ? 0 : worker % n;
    }

    /**
     * A new socket whose connect has been started; {@link SocketChannel#isConnected()} tells whether
     * it already completed.
     *
     * @throws IOException if the socket cannot be created, bound or connected
     */
    SocketChannel dial() throws IOException {
        SocketChannel ch = SocketChannel.open();
        try {
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (sources.length > 0) {
                PortlessBind.apply(ch);
                ch.bind(sources[turn]);
                turn = (turn + 1) % sources.length;
            }
            ch.connect(target);
            return ch;
        } catch (IOException | RuntimeException e) {
            close(ch);
            throw e;
        }
    }

    /** Closes a socket that is being given up; errors are of no further use. */
    static void close(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // already failing or done: the failure itself is what gets reported
        }
    }
}
