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
                t("set a 0 0 20\r\n18446744073709551615\r\nma a v\r\n", "STORED\r\nVA 1\r\n0\r\n"),
                t("ms a 2\r\nhi\r\nmg a v f t\r\n", "HD\r\nVA 2 f0 t-1\r\nhi\r\n"),
                t("ms a 2 q\r\nhi\r\nmn\r\n", "MN\r\n"),
                t("ms a 2 ME\r\nhi\r\nms a 2 ME\r\nhi\r\nms a 2 ME q\r\nhi\r\n", "HD\r\nNS\r\nNS\r\n"),
                t("ms a 2 MR\r\nhi\r\nms a 2 MA\r\nhi\r\nms a 2 MP\r\nhi\r\n", "NS\r\nNS\r\nNS\r\n"),
                t("ms a 2\r\nhi\r\nms a 1 MA\r\nx\r\nms a 1 MP\r\ny\r\nms a 1 MR F3\r\nz\r\nmg a v f\r\n", "HD\r\nHD\r\nHD\r\nHD\r\nVA 1 f3\r\nz\r\n"),
                t("ms a 2 C5\r\nhi\r\n", "NF\r\n"),
                t("ms a 2 MX\r\nhi\r\n", "CLIENT_ERROR invalid mode for ms M token\r\n"),
                t("ms a 2 Mset\r\nhi\r\n", "CLIENT_ERROR incorrect length for M token\r\n"),
                t("ms a\r\n", "CLIENT_ERROR bad command line format\r\n"),
                t("ms\r\n", "ERROR\r\n"),
                t("ms a x\r\nhi\r\n", "CLIENT_ERROR bad command line format\r\nERROR\r\n"),
                t("ms a -1\r\n", "CLIENT_ERROR bad command line format\r\n"),
                t("ms a 2 zz\r\nhi\r\n", "CLIENT_ERROR invalid flag\r\n"),
                t("ms a 2 Tabc\r\nhi\r\n", "CLIENT_ERROR bad token in command line format\r\n"),
                t("ms a 2 Fabc\r\nhi\r\n", "CLIENT_ERROR bad command line format\r\n"),
                t("ms a 2\r\nhiX\r\n", "CLIENT_ERROR bad data chunk\r\nERROR\r\n"),
                t("ms YQ== 2 b k\r\nhi\r\nmg YQ== b k v\r\n", "HD kYQ== b\r\nVA 2 kYQ== b\r\nhi\r\n"),
                t("ms a 2 S5\r\nhi\r\n", "CLIENT_ERROR invalid flag\r\n"),
                t("ms a 2 I\r\nhi\r\n", "HD\r\n"),
                t("ms a 2 v f s t h l\r\nhi\r\n", "HD\r\n"),
                t("ms a 2 T-1\r\nhi\r\nmg a\r\n", "HD\r\nEN\r\n"),
                t("ms " + K251 + " 2\r\nhi\r\n", "CLIENT_ERROR bad command line format\r\nERROR\r\n"),
                t("ms a 2 " + O33 + "\r\nhi\r\n", "CLIENT_ERROR opaque token too long\r\n"),
                t("ms a 2 MS\r\nhi\r\nms a 2 Ms\r\nhi\r\nms a 2 Me\r\nhi\r\n", "HD\r\nCLIENT_ERROR invalid mode for ms M token\r\nCLIENT_ERROR invalid mode for ms M token\r\n"),
                t("ms a 2 q k\r\nhi\r\nms a 2 MR q k\r\nhi\r\n", ""),
                t("ms a 2 F-1\r\nhi\r\n", "CLIENT_ERROR bad command line format\r\n"),
                t("ms a 2 F4294967296\r\nhi\r\nmg a f\r\n", "HD\r\nHD f0\r\n"),
                t("ms a 2 T\r\nhi\r\n", "CLIENT_ERROR bad token in command line format\r\n"),
                t("ms a 2 O\r\nhi\r\n", "HD O\r\n"),
                t("ms a 2 C\r\nhi\r\n", "CLIENT_ERROR bad token in command line format\r\n"),
                t("ms a 2 Cabc\r\nhi\r\n", "CLIENT_ERROR bad token in command line format\r\n"),
                t("ms a 2 c c\r\nhi\r\n", "CLIENT_ERROR duplicate flag\r\n"),
                t("ms a 2 C0\r\nhi\r\n", "NF\r\n"),
                t("ms a 0\r\n\r\nmg a s v\r\n", "HD\r\nVA 0 s0\r\n\r\n"),
                t("ms a 2 MR q\r\nhi\r\nmn\r\n", "NS\r\nMN\r\n"),
                t("ms a 2 ME O5 q\r\nhi\r\nms a 2 ME O6 q\r\nhi\r\nmn\r\n", "NS O6\r\nMN\r\n"),
                t("ms a 5 T0\r\nhello\r\nmg a t v s\r\nma a\r\n", "HD\r\nVA 5 t-1 s5\r\nhello\r\nCLIENT_ERROR cannot increment or decrement non-numeric value\r\n"),
                t("set a 0 0 1\r\n1\r\nma a T50 t v\r\nmg a t\r\n", "STORED\r\nVA 1 t50\r\n2\r\nHD t50\r\n"),
                t("set a 0 100 1\r\n1\r\nma a T50\r\nmg a t\r\n", "STORED\r\nHD\r\nHD t50\r\n"),
                t("ma a N30 T50 t\r\nmg a t\r\n", "HD t50\r\nHD t50\r\n"),
                t("set a 0 100 1\r\n1\r\nma a T50 t C1\r\nmg a t\r\n", "STORED\r\nEX\r\nHD t100\r\n"),
                t("set a 0 0 1\r\n1\r\nma a k O1 v t N0 T50\r\n", "STORED\r\nVA 1 ka O1 t-1\r\n2\r\n"),
                t("set a 0 100 1\r\n1\r\nma a T0 t v\r\nmg a t v\r\n", "STORED\r\nVA 1 t-1\r\n2\r\nVA 1 t-1\r\n2\r\n"),
                t("ma a Tabc\r\n", "CLIENT_ERROR invalid or duplicate flag\r\n"),
                t("set a 0 100 1\r\n1\r\nma a T-1 v\r\nmg a\r\n", "STORED\r\nVA 1\r\n2\r\nEN\r\n"),
                t("ma a C5\r\n", "NF\r\n"),
                t("set a 0 0 1\r\n1\r\nma a C5 k O1 v\r\n", "STORED\r\nEX ka O1\r\n"),
                t("set a 0 0 1\r\nx\r\nma a C5\r\n", "STORED\r\nEX\r\n"),
                t("set a 0 0 1\r\n1\r\nma a t T50\r\nmg a t\r\n", "STORED\r\nHD t-1\r\nHD t50\r\n"),
                t("set a 0 0 1\r\n1\r\nma a N0 T50 t\r\nmg a t\r\n", "STORED\r\nHD t50\r\nHD t50\r\n"),
                t("ma a T50 N30 t\r\n", "HD t30\r\n"),
                t("ma a N30 T50 t\r\n", "HD t50\r\n"),
                t("set a 0 100 1\r\n1\r\nmg a t T30\r\nmg a t\r\n", "STORED\r\nHD t100\r\nHD t30\r\n"),
                t("set a 0 100 1\r\n1\r\nmg a T30 v t\r\nmg a t\r\n", "STORED\r\nVA 1 t30\r\n1\r\nHD t30\r\n"));
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
    void msWithTheItemsCasStoresAndReportsTheNewCas() {
        HandlerHarness h = MemcachedTesting.harness();
        h.feed("ms a 1 c\r\nx\r\n".getBytes(StandardCharsets.ISO_8859_1));
        String out = new String(h.takeOutput(), StandardCharsets.ISO_8859_1);
        long cas = Long.parseLong(out.substring(4, out.length() - 2));
        h.feed(("ms a 1 C" + (cas + 1) + " c\r\ny\r\nms a 1 C" + cas + " c\r\nz\r\nmg a c v\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out = new String(h.takeOutput(), StandardCharsets.ISO_8859_1);
        Matcher m = Pattern.compile("EX c0\r\nHD c(\\d+)\r\nVA 1 c(\\d+)\r\nz\r\n").matcher(out);
        assertTrue(m.matches(), out);
        assertEquals(m.group(1), m.group(2));
        assertTrue(Long.parseLong(m.group(1)) != cas, out);
    }

    @Test
    void msSplitAnywhereGivesOneReply() {
        byte[] in = "ms a 5 T0 F9 k\r\nhello\r\nmg a f v\r\n".getBytes(StandardCharsets.ISO_8859_1);
        for (int cut = 1; cut < in.length; cut++) {
            HandlerHarness h = MemcachedTesting.harness();
            h.feed(java.util.Arrays.copyOfRange(in, 0, cut));
            h.feed(java.util.Arrays.copyOfRange(in, cut, in.length));
            assertEquals("HD ka\r\nVA 5 f9\r\nhello\r\n", new String(h.takeOutput(), StandardCharsets.ISO_8859_1),
                    "cut at " + cut);
        }
    }

    @Test
    void aFlagOfOneLineDoesNotLeakIntoTheNext() {
        assertEquals("HD\r\nHD\r\nHD f0 t-1\r\n", run("ms e 2 T-1 F5\r\nhi\r\nms a 2\r\nhi\r\nmg a f t\r\n"));
        assertEquals("NF\r\nHD\r\nVA 1\r\n1\r\nHD\r\n",
                run("ms a 1 C0 MS\r\n1\r\nms a 1\r\n1\r\nma a v D0\r\nmd a\r\n"));
    }

    @Test
    void msTooLargeDropsTheOldValueInEveryMode() {
        String big = "x".repeat(1024 * 1024 + 1);
        assertEquals("HD\r\nSERVER_ERROR object too large for cache\r\nEN\r\n",
                run("ms a 2\r\nhi\r\nms a " + big.length() + " ME\r\n" + big + "\r\nmg a v\r\n"));
    }

    @Test
    void moreThan20TokensAreRefusedBeforeTheFlags() {
        String f17 = " A1 B1 C1 D1 E1 F1 G1 H1 I1 J1 K1 L1 M1 N1 O1 P1 Q1";
        String f18 = f17 + " R1";
        assertEquals("CLIENT_ERROR invalid flag\r\n", run("mg a" + f17 + "\r\n"));
        assertEquals("CLIENT_ERROR options flags are too long\r\n", run("mg a" + f18 + "\r\n"));
        assertEquals("CLIENT_ERROR invalid or duplicate flag\r\n", run("md a" + f17 + "\r\n"));
        assertEquals("CLIENT_ERROR options flags too long\r\n", run("md a" + f18 + "\r\n"));
        assertEquals("CLIENT_ERROR options flags too long\r\n", run("ma a" + f18 + "\r\n"));
        assertEquals("CLIENT_ERROR options flags too long\r\nERROR\r\n", run("ms a 2" + f17 + "\r\nhi\r\n"));
        assertEquals("CLIENT_ERROR invalid flag\r\n", run("ms a 2 A1 B1 C1 D1 E1 F1 G1 H1 I1 J1 K1 L1 M1 N1 O1 P1\r\nhi\r\n"));
    }

    @Test
    void maWithTheItemsCasChangesItEvenWhenTheNumberGrows() {
        HandlerHarness h = MemcachedTesting.harness();
        h.feed("set a 0 0 1\r\n9\r\nmg a c\r\n".getBytes(StandardCharsets.ISO_8859_1));
        String out = new String(h.takeOutput(), StandardCharsets.ISO_8859_1);
        long cas = Long.parseLong(out.substring(out.indexOf("HD c") + 4, out.length() - 2));
        h.feed(("ma a C" + (cas + 1) + " v\r\nma a C" + cas + " v c\r\ngets a\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out = new String(h.takeOutput(), StandardCharsets.ISO_8859_1);
        Matcher m = Pattern.compile("EX\r\nVA 2 c(\\d+)\r\n10\r\nVALUE a 0 2 (\\d+)\r\n10\r\nEND\r\n").matcher(out);
        assertTrue(m.matches(), out);
        assertEquals(m.group(1), m.group(2));
        h.feed(("ma a C" + cas + " v\r\nma a C" + m.group(1) + " v MD\r\n").getBytes(StandardCharsets.ISO_8859_1));
        assertEquals("EX\r\nVA 1\r\n9\r\n", new String(h.takeOutput(), StandardCharsets.ISO_8859_1));
    }

    @Test
    void maReportsTheNewCas() {
        String out = run("set a 0 0 1\r\n1\r\nma a c v\r\ngets a\r\n");
        Matcher m = Pattern.compile("STORED\r\nVA 1 c(\\d+)\r\n2\r\nVALUE a 0 1 (\\d+)\r\n2\r\nEND\r\n").matcher(out);
        assertTrue(m.matches(), out);
        assertEquals(m.group(1), m.group(2));
    }
}
