package io.ringside;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/** PROXY protocol headers as a proxy sends them (HAProxy's doc/proxy-protocol.txt), built byte by byte for the tests. Stateless. */
public final class ProxyHeaderBytes {
    public static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    public static final int PROXY = 0x21;
    public static final int LOCAL = 0x20;

    private ProxyHeaderBytes() {
    }

    /** A version 1 line: {@code text} and its CRLF. */
    public static byte[] v1(String text) {
        return (text + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A version 2 header: signature, {@code verCmd}, {@code family}, the length of {@code block}, {@code block}. */
    public static byte[] v2(int verCmd, int family, byte[] block) {
        return concat(V2_SIGNATURE, new byte[] {(byte) verCmd, (byte) family, (byte) (block.length >> 8), (byte) block.length}, block);
    }

    /** A version 2 PROXY header for TCP over IPv4 or IPv6 (the family from the addresses), then {@code tlvs}. */
    public static byte[] v2Tcp(String source, int sourcePort, String destination, int destinationPort, byte[]... tlvs) {
        byte[] src = address(source);
        byte[] dst = address(destination);
        byte[] ports = {(byte) (sourcePort >> 8), (byte) sourcePort, (byte) (destinationPort >> 8), (byte) destinationPort};
        return v2(PROXY, src.length == 4 ? 0x11 : 0x21, concat(src, dst, ports, concat(tlvs)));
    }

    /** A TLV: type, 16-bit length, value. */
    public static byte[] tlv(int type, byte[] value) {
        return concat(new byte[] {(byte) type, (byte) (value.length >> 8), (byte) value.length}, value);
    }

    /** {@code header} (version 2) with a CRC32C TLV appended, its length field grown, and the checksum filled in. */
    public static byte[] withCrc32c(byte[] header) {
        byte[] out = concat(header, tlv(0x03, new byte[4]));
        int length = out.length - 16;
        out[14] = (byte) (length >> 8);
        out[15] = (byte) length;
        CRC32C crc = new CRC32C();
        crc.update(out, 0, out.length);
        int v = (int) crc.getValue();
        int at = out.length - 4;
        out[at] = (byte) (v >>> 24);
        out[at + 1] = (byte) (v >>> 16);
        out[at + 2] = (byte) (v >>> 8);
        out[at + 3] = (byte) v;
        return out;
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** The raw bytes of an address literal (4 or 16). */
    public static byte[] address(String literal) {
        try {
            byte[] raw = InetAddress.getByName(literal).getAddress(); // tests pass literals only: no lookup
            return raw;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
