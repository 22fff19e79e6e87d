package io.ringside.internal.proxy;

import static io.ringside.ProxyHeaderBytes.LOCAL;
import static io.ringside.ProxyHeaderBytes.PROXY;
import static io.ringside.ProxyHeaderBytes.concat;
import static io.ringside.ProxyHeaderBytes.tlv;
import static io.ringside.ProxyHeaderBytes.v1;
import static io.ringside.ProxyHeaderBytes.v2;
import static io.ringside.ProxyHeaderBytes.v2Tcp;
import static io.ringside.ProxyHeaderBytes.withCrc32c;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringside.ProxyProtocol;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The PROXY header transport over an in-memory peer: every header of both versions (IPv4, IPv6, UNKNOWN,
 * LOCAL, UNIX, UNSPEC, TLVs) read over every split into two and three reads gives the same header, becomes
 * established exactly when its last byte arrives, and hands on the bytes after it unchanged.
 */
class ProxyHeaderTransportTest {
    private static final byte[] PAYLOAD = "hello\r\nworld\n".getBytes(StandardCharsets.US_ASCII);
    private static final String MAX_V6 = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";

    /** One header to read, the versions that may read it, and what it must decode to (null: the peer's addresses). */
    private record Case(String name, byte[] header, ProxyProtocol only, String kind, String source, String destination) {
    }

