package io.ringside.internal.proxy;

import static io.ringside.internal.proxy.ProxyHeaderParser.V2_FIXED_LENGTH;
import static io.ringside.internal.proxy.ProxyHeaderParser.bad;
import static io.ringside.internal.proxy.ProxyHeaderParser.describe;
import static io.ringside.internal.proxy.ProxyHeaderParser.u16;

import io.ringside.internal.transport.TransportException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The version 2 header: a 12-byte signature, version and command, family and protocol, a 16-bit length,
 * then that many bytes of addresses and TLVs. {@code PROXY} over TCP/IPv4 or TCP/IPv6 names the client;
 * {@code LOCAL} (a health check), UDP, UNIX sockets and unspecified families keep the socket's addresses,
 * as the specification allows a receiver that does not use them. Every TLV (and every sub-TLV of an SSL
 * TLV) must fit inside the header; a CRC32C TLV is checked.
 *
 * <p>Stateless and thread-safe.
 */
final class ProxyV2 {
    static final byte[] SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    private static final int TLV_CRC32C = 0x03;
    private static final int TLV_SSL = 0x20;
    /** An SSL TLV's fixed part before its sub-TLVs: the client flags byte and the 32-bit verify result. */
    private static final int SSL_FIXED_LENGTH = 5;

    private ProxyV2() {
    }

    /** See {@link ProxyHeaderParser#headerLength}: 16 plus the length field once it arrived, else 0. */
    static int headerLength(byte[] b, int n, int maxLength) throws TransportException {
        for (int i = 0; i < Math.min(n, SIGNATURE.length); i++) {
            if (b[i] != SIGNATURE[i]) {
                throw bad("no PROXY header: the v2 signature expected, " + describe(b[i]) + " at byte " + i);
            }
        }
        if (n > 12 && ((b[12] & 0xF0) != 0x20 || (b[12] & 0x0F) > 1)) {
            throw bad("PROXY v2 header with version and command " + describe(b[12]) + " (0x20 LOCAL or 0x21 PROXY expected)");
        }
        if (n > 13 && ((b[13] & 0xF0) > 0x30 || (b[13] & 0x0F) > 2)) {
            throw bad("PROXY v2 header with an unknown family and protocol " + describe(b[13]));
        }
        if (n < V2_FIXED_LENGTH) {
            return 0;
        }
        int length = u16(b, 14);
        if (length > maxLength) {
            throw bad("PROXY v2 header announcing " + length + " bytes of addresses and TLVs (at most " + maxLength + " accepted)");
        }
        return V2_FIXED_LENGTH + length;
    }

    /** Decodes the complete header {@code b[0, length)}. */
    static ProxyHeader decode(byte[] b, int length) throws TransportException {
        if ((b[12] & 0x0F) == 0) {
            return new ProxyHeader(2, length, "LOCAL", null, null); // its whole block is discarded, as specified
        }
        int family = b[13];
        String kind = family == 0x11 ? "TCP4" : family == 0x21 ? "TCP6" : family == 0x12 ? "UDP4" : family == 0x22 ? "UDP6"
                : family == 0x31 || family == 0x32 ? "UNIX" : null;
        if (kind == null) {
            return new ProxyHeader(2, length, "UNSPEC", null, null); // no known address block: all of it skipped
        }
        int addressBytes = family == 0x11 || family == 0x12 ? 12 : family == 0x21 || family == 0x22 ? 36 : 216;
        if (length - V2_FIXED_LENGTH < addressBytes) {
            throw bad("PROXY v2 " + kind + " header of " + (length - V2_FIXED_LENGTH) + " bytes, less than its "
                    + addressBytes + " bytes of addresses");
        }
        int crcAt = checkTlvs(b, V2_FIXED_LENGTH + addressBytes, length, false);
        if (crcAt >= 0) {
            checkCrc(b, length, crcAt);
        }
        if (family == 0x11) {
            return new ProxyHeader(2, length, kind, new InetSocketAddress(address(b, 16, 4), u16(b, 24)),
                    new InetSocketAddress(address(b, 20, 4), u16(b, 26)));
        }
        if (family == 0x21) {
            return new ProxyHeader(2, length, kind, new InetSocketAddress(address(b, 16, 16), u16(b, 48)),
                    new InetSocketAddress(address(b, 32, 16), u16(b, 50)));
        }
        return new ProxyHeader(2, length, kind, null, null); // UDP or UNIX: the socket's addresses stand
    }

    /**
     * Walks the TLVs in {@code b[from, end)}: each must fit. Returns where a CRC32C value starts, or -1.
     * Inside an SSL TLV ({@code nested}) the sub-TLVs are walked the same way, with no special types.
     */
    private static int checkTlvs(byte[] b, int from, int end, boolean nested) throws TransportException {
        int crcAt = -1;
        int p = from;
        while (p < end) { // each turn moves p by 3 bytes at least
            if (end - p < 3) {
                throw bad("PROXY v2 TLV cut short: " + (end - p) + " bytes left of its 3-byte type and length");
            }
            int type = b[p] & 0xFF;
            int valueAt = p + 3;
            int valueLength = u16(b, p + 1);
            if (valueLength > end - valueAt) {
                throw bad(String.format("PROXY v2 TLV 0x%02x of %d bytes runs past the end of %s", type, valueLength,
                        nested ? "its SSL TLV" : "the header"));
            }
            if (!nested && type == TLV_CRC32C) {
                if (valueLength != 4 || crcAt >= 0) {
                    throw bad("PROXY v2 CRC32C TLV of " + valueLength + " bytes or repeated (one of 4 bytes expected)");
                }
                crcAt = valueAt;
            } else if (!nested && type == TLV_SSL) {
                if (valueLength < SSL_FIXED_LENGTH) {
                    throw bad("PROXY v2 SSL TLV of " + valueLength + " bytes, less than its 5-byte fixed part");
                }
                checkTlvs(b, valueAt + SSL_FIXED_LENGTH, valueAt + valueLength, true);
            }
            p = valueAt + valueLength;
        }
        return crcAt;
    }

    /** The CRC32C of the whole header with its checksum field zeroed must equal that field (big-endian). */
    private static void checkCrc(byte[] b, int length, int at) throws TransportException {
        int sent = (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
        byte[] saved = Arrays.copyOfRange(b, at, at + 4);
        Arrays.fill(b, at, at + 4, (byte) 0);
        CRC32C crc = new CRC32C();
        crc.update(b, 0, length);
        System.arraycopy(saved, 0, b, at, 4);
        if ((int) crc.getValue() != sent) {
            throw bad(String.format("PROXY v2 header with a wrong CRC32C (0x%08x sent, 0x%08x computed)", sent, (int) crc.getValue()));
        }
    }

    private static InetAddress address(byte[] b, int at, int bytes) {
        try {
            return InetAddress.getByAddress(Arrays.copyOfRange(b, at, at + bytes)); // raw bytes: never a lookup
        } catch (UnknownHostException e) {
            throw new AssertionError("4 or 16 bytes are always an address", e);
        }
    }
}
