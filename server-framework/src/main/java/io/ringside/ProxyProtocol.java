package io.ringside;

import java.util.Locale;

/**
 * Which PROXY protocol header (HAProxy's {@code doc/proxy-protocol.txt}) a listener expects before anything
 * else on each connection: none, the text line of version 1, the binary block of version 2, or either. The
 * header is never guessed: a listener that expects one refuses a connection without it, and a listener that
 * expects none passes the bytes to the handler as they are.
 *
 * <p>Thread-safe (immutable).
 */
public enum ProxyProtocol {
    /** No header: the peer of the socket is the client. */
    OFF,
    /** Version 1 only: {@code PROXY TCP4 <src> <dst> <sport> <dport>\r\n}. */
    V1,
    /** Version 2 only: the 12-byte binary signature, then command, family, length and addresses. */
    V2,
    /** Either version, told apart by the first byte. */
    ANY;

    /** Whether a header of {@code version} (1 or 2) is accepted. */
    public boolean accepts(int version) {
        return this == ANY || (this == V1 && version == 1) || (this == V2 && version == 2);
    }

    /** The setting's spelling: {@code off}, {@code v1}, {@code v2}, {@code any}. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses the setting's spelling, any case.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static ProxyProtocol parse(String text) {
        for (ProxyProtocol p : values()) {
            if (p.name().equalsIgnoreCase(text.trim())) {
                return p;
            }
        }
        throw new IllegalArgumentException("expected off, v1, v2 or any");
    }
}
