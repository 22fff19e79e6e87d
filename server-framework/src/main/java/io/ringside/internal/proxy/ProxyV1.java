package io.ringside.internal.proxy;

import static io.ringside.internal.proxy.ProxyHeaderParser.V1_MAX_LENGTH;
import static io.ringside.internal.proxy.ProxyHeaderParser.bad;
import static io.ringside.internal.proxy.ProxyHeaderParser.describe;

import com.google.common.net.InetAddresses;
import io.ringside.internal.transport.TransportException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The version 1 header: one line of US-ASCII, {@code PROXY TCP4|TCP6 <src> <dst> <sport> <dport>\r\n} or
 * {@code PROXY UNKNOWN ...\r\n}, at most {@value ProxyHeaderParser#V1_MAX_LENGTH} bytes. Strict as the
 * specification asks: single spaces, canonical addresses (no leading zeros, no IPv6 zone), ports without
 * leading zeros, a CRLF and never a lone CR or LF. Addresses are parsed as literals, never looked up.
 *
 * <p>Stateless and thread-safe.
 */
final class ProxyV1 {
    private static final byte[] PREFIX = "PROXY ".getBytes(StandardCharsets.US_ASCII);

    private ProxyV1() {
    }

    /** See {@link ProxyHeaderParser#headerLength}: the line's length once its CRLF arrived, else 0. */
    static int headerLength(byte[] b, int n) throws TransportException {
        for (int i = 0; i < Math.min(n, PREFIX.length); i++) {
            if (b[i] != PREFIX[i]) {
                throw bad("no PROXY header: 'PROXY ' expected, " + describe(b[i]) + " at byte " + i);
            }
        }
        int scanned = Math.min(n, V1_MAX_LENGTH);
        for (int i = PREFIX.length; i < scanned; i++) {
            if (b[i] == '\n') {
                throw bad("PROXY v1 line with a bare LF at byte " + i);
            }
            if (b[i] == '\r') {
                if (i + 1 == V1_MAX_LENGTH) {
                    break; // its LF would be byte 108
                }
                if (i + 1 == n) {
                    return 0;
                }
                if (b[i + 1] != '\n') {
                    throw bad("PROXY v1 line with a CR not followed by LF at byte " + i);
                }
                return i + 2;
            }
        }
        if (n >= V1_MAX_LENGTH) {
            throw bad("PROXY v1 line without its CRLF within " + V1_MAX_LENGTH + " bytes");
        }
        return 0;
    }

    /** Decodes the complete line {@code b[0, length)}, CRLF included. */
    static ProxyHeader decode(byte[] b, int length) throws TransportException {
        String rest = new String(b, PREFIX.length, length - 2 - PREFIX.length, StandardCharsets.US_ASCII);
        if (rest.equals("UNKNOWN") || rest.startsWith("UNKNOWN ")) {
            return new ProxyHeader(1, length, "UNKNOWN", null, null); // the rest of the line is ignored, as specified
        }
        String[] f = rest.split(" ", -1);
        boolean v4 = f[0].equals("TCP4");
        if (!v4 && !f[0].equals("TCP6")) {
            throw bad("PROXY v1 line with an unknown protocol (TCP4, TCP6 or UNKNOWN expected)");
        }
        if (f.length != 5) {
            throw bad("PROXY v1 line: " + f[0] + " takes four fields separated by single spaces, not " + (f.length - 1));
        }
        InetSocketAddress source = new InetSocketAddress(address(f[1], v4), port(f[3]));
        InetSocketAddress destination = new InetSocketAddress(address(f[2], v4), port(f[4]));
        return new ProxyHeader(1, length, f[0], source, destination);
    }

    /** An address literal of the family announced (TCP6 may carry an IPv4-mapped address). */
    private static InetAddress address(String text, boolean v4) throws TransportException {
        boolean ok = !text.isEmpty() && (v4 || text.indexOf(':') >= 0);
        for (int i = 0; ok && i < text.length(); i++) {
            char c = text.charAt(i);
            ok = c >= '0' && c <= '9' || c == '.' || !v4 && (c == ':' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F');
        }
        if (ok) {
            try {
                InetAddress a = InetAddresses.forString(text); // a literal: never a DNS lookup
                if (!v4 || a instanceof Inet4Address) {
                    return a;
                }
            } catch (IllegalArgumentException e) {
                // refused below
            }
        }
        throw bad("PROXY v1 line with an invalid " + (v4 ? "IPv4" : "IPv6") + " address");
    }

    /** A port: 0 to 65535 in decimal, without leading zeros. */
    private static int port(String text) throws TransportException {
        boolean ok = !text.isEmpty() && text.length() <= 5 && (text.length() == 1 || text.charAt(0) != '0');
        int value = 0;
        for (int i = 0; ok && i < text.length(); i++) {
            char c = text.charAt(i);
            ok = c >= '0' && c <= '9';
            value = value * 10 + (c - '0');
        }
        if (!ok || value > 65_535) {
            throw bad("PROXY v1 line with an invalid port");
        }
        return value;
    }
}
