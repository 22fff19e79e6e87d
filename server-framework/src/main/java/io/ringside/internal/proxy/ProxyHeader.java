package io.ringside.internal.proxy;

import java.net.InetSocketAddress;

/**
 * One decoded PROXY protocol header: its version, its length on the wire, and the client's and the
 * destination's addresses when it names them. A header that names none (a version 2 {@code LOCAL} command,
 * a version 1 {@code UNKNOWN} line, a UNIX socket, UDP or an unspecified family) leaves both null: the
 * connection keeps the socket's own addresses, as the specification asks.
 *
 * <p>Thread-safe (immutable).
 */
public final class ProxyHeader {
    private final int version;
    private final int length;
    private final String kind;
    private final InetSocketAddress source;
    private final InetSocketAddress destination;

    ProxyHeader(int version, int length, String kind, InetSocketAddress source, InetSocketAddress destination) {
        this.version = version;
        this.length = length;
        this.kind = kind;
        this.source = source;
        this.destination = destination;
    }

    /** 1 (the text line) or 2 (the binary block). */
    public int version() {
        return version;
    }

    /** Bytes the header took on the wire, its CRLF or its TLVs included. */
    public int length() {
        return length;
    }

    /**
     * What it announced, for logs and tests: {@code TCP4}, {@code TCP6}, {@code UNKNOWN} (version 1);
     * {@code LOCAL}, {@code TCP4}, {@code TCP6}, {@code UDP4}, {@code UDP6}, {@code UNIX}, {@code UNSPEC} (version 2).
     */
    public String kind() {
        return kind;
    }

    /** The client's address, or null when the header names none (the socket's peer stands). */
    public InetSocketAddress source() {
        return source;
    }

    /** The address the client connected to, or null when the header names none. */
    public InetSocketAddress destination() {
        return destination;
    }

    @Override
    public String toString() {
        return "PROXY v" + version + " " + kind + (source == null ? "" : " " + source + " -> " + destination);
    }
}
