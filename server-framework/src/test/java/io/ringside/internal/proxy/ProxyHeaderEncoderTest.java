package io.ringside.internal.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringside.ProxyProtocol;
import io.ringside.internal.transport.MemoryTransport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The PROXY header an outbound connection sends: exact bytes for v1 and v2 over IPv4 and IPv6 (written out here
 * from HAProxy's {@code doc/proxy-protocol.txt}, not from the encoder), mixed families, unknown addresses, every
 * header read back by the project's own parser; and {@link ProxyHeaderSender}: the header before any byte, even
 * when the socket takes one byte at a time, and the FIN after it.
 */
class ProxyHeaderEncoderTest {
    private static InetSocketAddress at(String literal, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(literal), port);
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    @Test
    void version1OverIpv4IsTheSpecificationsLine() throws Exception {
        byte[] line = ProxyHeaderEncoder.v1(at("127.0.0.5", 56324), at("192.168.0.11", 443));
        assertEquals("PROXY TCP4 127.0.0.5 192.168.0.11 56324 443\r\n", new String(line, StandardCharsets.US_ASCII));
    }

    @Test
    void version1OverIpv6WritesCanonicalAddresses() throws Exception {
        byte[] line = ProxyHeaderEncoder.v1(at("2001:DB8:0:0:0:0:0:1", 65535), at("::1", 0));
        assertEquals("PROXY TCP6 2001:db8::1 ::1 65535 0\r\n", new String(line, StandardCharsets.US_ASCII));
    }

    @Test
    void version2OverIpv4IsTheSignatureCommandFamilyLengthAndAddresses() throws Exception {
        byte[] header = ProxyHeaderEncoder.v2(at("127.0.0.5", 56324), at("192.168.0.11", 443));
        assertEquals("0d0a0d0a000d0a515549540a" // signature
                + "21" + "11" + "000c"            // v2 PROXY, TCP over IPv4, 12 bytes follow
                + "7f000005" + "c0a8000b"         // source, destination
                + "dc04" + "01bb", hex(header));  // 56324, 443
    }

    @Test
    void version2OverIpv6Has36BytesOfAddresses() throws Exception {
        byte[] header = ProxyHeaderEncoder.v2(at("2001:db8::1", 1), at("fe80::abcd", 2));
        assertEquals("0d0a0d0a000d0a515549540a" + "21" + "21" + "0024"
                + "20010db8000000000000000000000001" + "fe80000000000000000000000000abcd"
                + "0001" + "0002", hex(header));
    }

    @Test
    void anIpv4AndAnIpv6AddressGoAsIpv6WithTheIpv4OneMapped() throws Exception {
        byte[] line = ProxyHeaderEncoder.v1(at("127.0.0.5", 1000), at("::1", 80));
        assertEquals("PROXY TCP6 ::ffff:127.0.0.5 ::1 1000 80\r\n", new String(line, StandardCharsets.US_ASCII));
        byte[] block = ProxyHeaderEncoder.v2(at("127.0.0.5", 1000), at("::1", 80));
        assertEquals("0d0a0d0a000d0a515549540a" + "21" + "21" + "0024"
                + "00000000000000000000ffff7f000005" + "00000000000000000000000000000001"
                + "03e8" + "0050", hex(block));
        ProxyHeader decoded = ProxyHeaderParser.decode(block, block.length);
        assertEquals(at("127.0.0.5", 1000), decoded.source(), "a mapped IPv4 address reads back as IPv4");
    }

    @Test
    void unknownAddressesSayUnknownAndUnspec() throws Exception {
        assertEquals("PROXY UNKNOWN\r\n", new String(ProxyHeaderEncoder.v1(null, at("::1", 80)), StandardCharsets.US_ASCII));
        assertEquals("0d0a0d0a000d0a515549540a" + "21" + "00" + "0000", hex(ProxyHeaderEncoder.v2(at("::1", 80), null)));
        ProxyHeader unspec = ProxyHeaderParser.decode(ProxyHeaderEncoder.v2(null, null), 16);
        assertEquals("UNSPEC", unspec.kind());
        assertNull(unspec.source());
    }

    @Test
    void everyHeaderReadsBackThroughTheParserWithItsAddresses() throws Exception {
        InetSocketAddress[][] pairs = {
            {at("127.0.0.5", 56324), at("127.0.0.1", 40712)},
            {at("10.1.2.3", 0), at("255.255.255.255", 65535)},
            {at("2001:db8::5", 4321), at("2001:db8::1", 80)},
            {at("::", 1), at("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 2)},
        };
        for (InetSocketAddress[] p : pairs) {
            for (int version = 1; version <= 2; version++) {
                byte[] header = ProxyHeaderEncoder.encode(version, p[0], p[1]);
                assertEquals(header.length, ProxyHeaderParser.headerLength(header, header.length, ProxyProtocol.ANY, 4096));
                ProxyHeader h = ProxyHeaderParser.decode(header, header.length);
                assertEquals(version, h.version());
                assertEquals(p[0], h.source(), h.toString());
                assertEquals(p[1], h.destination(), h.toString());
            }
        }
    }

    @Test
    void theSenderWritesTheWholeHeaderBeforeAnyByteEvenOneByteAtATime() throws Exception {
        MemoryTransport socket = new MemoryTransport();
        byte[] header = ProxyHeaderEncoder.v2(at("127.0.0.5", 7), at("127.0.0.1", 8));
        ProxyHeaderSender sender = new ProxyHeaderSender(socket, header);
        assertTrue(sender.hasBufferedOutput(), "the header is the transport's own output");
        sender.interest(true, false);
        assertTrue(socket.wantsWrite(), "write interest until the header is out");
        ByteBuffer data = ByteBuffer.wrap("after".getBytes(StandardCharsets.US_ASCII));
        socket.peerTakesAtMost(0);
        assertEquals(0, sender.write(new ByteBuffer[] {data}, 0, 1), "a full socket: nothing taken");
        assertEquals(0, socket.takeCollected().length);
        socket.peerTakesAtMost(1); // a socket that takes one byte per write
        for (int i = 0; i < 100 && data.hasRemaining(); i++) {
            sender.write(new ByteBuffer[] {data}, 0, 1);
        }
        assertEquals(hex(header) + hex("after".getBytes(StandardCharsets.US_ASCII)), hex(socket.takeCollected()),
                "the whole header, then the data");
        assertFalse(sender.hasBufferedOutput());
        sender.interest(true, false);
        assertFalse(socket.wantsWrite());
    }

    @Test
    void aFinAskedForWhileTheHeaderWaitsFollowsIt() throws Exception {
        MemoryTransport socket = new MemoryTransport();
        byte[] header = ProxyHeaderEncoder.v1(at("127.0.0.5", 7), at("127.0.0.1", 8));
        ProxyHeaderSender sender = new ProxyHeaderSender(socket, header);
        socket.peerTakesAtMost(0);
        sender.shutdownOutput();
        assertFalse(socket.outputShutDown(), "no FIN before the header");
        socket.peerTakesAtMost(Long.MAX_VALUE);
        sender.writeBuffered();
        assertArrayEquals(header, socket.takeCollected());
        assertTrue(socket.outputShutDown());
    }
}
