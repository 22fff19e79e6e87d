package io.ringside.internal.transport;

/**
 * What one listener puts between an accepted socket and its connection: nothing (plain), a PROXY header
 * reader, TLS, or both (the PROXY header comes first on the wire, so it wraps the socket and TLS wraps it).
 *
 * <p>Thread-safe: {@link #open} runs on the worker that registers the socket.
 */
public interface TransportFactory {
    /** The plain listener: the socket is the transport. */
    TransportFactory PLAIN = socket -> socket;

    /** The transport for a newly accepted socket (already non-blocking, not yet registered). */
    Transport open(SocketTransport socket);

    /**
     * How long a connection may take to be {@link Transport#established()} before it is closed with
     * {@link io.ringside.CloseReason#PREFACE_TIMEOUT}; 0 when the transport has no preface.
     */
    default long prefaceTimeoutNanos() {
        return 0;
    }

    /**
     * Whether its transports learn the client's address from the peer's first bytes (a PROXY header): the
     * socket's peer is then a proxy, so admission counts the connection per address only once the client is
     * named, not at accept.
     */
    default boolean readsClientAddress() {
        return false;
    }

    /**
     * This factory's transport with {@code outer} laid over it: {@code proxyHeaders.then(tls)} reads the PROXY
     * header first on the wire, then does the TLS handshake over the bytes after it. The prefaces run one after
     * the other, so the connection's preface timeout is the sum of both.
     */
    default TransportFactory then(TransportLayer outer) {
        TransportFactory first = this;
        return new TransportFactory() {
            @Override
            public Transport open(SocketTransport socket) {
                return outer.over(first.open(socket));
            }

            @Override
            public long prefaceTimeoutNanos() {
                return first.prefaceTimeoutNanos() + outer.prefaceTimeoutNanos();
            }

            @Override
            public boolean readsClientAddress() {
                return first.readsClientAddress();
            }

            @Override
            public String toString() {
                return first + " then " + outer;
            }
        };
    }
}
