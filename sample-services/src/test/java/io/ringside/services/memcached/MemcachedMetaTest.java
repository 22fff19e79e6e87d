package io.ringside.services.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringside.testing.HandlerHarness;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Meta protocol transcripts ({@code mg md ma ms}). Every expected reply was taken from Debian's memcached 1.6.18
 * ({@code memcached -u nobody -p PORT -l 127.0.0.1 -m 64}) by sending the same bytes on a fresh connection after
 * {@code flush_all}; cases whose reply holds a CAS unique are checked separately (the numbers are the store's own).
 */
class MemcachedMetaTest {
    private static final String K251 = "k".repeat(251);
    private static final String O33 = "O123456789012345678901234567890123";

    static Stream<Arguments> transcripts() {
        return Stream.of(
                t("mg a\r\n", "EN\r\n"),
                t("mg a v\r\n", "EN\r\n"),
                t("mg a q v\r\nmn\r\n", "MN\r\n"),
                t("set a 5 0 2\r\nhi\r\nmg a\r\n", "STORED\r\nHD\r\n"),
                t("set a 5 100 2\r\nhi\r\nmg a T30 t\r\nmg a t\r\n", "STORED\r\nHD t30\r\nHD t30\r\n"),
                t("mg a k O1 q\r\nmg a k O1\r\n", "EN ka O1\r\n"),
                t("mg YQ== b k v O9\r\n", "EN kYQ== b O9\r\n"),
                t("mg\r\n", "ERROR\r\n"),
                t("mg a zz\r\n", "CLIENT_ERROR invalid flag\r\n"),
                t("mg a vv\r\n", "EN\r\n"),
                t("mg a Tabc\r\n", "CLIENT_ERROR bad token in command line format\r\n"),
                t("mg a " + O33 + "\r\n", "CLIENT_ERROR opaque token too long\r\n"),
                t("mg a b\r\n", "CLIENT_ERROR error decoding key\r\n"),
                t("mg ### b\r\n", "CLIENT_ERROR error decoding key\r\n"),
                t("mg " + K251 + " v\r\n", "CLIENT_ERROR bad command line format\r\n"),
                t("set a 0 0 2\r\nhi\r\nmg a t s v q\r\nmg a q\r\n", "STORED\r\nVA 2 t-1 s2\r\nhi\r\nHD\r\n"),
                t("mg a s t v 1\r\n", "CLIENT_ERROR invalid flag\r\n"),
                t("mg a P L\r\n", "EN\r\n"),
                t("mg a Oabc Oxyz\r\n", "CLIENT_ERROR duplicate flag\r\n"),
                t("set a 0 0 1\r\n1\r\nmg a T-1\r\nmg a\r\n", "STORED\r\nHD\r\nEN\r\n"),
                t("mg a Fabc\r\n", "CLIENT_ERROR bad command line format\r\n"),
                t("mg a Cabc\r\n", "CLIENT_ERROR bad token in command line format\r\n"),
                t("mg a MX k\r\n", "EN ka\r\n"),
                t("mg a O k\r\n", "EN O ka\r\n"),
                t("mg a v noreply\r\n", "CLIENT_ERROR invalid flag\r\n"),
                t("mg  a  v\r\n", "EN\r\n"),
                t("md a\r\n", "NF\r\n"),
                t("md a q\r\nmn\r\n", "NF\r\nMN\r\n"),
                t("set a 0 0 2\r\nhi\r\nmd a q\r\nmg a\r\n", "STORED\r\nEN\r\n"),
                t("set a 0 0 2\r\nhi\r\nmd a k O5\r\n", "STORED\r\nHD ka O5\r\n"),
                t("md a k O5\r\n", "NF ka O5\r\n"),
                t("set a 0 0 2\r\nhi\r\nmd a C1 q\r\nmd a C99999 k\r\n", "STORED\r\nEX\r\nEX ka\r\n"),
                t("md YQ== b k\r\n", "NF kYQ== b\r\n"),
                t("set a 0 0 2\r\nhi\r\nmd YQ== b k\r\n", "STORED\r\nHD kYQ== b\r\n"),
                t("md a zz\r\n", "CLIENT_ERROR invalid or duplicate flag\r\n"),
                t("md a Cabc\r\n", "CLIENT_ERROR invalid or duplicate flag\r\n"),
                t("md\r\n", "ERROR\r\n"),
                t("md a v\r\n", "NF\r\n"),
                t("md a " + O33 + "\r\n", "CLIENT_ERROR opaque token too long\r\n"),
                t("md a O1 q\r\nmn\r\n", "NF O1\r\nMN\r\n"),
                t("md a k k\r\n", "CLIENT_ERROR invalid or duplicate flag\r\n"),
                t("ma a\r\n", "NF\r\n"),
                t("ma a q\r\nmn\r\n", "NF\r\nMN\r\n"),
                t("set a 0 0 2\r\n10\r\nma a\r\nma a v\r\nma a MD D5 v\r\nma a M- D100 v\r\nma a M+ v\r\nma a MI v\r\nma a q\r\nmn\r\n", "STORED\r\nHD\r\nVA 2\r\n12\r\nVA 1\r\n7\r\nVA 1\r\n0\r\nVA 1\r\n1\r\nVA 1\r\n2\r\nMN\r\n"),
                t("set a 0 0 2\r\nhi\r\nma a\r\n", "STORED\r\nCLIENT_ERROR cannot increment or decrement non-numeric value\r\n"),
                t("ma a Dabc\r\n", "CLIENT_ERROR invalid or duplicate flag\r\n"),
                t("ma a MX\r\n", "CLIENT_ERROR invalid mode for ma M token\r\n"),
                t("ma a zz\r\n", "CLIENT_ERROR invalid or duplicate flag\r\n"),
                t("ma a k O1 v\r\n", "NF ka O1\r\n"),
                t("ma a N50 t v k\r\n", "VA 1 t50 ka\r\n0\r\n"),
                t("ma\r\n", "ERROR\r\n"),
                t("ma a D18446744073709551616\r\n", "CLIENT_ERROR invalid or duplicate flag\r\n"),
                t("ma YQ== b k v N0\r\n", "VA 1 kYQ== b\r\n0\r\n"),
                t("set a 0 0 1\r\n1\r\nma a f s h l\r\n", "STORED\r\nHD\r\n"),
                t("ma a " + O33 + "\r\n", "CLIENT_ERROR opaque token too long\r\n"),
                t("ma a N0 q\r\nmn\r\n", "HD\r\nMN\r\n"),
                t("set a 0 0 1\r\n1\r\nma a q v\r\nmn\r\n", "STORED\r\nMN\r\n"),
                t("set a 0 0 20\r\n18446744073709551615\r\nma a v\r\n", "STORED\r\nVA 1\r\n0\r\n"));
    }

    private static Arguments t(String request, String reply) {
        return Arguments.of(request, reply);
    }

    private static String run(String request) {
        HandlerHarness h = MemcachedTesting.harness();
        h.feed(request.getBytes(StandardCharsets.ISO_8859_1));
        assertNull(h.closeReason(), "still open");
        return new String(h.takeOutput(), StandardCharsets.ISO_8859_1);
    }

    @ParameterizedTest
    @MethodSource("transcripts")
    void repliesAsMemcached1618(String request, String reply) {
        assertEquals(reply, run(request));
    }

    @Test
    void mgCasIsTheOneGetsReports() {
        String out = run("set a 0 0 1\r\nx\r\ngets a\r\nmg a c\r\n");
        Matcher m = Pattern.compile("STORED\r\nVALUE a 0 1 (\\d+)\r\nx\r\nEND\r\nHD c(\\d+)\r\n").matcher(out);
        assertTrue(m.matches(), out);
        assertEquals(m.group(1), m.group(2));
    }

    @Test
    void mdWithTheItemsCasDeletesIt() {
        HandlerHarness h = MemcachedTesting.harness();
        h.feed("set a 0 0 1\r\nx\r\nmg a c\r\n".getBytes(StandardCharsets.ISO_8859_1));
        String out = new String(h.takeOutput(), StandardCharsets.ISO_8859_1);
        String cas = out.substring(out.indexOf("HD c") + 4, out.length() - 2);
        h.feed(("md a C" + (Long.parseLong(cas) + 1) + "\r\nmd a C" + cas + " q\r\nmg a\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        assertEquals("EX\r\nEN\r\n", new String(h.takeOutput(), StandardCharsets.ISO_8859_1));
    }

    @Test
    void maReportsTheNewCas() {
        String out = run("set a 0 0 1\r\n1\r\nma a c v\r\ngets a\r\n");
        Matcher m = Pattern.compile("STORED\r\nVA 1 c(\\d+)\r\n2\r\nVALUE a 0 1 (\\d+)\r\n2\r\nEND\r\n").matcher(out);
        assertTrue(m.matches(), out);
        assertEquals(m.group(1), m.group(2));
    }
}