    private static List<Case> cases() {
        byte[] unixPaths = new byte[216];
        System.arraycopy("/run/client.sock".getBytes(StandardCharsets.US_ASCII), 0, unixPaths, 0, 16);
        byte[] ssl = concat(new byte[] {0x07, 0, 0, 0, 0}, tlv(0x21, "TLSv1.3".getBytes(StandardCharsets.US_ASCII)),
                tlv(0x22, "client.example".getBytes(StandardCharsets.US_ASCII)));
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("v1 TCP4", v1("PROXY TCP4 127.0.0.5 127.0.0.1 56324 40713"), ProxyProtocol.V1, "TCP4",
                "127.0.0.5:56324", "127.0.0.1:40713"));
        cases.add(new Case("v1 TCP4 max", v1("PROXY TCP4 255.255.255.255 255.255.255.255 65535 65535"), ProxyProtocol.V1, "TCP4",
                "255.255.255.255:65535", "255.255.255.255:65535"));
        cases.add(new Case("v1 TCP4 zeros", v1("PROXY TCP4 0.0.0.0 10.0.0.1 0 1"), ProxyProtocol.V1, "TCP4", "0.0.0.0:0", "10.0.0.1:1"));
        cases.add(new Case("v1 TCP6", v1("PROXY TCP6 2001:db8::5 2001:DB8:0:0:0:0:0:1 56324 443"), ProxyProtocol.V1, "TCP6",
                "[2001:db8::5]:56324", "[2001:db8::1]:443"));
        cases.add(new Case("v1 TCP6 max (104 bytes)", v1("PROXY TCP6 " + MAX_V6 + " " + MAX_V6 + " 65535 65535"), ProxyProtocol.V1, "TCP6",
                "[" + MAX_V6 + "]:65535", "[" + MAX_V6 + "]:65535"));
        cases.add(new Case("v1 TCP6 IPv4-mapped", v1("PROXY TCP6 ::ffff:127.0.0.5 ::1 1 2"), ProxyProtocol.V1, "TCP6",
                "127.0.0.5:1", "[::1]:2"));
        cases.add(new Case("v1 UNKNOWN", v1("PROXY UNKNOWN"), ProxyProtocol.V1, "UNKNOWN", null, null));
        cases.add(new Case("v1 UNKNOWN worst case (107 bytes)", v1("PROXY UNKNOWN " + MAX_V6 + " " + MAX_V6 + " 65535 65535"),
                ProxyProtocol.V1, "UNKNOWN", null, null));
        cases.add(new Case("v2 TCP4", v2Tcp("127.0.0.5", 56324, "127.0.0.1", 40713), ProxyProtocol.V2, "TCP4",
                "127.0.0.5:56324", "127.0.0.1:40713"));
        cases.add(new Case("v2 TCP6", v2Tcp("2001:db8::5", 1, "2001:db8::1", 65535), ProxyProtocol.V2, "TCP6",
                "[2001:db8::5]:1", "[2001:db8::1]:65535"));
        cases.add(new Case("v2 TCP4 with TLVs and CRC32C", withCrc32c(v2Tcp("10.1.2.3", 4000, "10.0.0.1", 443,
                tlv(0x01, "h2".getBytes(StandardCharsets.US_ASCII)), tlv(0x02, "example.com".getBytes(StandardCharsets.US_ASCII)),
                tlv(0x04, new byte[0]), tlv(0x05, new byte[128]), tlv(0x20, ssl), tlv(0x30, "ns1".getBytes(StandardCharsets.US_ASCII)),
                tlv(0xE0, new byte[7]))), ProxyProtocol.V2, "TCP4", "10.1.2.3:4000", "10.0.0.1:443"));
        cases.add(new Case("v2 as HAProxy 2.6.12 sends it (send-proxy-v2 proxy-v2-options crc32c,unique-id)",
                com.google.common.io.BaseEncoding.base16().lowerCase().decode(
                        "0d0a0d0a000d0a515549540a211100167f0000057f000001e9eb8ab7030004882bd9b4050000"),
                ProxyProtocol.V2, "TCP4", "127.0.0.5:59883", "127.0.0.1:35511"));
        cases.add(new Case("v2 UDP4", v2(PROXY, 0x12, new byte[12]), ProxyProtocol.V2, "UDP4", null, null));
        cases.add(new Case("v2 UNIX stream", v2(PROXY, 0x31, unixPaths), ProxyProtocol.V2, "UNIX", null, null));
        cases.add(new Case("v2 UNIX datagram with a TLV", v2(PROXY, 0x32, concat(unixPaths, tlv(0x04, new byte[3]))),
                ProxyProtocol.V2, "UNIX", null, null));
        cases.add(new Case("v2 UNSPEC", v2(PROXY, 0x00, new byte[0]), ProxyProtocol.V2, "UNSPEC", null, null));
        cases.add(new Case("v2 UNSPEC with bytes", v2(PROXY, 0x10, new byte[] {1, 2, 3, 4, 5}), ProxyProtocol.V2, "UNSPEC", null, null));
        cases.add(new Case("v2 LOCAL", v2(LOCAL, 0x00, new byte[0]), ProxyProtocol.V2, "LOCAL", null, null));
        cases.add(new Case("v2 LOCAL with addresses", v2(LOCAL, 0x11, concat(new byte[12], new byte[] {(byte) 0xFF, 0, 9})),
                ProxyProtocol.V2, "LOCAL", null, null));
        return cases;
    }

    @Test
    void everyHeaderOverEverySplitIntoTwoAndThreeReads() {
        int runs = 0;
        for (Case c : cases()) {
            byte[] input = concat(c.header(), PAYLOAD);
            for (ProxyProtocol mode : List.of(c.only(), ProxyProtocol.ANY)) {
                for (int i = 0; i <= input.length; i++) {
                    check(c, mode, input, new int[] {i});
                    for (int j = i; j <= input.length; j++) {
                        check(c, mode, input, new int[] {i, j});
                        runs++;
                    }
                }
                int[] everyByte = new int[input.length - 1];
                Arrays.setAll(everyByte, k -> k + 1);
                check(c, mode, input, everyByte);
            }
        }
        assertTrue(runs > 100_000, "splits checked: " + runs);
    }

    private static void check(Case c, ProxyProtocol mode, byte[] input, int[] cuts) {
        String what = c.name() + " (" + mode + ") cut at " + Arrays.toString(cuts);
        ProxyReader r = ProxyReader.readCut(mode, input, cuts);
        assertNull(r.refused, () -> what + ": " + r.refused);
        int expectedAt = input.length;
        for (int cut : cuts) {
            if (cut >= c.header().length) {
                expectedAt = cut;
                break;
            }
        }
        assertEquals(expectedAt, r.establishedAfter, what + ": established after the header's last byte, not before");
        assertArrayEquals(PAYLOAD, r.passed(), what + ": the bytes after the header");
        assertTrue(r.transport.passesThrough(), what + ": a pass-through once everything was handed on");
        ProxyHeader h = r.transport.header();
        assertEquals(c.kind(), h.kind(), what);
        assertEquals(c.header().length, h.length(), what);
        assertEquals(c.header()[0] == 'P' ? 1 : 2, h.version(), what);
        InetSocketAddress peer = r.peer.remoteAddress();
        assertEquals(c.source() == null ? peer.toString() : "/" + c.source(), text(r.transport.remoteAddress()), what);
        assertEquals(c.destination() == null ? r.peer.localAddress().toString() : "/" + c.destination(),
                text(r.transport.localAddress()), what);
        assertEquals(peer, r.transport.proxyAddress(), what);
    }

    /** An address as "/ip:port" with IPv6 in brackets and compressed, as the cases write it. */
    private static String text(InetSocketAddress a) {
        if (a.isUnresolved()) {
            return a.toString();
        }
        String host = a.getAddress().getHostAddress();
        if (host.contains(":")) {
            host = "[" + com.google.common.net.InetAddresses.toAddrString(a.getAddress()) + "]";
        }
        return "/" + host + ":" + a.getPort();
    }

    @Test
    void theWrongVersionIsRefusedAtItsFirstByte() {
        for (Case c : cases()) {
            ProxyProtocol other = c.only() == ProxyProtocol.V1 ? ProxyProtocol.V2 : ProxyProtocol.V1;
            ProxyReader r = new ProxyReader(other, ProxyTransportFactory.MAX_V2_LENGTH, 4096).feed(new byte[] {c.header()[0]});
            assertNotNull(r.refused, c.name() + " on a " + other + " listener");
            assertTrue(r.refused.getMessage().contains("but the listener expects " + other), r.refused.getMessage());
        }
    }

    @Test
    void bytesPastTheHeaderReachASmallReaderInPiecesWithNothingLost() {
        byte[] input = concat(v1("PROXY TCP4 127.0.0.5 127.0.0.1 1 2"), PAYLOAD);
        ProxyReader r = new ProxyReader(ProxyProtocol.V1, ProxyTransportFactory.MAX_V2_LENGTH, 3).feed(input);
        assertArrayEquals(PAYLOAD, r.passed());
        assertTrue(r.transport.passesThrough());
        r.feed("more".getBytes(StandardCharsets.US_ASCII));
        assertEquals("hello\r\nworld\nmore", new String(r.passed(), StandardCharsets.US_ASCII));
    }

    @Test
    void aLongVersion2HeaderGrowsTheBufferToItsLengthAndReadsNothingPastIt() {
        byte[] header = v2Tcp("10.0.0.9", 9, "10.0.0.1", 1, tlv(0x04, new byte[3000]));
        byte[] input = concat(header, PAYLOAD);
        ProxyReader r = new ProxyReader(ProxyProtocol.V2, ProxyTransportFactory.MAX_V2_LENGTH, 4096).feed(input);
        assertNull(r.refused);
        assertEquals(input.length, r.establishedAfter);
        assertEquals("/10.0.0.9:9", r.transport.remoteAddress().toString());
        assertArrayEquals(PAYLOAD, r.passed());
    }

    @Test
    void anEndOfStreamBeforeAnyByteIsThePeerLeavingNotABadHeader() {
        ProxyReader r = new ProxyReader(ProxyProtocol.ANY, ProxyTransportFactory.MAX_V2_LENGTH, 4096).end();
        assertTrue(r.endOfStream);
        assertNull(r.refused);
        assertFalse(r.transport.established());
    }

    @Test
    void aHeaderCutShortByTheEndOfStreamIsRefused() {
        for (Case c : cases()) {
            for (int cut = 1; cut < c.header().length; cut++) {
                ProxyReader r = new ProxyReader(ProxyProtocol.ANY, ProxyTransportFactory.MAX_V2_LENGTH, 4096)
                        .feed(Arrays.copyOf(c.header(), cut));
                assertNull(r.refused, c.name() + " cut at " + cut + " is not refused before its end");
                assertFalse(r.transport.established(), c.name() + " cut at " + cut);
                r.end();
                assertNotNull(r.refused, c.name() + " cut at " + cut + ", then the end of stream");
                assertTrue(r.refused.getMessage().startsWith("end of stream after " + cut + " bytes"), r.refused.getMessage());
            }
        }
    }
}
