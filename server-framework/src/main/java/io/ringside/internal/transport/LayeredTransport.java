package io.ringside.internal.transport;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The part of a {@link TransportLayer}'s transport that only passes things on to the transport below it: the three
 * addresses (a layer over a PROXY header reader reports the header's) and an outbound connection's
 * {@link #finishConnect}, which a layer with a preface of its own overrides to start it once the one below is
 * connected. Everything else is the layer's own.
 *
 * <p>Confined to the connection's worker, like the transports it joins.
 */
public abstract class LayeredTransport implements Transport {
    private final Transport below;

    protected LayeredTransport(Transport below) {
        this.below = below;
    }

    @Override
    public boolean finishConnect() throws IOException {
        return below.finishConnect();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return below.remoteAddress();
    }

    @Override
    public InetSocketAddress localAddress() {
        return below.localAddress();
    }

    @Override
    public InetSocketAddress proxyAddress() {
        return below.proxyAddress(); // over a PROXY header reader: the proxy; the two others are the header's
    }
}
