package io.ringside.internal.proxy;

import com.google.common.net.InetAddresses;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The PROXY protocol header an outbound connection sends first (HAProxy's {@code doc/proxy-protocol.txt}), the
 * other direction of {@link ProxyV1} and {@link ProxyV2}: what those accept, this writes, and nothing else.
 * <ul>
 * <li>v1: {@code PROXY TCP4|TCP6 <src> <dst> <sport> <dport>\r\n}, addresses in their canonical text form (IPv6
 *     compressed, lower case, no zone); {@code PROXY UNKNOWN\r\n} when an address is not known.</li>
 * <li>v2: the signature, {@code 0x21} (version 2, PROXY), {@code 0x11} (TCP over IPv4) with 12 bytes of addresses
 *     or {@code 0x21} (TCP over IPv6) with 36, no TLV; an unknown address gives the {@code UNSPEC} family
 *     ({@code 0x00}) with no address block, which the receiver answers by using the socket's own.</li>
 * </ul>
 * An IPv4 and an IPv6 address together are both sent as IPv6, the IPv4 one mapped ({@code ::ffff:a.b.c.d}), as
 * the header carries one family.
 *
 * <p>Stateless and thread-safe.
 */
public final class ProxyHeaderEncoder {
    private static final int V2_COMMAND_PROXY = 0x21;
    private static final int V2_TCP4 = 0x11;
    private static final int V2_TCP6 = 0x21;
    private static final int V2_UNSPEC = 0x00;

    private ProxyHeaderEncoder() {
    }

    /** The header of {@code version} (1 or 2) for a client at {@code source} that connected to {@code destination}. */
    public static byte[] encode(int version, InetSocketAddress source, InetSocketAddress destination) {
        if (version == 1) {
            return v1(source, destination);
        }
        if (version == 2) {
            return v2(source, destination);
        }
        throw new IllegalArgumentException("PROXY protocol version " + version + " (1 or 2)");
    }

    /** The version 1 line, CRLF included. */
    public static byte[] v1(InetSocketAddress source, InetSocketAddress destination) {
        if (!known(source) || !known(destination)) {
            return "PROXY UNKNOWN\r\n".getBytes(StandardCharsets.US_ASCII);
        }
        boolean v4 = source.getAddress() instanceof Inet4Address && destination.getAddress() instanceof Inet4Address;
        String line = "PROXY " + (v4 ? "TCP4 " : "TCP6 ") + text(source.getAddress(), v4) + " " + text(destination.getAddress(), v4)
                + " " + source.getPort() + " " + destination.getPort() + "\r\n";
        return line.getBytes(StandardCharsets.US_ASCII);
    }

    /** The version 2 block: 16 bytes, plus 12 (IPv4) or 36 (IPv6) of addresses. */
    public static byte[] v2(InetSocketAddress source, InetSocketAddress destination) {
        if (!known(source) || !known(destination)) {
            return v2Header(V2_UNSPEC, 0).array();
        }
        boolean v4 = source.getAddress() instanceof Inet4Address && destination.getAddress() instanceof Inet4Address;
        ByteBuffer b = v2Header(v4 ? V2_TCP4 : V2_TCP6, v4 ? 12 : 36);
        b.put(raw(source.getAddress(), v4)).put(raw(destination.getAddress(), v4));
        b.putShort((short) source.getPort()).putShort((short) destination.getPort());
        return b.array();
    }

    private static ByteBuffer v2Header(int family, int addressBytes) {
        ByteBuffer b = ByteBuffer.allocate(ProxyHeaderParser.V2_FIXED_LENGTH + addressBytes);
        b.put(ProxyV2.SIGNATURE).put((byte) V2_COMMAND_PROXY).put((byte) family).putShort((short) addressBytes);
        return b;
    }

    private static boolean known(InetSocketAddress a) {
        return a != null && !a.isUnresolved() && a.getAddress() != null;
    }

    /** The canonical text: dotted IPv4, or RFC 5952 IPv6 (an IPv4 address mapped when the other one is IPv6). */
    private static String text(InetAddress a, boolean v4) {
        if (v4) {
            return a.getHostAddress();
        }
        return a instanceof Inet6Address ? InetAddresses.toAddrString(withoutScope(raw(a, false))) : "::ffff:" + a.getHostAddress();
    }

    private static InetAddress withoutScope(byte[] sixteen) {
        try {
            return InetAddress.getByAddress(sixteen); // the zone is not part of the bytes: dropped, as v1 allows none
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError("16 bytes are always an address", e);
        }
    }

    /** 4 bytes for IPv4, else 16 (an IPv4 address mapped). */
    private static byte[] raw(InetAddress a, boolean v4) {
        byte[] b = a.getAddress();
        if (v4 || b.length == 16) {
            return b;
        }
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xFF;
        mapped[11] = (byte) 0xFF;
        System.arraycopy(b, 0, mapped, 12, 4);
        return mapped;
    }
}
