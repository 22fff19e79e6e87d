package io.ringside.internal.proxy;

import static io.ringside.ProxyHeaderBytes.LOCAL;
import static io.ringside.ProxyHeaderBytes.PROXY;
import static io.ringside.ProxyHeaderBytes.V2_SIGNATURE;
import static io.ringside.ProxyHeaderBytes.concat;
import static io.ringside.ProxyHeaderBytes.tlv;
import static io.ringside.ProxyHeaderBytes.v1;
import static io.ringside.ProxyHeaderBytes.v2;
import static io.ringside.ProxyHeaderBytes.v2Tcp;
import static io.ringside.ProxyHeaderBytes.withCrc32c;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringside.CloseReason;
import io.ringside.ProxyProtocol;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Everything that is not a valid PROXY header is refused ({@link CloseReason#BAD_PROXY_HEADER}, a one-line
 * reason), as soon as the bytes prove it, over any split: junk, malformed lines and addresses, wrong versions,
 * commands and families, oversized or undersized length fields, TLVs running past the header, a wrong CRC32C.
 */
class ProxyHeaderRefusalTest {
    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Input -> a part of the refusal message. */
    private static Map<byte[], String> malformed() {
        Map<byte[], String> m = new LinkedHashMap<>();
        m.put(ascii("GET / HTTP/1.1\r\n\r\n"), "no PROXY header: the connection starts with 0x47 'G'");
        m.put(new byte[] {0x16, 0x03, 0x01, 0x00, (byte) 0xA5}, "starts with 0x16"); // a TLS ClientHello
        m.put(ascii("\n"), "starts with 0x0a");
        m.put(ascii("PROXI TCP4"), "'PROXY ' expected, 0x49 'I' at byte 4");
        m.put(ascii("PROXY\tTCP4"), "'PROXY ' expected, 0x09 at byte 5");
        m.put(v1("PROXY TCP4 127.0.0.1 127.0.0.1 1 2\n").clone(), "bare LF");
        m.put(ascii("PROXY TCP4 127.0.0.1 127.0.0.1 1 2\n"), "bare LF at byte 34");
        m.put(ascii("PROXY TCP4 127.0.0.1 127.0.0.1 1 2\rX"), "CR not followed by LF");
        m.put(ascii("PROXY UNKNOWN " + "a".repeat(200)), "without its CRLF within 107 bytes");
        m.put(v1("PROXY UNKNOWN " + "a".repeat(92)), "without its CRLF within 107 bytes"); // 108 with its CRLF
        m.put(v1("PROXY "), "unknown protocol");
        m.put(v1("PROXY tcp4 127.0.0.1 127.0.0.1 1 2"), "unknown protocol");
        m.put(v1("PROXY TCP5 127.0.0.1 127.0.0.1 1 2"), "unknown protocol");
        m.put(v1("PROXY UNKNOWNX"), "unknown protocol");
        m.put(v1("PROXY TCP4 127.0.0.1 127.0.0.1 1"), "four fields separated by single spaces, not 3");
        m.put(v1("PROXY TCP4 127.0.0.1  127.0.0.1 1 2"), "not 5");
        m.put(v1("PROXY TCP4 127.0.0.1 127.0.0.1 1 2 "), "not 5");
        m.put(v1("PROXY TCP4 127.0.0.01 127.0.0.1 1 2"), "invalid IPv4 address");
        m.put(v1("PROXY TCP4 127.0.0.256 127.0.0.1 1 2"), "invalid IPv4 address");
        m.put(v1("PROXY TCP4 127.0.1 127.0.0.1 1 2"), "invalid IPv4 address");
        m.put(v1("PROXY TCP4 localhost 127.0.0.1 1 2"), "invalid IPv4 address"); // never looked up
        m.put(v1("PROXY TCP4 ::1 127.0.0.1 1 2"), "invalid IPv4 address");
        m.put(v1("PROXY TCP4 127.0.0.1 127.0.0.1 1 2\u00e9"), "invalid port");
        m.put(v1("PROXY TCP6 127.0.0.1 ::1 1 2"), "invalid IPv6 address");
        m.put(v1("PROXY TCP6 fe80::1%lo ::1 1 2"), "invalid IPv6 address");
        m.put(v1("PROXY TCP6 1:2:3:4:5:6:7:8:9 ::1 1 2"), "invalid IPv6 address");
        m.put(v1("PROXY TCP6 1::2::3 ::1 1 2"), "invalid IPv6 address");
        m.put(v1("PROXY TCP6 example.com ::1 1 2"), "invalid IPv6 address");
        m.put(v1("PROXY TCP4 127.0.0.1 127.0.0.1 65536 2"), "invalid port");
        m.put(v1("PROXY TCP4 127.0.0.1 127.0.0.1 080 2"), "invalid port");
        m.put(v1("PROXY TCP4 127.0.0.1 127.0.0.1 -1 2"), "invalid port");
        m.put(v1("PROXY TCP4 127.0.0.1 127.0.0.1 1 +2"), "invalid port");
        m.put(v1("PROXY TCP4 127.0.0.1 127.0.0.1 1 999999"), "invalid port");
        m.put(concat(Arrays.copyOf(V2_SIGNATURE, 11), new byte[] {0x0B}), "v2 signature expected, 0x0b at byte 11");
        m.put(v2(0x11, 0x11, new byte[12]), "version and command 0x11");
        m.put(v2(0x31, 0x11, new byte[12]), "version and command 0x31");
        m.put(v2(0x22, 0x11, new byte[12]), "version and command 0x22");
        m.put(v2(PROXY, 0x41, new byte[12]), "unknown family and protocol 0x41");
        m.put(v2(PROXY, 0x13, new byte[12]), "unknown family and protocol 0x13");
        m.put(v2(LOCAL, 0xFF, new byte[0]), "unknown family and protocol 0xff");
        m.put(v2(PROXY, 0x11, new byte[8]), "TCP4 header of 8 bytes, less than its 12 bytes of addresses");
        m.put(v2(PROXY, 0x21, new byte[35]), "TCP6 header of 35 bytes, less than its 36");
        m.put(v2(PROXY, 0x31, new byte[215]), "UNIX header of 215 bytes, less than its 216");
        m.put(v2Tcp("10.0.0.1", 1, "10.0.0.2", 2, new byte[] {0x04, 0x00}), "TLV cut short: 2 bytes left");
        m.put(v2Tcp("10.0.0.1", 1, "10.0.0.2", 2, new byte[] {0x04, 0x00, 0x05, 1, 2}), "TLV 0x04 of 5 bytes runs past the end of the header");
        m.put(v2Tcp("10.0.0.1", 1, "10.0.0.2", 2, new byte[] {0x01, (byte) 0xFF, (byte) 0xFF}), "TLV 0x01 of 65535 bytes runs past");
        m.put(v2Tcp("10.0.0.1", 1, "10.0.0.2", 2, tlv(0x20, new byte[4])), "SSL TLV of 4 bytes, less than its 5-byte fixed part");
        m.put(v2Tcp("10.0.0.1", 1, "10.0.0.2", 2, tlv(0x20, concat(new byte[5], new byte[] {0x21, 0, 9, 1}))),
                "TLV 0x21 of 9 bytes runs past the end of its SSL TLV");
        m.put(v2Tcp("10.0.0.1", 1, "10.0.0.2", 2, tlv(0x03, new byte[3])), "CRC32C TLV of 3 bytes");
        byte[] badCrc = withCrc32c(v2Tcp("10.0.0.1", 1, "10.0.0.2", 2));
        badCrc[20] ^= 1; // the source address changed after the checksum
        m.put(badCrc, "wrong CRC32C");
        byte[] twoCrc = withCrc32c(withCrc32c(v2Tcp("10.0.0.1", 1, "10.0.0.2", 2)));
        m.put(twoCrc, "repeated");
        return m;
    }

    @Test
    void malformedHeadersAreRefusedWithTheirReasonOverAnySplit() {
        for (Map.Entry<byte[], String> e : malformed().entrySet()) {
            byte[] input = concat(e.getKey(), ascii("after\n"));
            String shown = new String(e.getKey(), StandardCharsets.ISO_8859_1).replace("\r", "\\r").replace("\n", "\\n");
            for (int cut = 0; cut <= input.length; cut++) {
                ProxyReader r = ProxyReader.readCut(ProxyProtocol.ANY, input, cut);
                assertNotNull(r.refused, shown + " cut at " + cut + " was accepted");
                assertEquals(CloseReason.BAD_PROXY_HEADER, r.refused.reason());
                assertTrue(r.refused.getMessage().contains(e.getValue()), shown + ": " + r.refused.getMessage());
                assertFalse(r.transport.established());
                assertEquals(0, r.passed().length, "nothing reaches the handler");
            }
        }
    }

    @Test
    void junkIsRefusedAtItsFirstByteWithoutWaitingForMore() {
        assertNotNull(new ProxyReader(ProxyProtocol.ANY, 4096, 4096).feed(ascii("G")).refused);
        assertNotNull(new ProxyReader(ProxyProtocol.V1, 4096, 4096).feed(ascii("PROXX")).refused);
        assertNotNull(new ProxyReader(ProxyProtocol.V2, 4096, 4096).feed(new byte[] {0x0D, 0x0A, 0x0D, 0x0B}).refused);
        assertNull(new ProxyReader(ProxyProtocol.V1, 4096, 4096).feed(ascii("PROXY TCP4 1")).refused, "a valid start waits");
    }

    @Test
    void aLineWithoutItsCrlfIsRefusedAtByte107AndNotBefore() {
        byte[] line = ascii("PROXY UNKNOWN " + "x".repeat(200));
        ProxyReader r = new ProxyReader(ProxyProtocol.V1, 4096, 4096);
        for (int i = 0; i < 106; i++) {
            r.feed(new byte[] {line[i]});
            assertNull(r.refused, "refused after " + (i + 1) + " bytes");
        }
        r.feed(new byte[] {line[106]});
        assertNotNull(r.refused, "107 bytes without a CRLF");
        ProxyReader exact = ProxyReader.readCut(ProxyProtocol.V1, v1("PROXY UNKNOWN " + "x".repeat(91)));
        assertNull(exact.refused, "a 107-byte line with its CRLF is accepted");
        assertEquals(107, exact.transport.header().length());
    }

    @Test
    void anOversizedLengthFieldIsRefusedOnceItArrivesWithoutReadingTheBlock() {
        for (int length : new int[] {4097, 20_000, 65_535}) {
            byte[] fixed = concat(V2_SIGNATURE, new byte[] {0x21, 0x11, (byte) (length >> 8), (byte) length});
            ProxyReader r = new ProxyReader(ProxyProtocol.V2, ProxyTransportFactory.MAX_V2_LENGTH, 4096)
                    .feed(Arrays.copyOf(fixed, 15));
            assertNull(r.refused, "the length is not known at 15 bytes");
            r.feed(new byte[] {fixed[15]});
            assertNotNull(r.refused, length + " announced");
            assertTrue(r.refused.getMessage().contains("announcing " + length + " bytes of addresses and TLVs (at most 4096"),
                    r.refused.getMessage());
        }
        byte[] atTheBound = v2Tcp("10.0.0.1", 1, "10.0.0.2", 2, tlv(0x04, new byte[4096 - 12 - 3]));
        ProxyReader r = ProxyReader.readCut(ProxyProtocol.V2, atTheBound);
        assertNull(r.refused, "a 4096-byte block is accepted");
        assertEquals(16 + 4096, r.transport.header().length());
        ProxyReader smaller = new ProxyReader(ProxyProtocol.V2, 100, 4096).feed(atTheBound);
        assertNotNull(smaller.refused, "the bound is the factory's");
    }
}
