package io.ringside.internal.proxy;

import io.ringside.CloseReason;
import io.ringside.ProxyProtocol;
import io.ringside.internal.transport.TransportException;

/**
 * The PROXY protocol header at the start of a connection (HAProxy's {@code doc/proxy-protocol.txt}): tells
 * the two versions apart by their first byte, says how long the header is as soon as the bytes received so
 * far prove it, refuses bytes that cannot start a valid header as early as they show it, and decodes a
 * complete header ({@link ProxyV1}, {@link ProxyV2}). Every refusal is a {@link TransportException} with
 * {@link CloseReason#BAD_PROXY_HEADER} and a one-line message; nothing here allocates more than the header's
 * own addresses, and nothing reads outside {@code b[0, n)}.
 *
 * <p>Stateless and thread-safe: the caller keeps the bytes, re-scans them after each read (a header is at
 * most 107 bytes for version 1 and 16 plus a bounded length for version 2, so re-scanning costs little).
 */
public final class ProxyHeaderParser {
    /** The longest version 1 line, its CRLF included ("PROXY UNKNOWN" with two full IPv6 addresses). */
    public static final int V1_MAX_LENGTH = 107;
    /** The fixed part of a version 2 header: signature, version and command, family, length. */
    public static final int V2_FIXED_LENGTH = 16;

    private ProxyHeaderParser() {
    }

    /**
     * The length of the header that starts {@code b[0, n)}: once known, its length (more than {@code n} while
     * bytes are missing: read on until there are that many); 0 while not known yet (read on).
     *
     * @param expected which versions the listener accepts (not {@code OFF})
     * @param maxV2Length the largest version 2 length field accepted (addresses and TLVs)
     * @throws TransportException as soon as the bytes cannot start a header that {@code expected} accepts
     */
    public static int headerLength(byte[] b, int n, ProxyProtocol expected, int maxV2Length) throws TransportException {
        if (n == 0) {
            return 0;
        }
        int version = b[0] == 'P' ? 1 : b[0] == 0x0D ? 2 : 0;
        if (version == 0) {
            throw bad("no PROXY header: the connection starts with " + describe(b[0]));
        }
        if (!expected.accepts(version)) {
            throw bad("a PROXY v" + version + " header, but the listener expects " + expected);
        }
        return version == 1 ? ProxyV1.headerLength(b, n) : ProxyV2.headerLength(b, n, maxV2Length);
    }

    /**
     * Decodes the complete header {@code b[0, length)}, where {@code length} came from {@link #headerLength}.
     *
     * @throws TransportException when it is malformed
     */
    public static ProxyHeader decode(byte[] b, int length) throws TransportException {
        return b[0] == 'P' ? ProxyV1.decode(b, length) : ProxyV2.decode(b, length);
    }

    /** The refusal of a header, with the connection's close reason. */
    static TransportException bad(String message) {
        return new TransportException(CloseReason.BAD_PROXY_HEADER, message);
    }

    /** A byte as a log shows it: {@code 0x47 'G'}, or only the hex for a control or non-ASCII byte. */
    static String describe(byte b) {
        int v = b & 0xFF;
        String hex = String.format("0x%02x", v);
        return v >= 0x20 && v < 0x7F ? hex + " '" + (char) v + "'" : hex;
    }

    /** The unsigned 16-bit big-endian number at {@code b[at]}. */
    static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF);
    }
}
