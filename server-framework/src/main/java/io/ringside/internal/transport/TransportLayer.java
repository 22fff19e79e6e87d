package io.ringside.internal.transport;

/**
 * A transport laid over another one, which it reads from and writes to: TLS over the PROXY header reader
 * (the header comes first on the wire, so it is the inner one). A layer's transport must pass on what it does
 * not change: {@link Transport#remoteAddress()}, {@link Transport#localAddress()} and
 * {@link Transport#proxyAddress()} of the inner transport, {@link Transport#interest} when it needs nothing
 * else; be {@link Transport#established()} only once the inner one is; report {@link Transport#hasBufferedInput()}
 * while the inner one does (the PROXY header reader may hold bytes read past the header). Bytes that a read of
 * the inner transport returns are always the peer's bytes after the inner preface, even from the read that
 * completed it. See {@link TransportFactory#then}.
 *
 * <p>Thread-safe: {@link #over} runs on the worker that registers the socket.
 */
public interface TransportLayer {
    /** This layer's transport over {@code inner} for one connection. */
    Transport over(Transport inner);

    /** How long this layer's own preface may take (a TLS handshake); 0 when it has none. */
    default long prefaceTimeoutNanos() {
        return 0;
    }
}
