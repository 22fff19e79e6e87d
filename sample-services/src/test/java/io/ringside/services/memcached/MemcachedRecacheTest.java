package io.ringside.services.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringside.services.memcached.store.StoreClock;
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
 * The meta protocol's recache and invalidation machinery ({@code mg N R} and the {@code W X Z} flags, {@code md I},
 * {@code ms I} and {@code C} in every mode), {@code mg u}, base64 keys remembered by the item, and {@code me}.
 * Every expected reply was taken from Debian's memcached 1.6.18 ({@code memcached -u nobody -p PORT -l 127.0.0.1
 * -m 64}) by sending the same bytes on a fresh connection after {@code flush_all}; replies with a CAS unique or a
 * time that may tick are checked by pattern.
 */
class MemcachedRecacheTest {
    /** A clock that does not tick: the replies hold TTLs and access times, taken from memcached within one second. */
    private static final StoreClock FROZEN = () -> 1_800_000_000_000L;

    private static HandlerHarness harness() {
        return MemcachedTesting.harness(MemcachedTesting.context(FROZEN));
    }

    static Stream<Arguments> transcripts() {
        return Stream.of(
                t("mg a N30\r\nmg a N30\r\nmg a v s f\r\n", "HD W\r\nHD Z\r\nVA 0 s0 f0 Z\r\n\r\n"),
                t("mg a N30 t\r\nmg a t\r\n", "HD t30 W\r\nHD t30 Z\r\n"),
                t("mg a t N30\r\n", "HD t-1 W\r\n"),
                t("mg a N30 T60 t\r\nmg a t\r\n", "HD t60 W\r\nHD t60 Z\r\n"),
                t("mg a T60 N30 t\r\n", "HD t30 W\r\n"),
                t("mg a N30 q v k O9\r\nmg a q\r\nmn\r\n", "VA 0 ka O9 W\r\n\r\nHD Z\r\nMN\r\n"),
                t("mg a N30 h l\r\nmg a h\r\n", "HD h0 l0 W\r\nHD h1 Z\r\n"),
                t("mg a Nabc\r\n", "CLIENT_ERROR bad token in command line format\r\n"),
                t("mg a N\r\n", "CLIENT_ERROR bad token in command line format\r\n"),
                t("mg a R30 v\r\n", "EN\r\n"),
                t("mg a Rabc\r\n", "CLIENT_ERROR bad token in command line format\r\n"),
                t("set a 0 20 1\r\nx\r\nmg a R30 v\r\nmg a R30 v\r\nmg a R10\r\n", "STORED\r\nVA 1 W\r\nx\r\nVA 1 Z\r\nx\r\nHD Z\r\n"),
                t("set a 0 0 1\r\nx\r\nmg a R30\r\n", "STORED\r\nHD\r\n"),
                t("set a 0 50 1\r\nx\r\nmg a R30\r\nmg a R60 t\r\nmg a R60\r\n", "STORED\r\nHD\r\nHD t50 W\r\nHD Z\r\n"),
                t("set a 0 0 1\r\nx\r\nmg a T10 R30\r\nmg a R30\r\n", "STORED\r\nHD W\r\nHD Z\r\n"),
                t("set a 0 0 1\r\nx\r\nmg a R30 T10\r\nmg a R30\r\n", "STORED\r\nHD\r\nHD W\r\n"),
                t("set a 0 0 1\r\nx\r\nmg a N30 R30\r\n", "STORED\r\nHD\r\n"),
                t("set a 0 0 2\r\nhi\r\nmd a I\r\nmg a v\r\nmg a\r\nmg a q k\r\n", "STORED\r\nHD\r\nVA 2 X W\r\nhi\r\nHD Z X\r\nHD ka Z X\r\n"),
                t("set a 0 0 2\r\nhi\r\nmd a I q\r\nmn\r\n", "STORED\r\nMN\r\n"),
                t("set a 0 0 2\r\nhi\r\nmd a I T30\r\nmg a t\r\n", "STORED\r\nHD\r\nHD t30 X W\r\n"),
                t("set a 0 0 2\r\nhi\r\nmd a T30\r\nmg a\r\n", "STORED\r\nHD\r\nEN\r\n"),
                t("md a I\r\n", "NF\r\n"),
                t("md a I q\r\n", "NF\r\n"),
                t("set a 0 0 2\r\nhi\r\nmd a I C1 k O2\r\n", "STORED\r\nEX ka O2\r\n"),
                t("set a 0 0 2\r\nhi\r\nmd a I\r\nmg a\r\nmd a I\r\nmg a\r\nmg a\r\n", "STORED\r\nHD\r\nHD X W\r\nHD\r\nHD X W\r\nHD Z X\r\n"),
                t("set a 0 0 2\r\nhi\r\nmd a I\r\nset a 0 0 2\r\nho\r\nmg a v\r\n", "STORED\r\nHD\r\nSTORED\r\nVA 2\r\nho\r\n"),
                t("set a 0 0 2\r\nhi\r\nmd a I\r\nappend a 0 0 1\r\nx\r\nmg a v\r\n", "STORED\r\nHD\r\nSTORED\r\nVA 3\r\nhix\r\n"),
                t("set a 0 0 2\r\n10\r\nmd a I\r\nincr a 1\r\nmg a v\r\nincr a 100\r\nmg a v\r\n", "STORED\r\nHD\r\n11\r\nVA 2 X W\r\n11\r\n111\r\nVA 3\r\n111\r\n"),
                t("set a 0 0 2\r\nhi\r\nmd a I\r\ntouch a 100\r\nmg a\r\nmg a T10 N5 R30 v\r\n", "STORED\r\nHD\r\nTOUCHED\r\nHD X W\r\nVA 2 Z X\r\nhi\r\n"),
                t("set a 0 0 2\r\nhi\r\nmd a I\r\nmd a\r\nmg a\r\n", "STORED\r\nHD\r\nHD\r\nEN\r\n"),
                t("set a 0 0 2\r\nhi\r\nmd a I\r\nms a 2\r\nho\r\nmg a v\r\n", "STORED\r\nHD\r\nHD\r\nVA 2\r\nho\r\n"),
                t("ms a 2 ME C5\r\nzz\r\nms a 2 ME C5\r\nzz\r\nmg a v\r\n", "HD\r\nNS\r\nVA 2\r\nzz\r\n"),
                t("set a 0 0 2\r\nhi\r\nms a 2 MA C5\r\nzz\r\nms a 2 MP C5\r\nzz\r\nms a 2 MR C5\r\nzz\r\nms a 2 MS C5\r\nzz\r\nms a 2 C5 I\r\nzz\r\nmg a v\r\n", "STORED\r\nEX\r\nEX\r\nEX\r\nEX\r\nHD\r\nVA 2 X W\r\nzz\r\n"),
                t("ms a 2 MR C5\r\naa\r\nms a 2 MA C5\r\naa\r\nms a 2 MP C5\r\naa\r\nms a 2 MS C5\r\naa\r\nms a 2 C5 I\r\naa\r\n", "NF\r\nNS\r\nNS\r\nNF\r\nNF\r\n"),
                t("set a 0 0 2\r\nhi\r\nms a 2 MA C0\r\nzz\r\nms a 2 MP C0 I\r\naa\r\nmg a v\r\n", "STORED\r\nHD\r\nHD\r\nVA 6\r\naahizz\r\n"),
                t("set a 0 0 2\r\nhi\r\nms a 2 I\r\nho\r\nmg a v\r\n", "STORED\r\nHD\r\nVA 2\r\nho\r\n"),
                t("ms YQ== 2 b\r\nhi\r\nmg a k\r\nmg YQ== b k\r\nset a 0 0 1\r\nx\r\nmg a k\r\n", "HD\r\nHD kYQ== b\r\nHD kYQ== b\r\nSTORED\r\nHD ka\r\n"),
                t("mg YQ== b N30 k\r\nmg a k\r\n", "HD ka W\r\nHD ka Z\r\n"),
                t("set a 0 0 1\r\nx\r\nmg YQ== b k\r\n", "STORED\r\nHD ka\r\n"),
                t("ms YR== 1 b k\r\n1\r\nmd YR== b k\r\n", "HD kYQ== b\r\nHD kYQ== b\r\n"),
                t("ms YQ== 2 b\r\nhi\r\nms YQ== 1 b MA\r\nx\r\nmg a k v\r\n", "HD\r\nHD\r\nVA 3 ka\r\nhix\r\n"),
                t("ms YQ== 1 b\r\n1\r\nma a\r\nmg a k v\r\nma a D100\r\nmg a k v\r\n", "HD\r\nHD\r\nVA 1 kYQ== b\r\n2\r\nHD\r\nVA 3 ka\r\n102\r\n"),
                t("ms YQ== 2 b\r\nhi\r\nappend a 0 0 1\r\nx\r\nmg a k\r\n", "HD\r\nSTORED\r\nHD ka\r\n"),
                t("set a 0 0 2\r\nhi\r\nmg a u h\r\nmg a h\r\nmg a h\r\n", "STORED\r\nHD h0\r\nHD h0\r\nHD h1\r\n"),
                t("set a 0 0 2\r\nhi\r\nmg a u v\r\nmg a h\r\n", "STORED\r\nVA 2\r\nhi\r\nHD h0\r\n"),
                t("me a\r\n", "EN\r\n"),
                t("me\r\n", "CLIENT_ERROR bad command line format\r\n"),
                t("me a b\r\n", "CLIENT_ERROR bad command line format\r\n"),
                t("me ### b\r\n", "CLIENT_ERROR bad command line format\r\n"),
                t("me YQ== b\r\n", "EN\r\n"),
                t("ma t2 t N30 T50\r\nmg t2 t\r\n", "HD t-1\r\nHD t50\r\n"),
                t("ma t2 N30 t T50\r\n", "HD t30\r\n"),
                t("ma t2 T50 t N30\r\n", "HD t50\r\n"),
                t("set a 0 100 1\r\n1\r\nma a t T50 t\r\n", "STORED\r\nCLIENT_ERROR invalid or duplicate flag\r\n"),
                t("ma a q N0 T-1\r\nmg a\r\n", "HD\r\nEN\r\n"),
                // A TTL in the past read back in memcached's first second: expiry 1 on a clock that starts at 62.
                t("ma a N-1 t\r\nma b N0 T-1 t\r\n", "HD t4294967235\r\nHD t4294967235\r\n"));
    }

    /**
     * Which error a meta line with several faults gets, and what a too long opaque lets happen first: as memcached
     * 1.6.18's flag pre-parse (an unknown or repeated flag at once, otherwise the last bad token or key), then each
     * command's own checks ({@code O} over 32 bytes with its letter: {@code md} before the lookup, {@code ms} after
     * the mode, {@code mg} and {@code ma} while the reply is written, so {@code T N} before it and {@code ma}'s
     * change still happen).
     */
    static Stream<Arguments> errorPrecedence() {
        return Stream.of(
                t("mg a O12345678901234567890123456789012\r\n", "CLIENT_ERROR opaque token too long\r\n"),
                t("mg a O1234567890123456789012345678901\r\n", "EN O1234567890123456789012345678901\r\n"),
                t("md a O12345678901234567890123456789012\r\n", "CLIENT_ERROR opaque token too long\r\n"),
                t("mg ### b Tx\r\n", "CLIENT_ERROR bad token in command line format\r\n"),
                t("mg ### Tx b\r\n", "CLIENT_ERROR error decoding key\r\n"),
                t("mg a Tx Nx\r\n", "CLIENT_ERROR bad token in command line format\r\n"),
                t("mg a Fx Tx\r\n", "CLIENT_ERROR bad token in command line format\r\n"),
                t("mg a Tx zz\r\n", "CLIENT_ERROR invalid flag\r\n"),
                t("mg a Tx T1\r\n", "CLIENT_ERROR duplicate flag\r\n"),
                t("mg a O12345678901234567890123456789012 Tx\r\n", "CLIENT_ERROR bad token in command line format\r\n"),
                t("ma a O12345678901234567890123456789012 N0\r\nmg a\r\n", "CLIENT_ERROR opaque token too long\r\nHD\r\n"),
                t("set c 0 0 1\r\n5\r\nma c O12345678901234567890123456789012\r\nmg c v\r\n", "STORED\r\nCLIENT_ERROR opaque token too long\r\nVA 1\r\n6\r\n"),
                t("set c 0 0 1\r\nx\r\nma c O12345678901234567890123456789012\r\n", "STORED\r\nCLIENT_ERROR cannot increment or decrement non-numeric value\r\n"),
                t("mg d N30 O12345678901234567890123456789012\r\nmg d\r\n", "CLIENT_ERROR opaque token too long\r\nHD\r\n"),
                t("set e 0 0 1\r\n5\r\nmg e T30 O12345678901234567890123456789012\r\nmg e t\r\n", "STORED\r\nCLIENT_ERROR opaque token too long\r\nHD t30\r\n"),
                t("set e 0 0 1\r\n5\r\nmg e O12345678901234567890123456789012 T30\r\nmg e t\r\n", "STORED\r\nCLIENT_ERROR opaque token too long\r\nHD t-1\r\n"),
                t("ms a 2 O12345678901234567890123456789012 MX\r\nhi\r\n", "CLIENT_ERROR invalid mode for ms M token\r\n"),
                t("set a 0 0 1\r\n1\r\nms a 2 O12345678901234567890123456789012\r\nhi\r\nmg a v\r\n", "STORED\r\nCLIENT_ERROR opaque token too long\r\nVA 1\r\n1\r\n"),
                t("ms a 2 Tx MX\r\nhi\r\n", "CLIENT_ERROR bad token in command line format\r\n"),
                t("ms ### 2 b MX\r\nhi\r\n", "CLIENT_ERROR error decoding key\r\n"),
                t("ms ### 2 MX b\r\nhi\r\n", "CLIENT_ERROR error decoding key\r\n"),
                t("md ### b\r\n", "CLIENT_ERROR invalid or duplicate flag\r\n"),
                t("md a Cx O12345678901234567890123456789012\r\n", "CLIENT_ERROR invalid or duplicate flag\r\n"),
                t("ma ### b\r\n", "CLIENT_ERROR invalid or duplicate flag\r\n"),
                t("ms a 2 MX Tx\r\nhi\r\n", "CLIENT_ERROR bad token in command line format\r\n"),
                t("mg a Mxx Tx\r\n", "CLIENT_ERROR bad token in command line format\r\n"),
                t("mg a Rx T0 f R\r\n", "CLIENT_ERROR duplicate flag\r\n"),
                t("ma b k b\r\n", "CLIENT_ERROR invalid or duplicate flag\r\n"),
                t("set a 0 0 3\r\nabc\r\nma a C5\r\n", "STORED\r\nEX\r\n"),
                t("set a 0 0 0\r\n\r\nma a C5\r\n", "STORED\r\nCLIENT_ERROR cannot increment or decrement non-numeric value\r\n"),
                t("set a 0 0 1\r\n1\r\nma a C0 v\r\n", "STORED\r\nVA 1\r\n2\r\n"),
                t("set a 0 0 1\r\n1\r\nmd a C0\r\n", "STORED\r\nEX\r\n"),
                t("set a 0 0 1\r\n1\r\nms a 1 C0\r\n2\r\n", "STORED\r\nEX\r\n"),
                t("mg a Jx\r\n", "CLIENT_ERROR invalid numeric initial value\r\n"),
                t("mg a Dx\r\n", "CLIENT_ERROR invalid numeric delta value\r\n"),
                t("mg a Fx\r\n", "CLIENT_ERROR bad command line format\r\n"),
                t("mg a Tx Fx\r\n", "CLIENT_ERROR bad token in command line format\r\n"),
                t("mg a Fx Cx\r\n", "CLIENT_ERROR bad token in command line format\r\n"),
                t("mg a Jx Tx\r\n", "CLIENT_ERROR bad token in command line format\r\n"),
                t("mg a Tx Jx\r\n", "CLIENT_ERROR invalid numeric initial value\r\n"),
                t("mg a Mxx Fx\r\n", "CLIENT_ERROR incorrect length for M token\r\n"),
                t("ms a 1 Jx\r\n1\r\n", "CLIENT_ERROR invalid numeric initial value\r\n"),
                t("ms a 16 b F-1\r\nxxxxxxxxxxxxxxxx\r\n", "CLIENT_ERROR error decoding key\r\n"),
                t("ms c 22 b Tx F18446744073709551616 Oo861\r\nxxxxxxxxxxxxxxxxxxxxxx\r\n", "CLIENT_ERROR bad token in command line format\r\n"));
    }

    @ParameterizedTest
    @MethodSource("errorPrecedence")
    void errorsTakePrecedenceAsInMemcached1618(String request, String reply) {
        assertEquals(reply, run(request));
    }

    private static Arguments t(String request, String reply) {
        return Arguments.of(request, reply);
    }

    private static String run(HandlerHarness h, String request) {
        h.feed(request.getBytes(StandardCharsets.ISO_8859_1));
        assertNull(h.closeReason(), "still open");
        return new String(h.takeOutput(), StandardCharsets.ISO_8859_1);
    }

    private static String run(String request) {
        return run(harness(), request);
    }

    @ParameterizedTest
    @MethodSource("transcripts")
    void repliesAsMemcached1618(String request, String reply) {
        assertEquals(reply, run(request));
    }

    /** The CAS unique of the one {@code HD c<cas>} (or {@code VA n c<cas>}) line of a reply. */
    private static long cas(String reply) {
        Matcher m = Pattern.compile("(?:HD|VA \\d+) c(\\d+)").matcher(reply);
        assertTrue(m.find(), reply);
        return Long.parseLong(m.group(1));
    }

    @Test
    void mdIGivesANewCasAndMsWithTheOldOneStoresStale() {
        HandlerHarness h = harness();
        long first = cas(run(h, "set a 0 100 2\r\nhi\r\nmg a c\r\n"));
        assertEquals("HD\r\n", run(h, "md a I\r\n"));
        String stale = run(h, "mg a c t\r\n");
        long second = cas(stale);
        assertTrue(second != first, stale);
        assertTrue(stale.matches("HD c\\d+ t100 X W\r\n"), stale);
        // The recache with the CAS it read before the invalidation: lower than the item's, so stored, stale, with
        // the old TTL (T is ignored) and the token still taken.
        assertTrue(run(h, "ms a 2 C" + first + " I T5000 c\r\nho\r\n").matches("HD c\\d+\r\n"));
        String after = run(h, "mg a v t\r\n");
        assertEquals("VA 2 t100 Z X\r\nho\r\n", after);
        // With the current CAS the value is fresh again.
        long third = cas(run(h, "mg a c\r\n"));
        assertEquals("HD\r\n", run(h, "ms a 2 C" + third + " I\r\nok\r\n"));
        assertEquals("VA 2\r\nok\r\n", run(h, "mg a v\r\n"));
        // A CAS above the item's is refused, I or not.
        assertEquals("EX\r\n", run(h, "ms a 2 C" + (cas(run(h, "mg a c\r\n")) + 1) + " I\r\nno\r\n"));
    }

    @Test
    void mdIWithTheItemsCasMarksItAndADifferentOneDoesNot() {
        HandlerHarness h = harness();
        long c = cas(run(h, "set a 0 0 2\r\nhi\r\nmg a c\r\n"));
        assertEquals("EX ka\r\n", run(h, "md a I C" + (c + 1) + " k\r\n"));
        assertEquals("HD\r\n", run(h, "mg a\r\n"));
        assertEquals("HD ka\r\n", run(h, "md a I C" + c + " k\r\n"));
        assertEquals("HD X W\r\n", run(h, "mg a\r\n"));
    }

    @Test
    void msAppendComparesANonZeroCas() {
        HandlerHarness h = harness();
        long c = cas(run(h, "set a 0 0 2\r\nhi\r\nmg a c\r\n"));
        assertEquals("EX\r\n", run(h, "ms a 1 MA C" + (c + 1) + "\r\nx\r\n"));
        assertEquals("HD\r\n", run(h, "ms a 1 MA C" + c + "\r\nx\r\n"));
        assertEquals("HD\r\n", run(h, "ms a 1 MP C0\r\ny\r\n"));
        assertEquals("VA 4\r\nyhix\r\n", run(h, "mg a v\r\n"));
        long d = cas(run(h, "mg a c\r\n"));
        assertEquals("HD\r\n", run(h, "ms a 2 MR C" + d + "\r\nzz\r\n"));
        assertEquals("VA 2\r\nzz\r\n", run(h, "mg a v\r\n"));
    }

    @Test
    void anAppendAfterACasCommandComparesNothing() {
        HandlerHarness h = harness();
        assertEquals("STORED\r\nNOT_FOUND\r\nSTORED\r\nVALUE a 0 3\r\nhix\r\nEND\r\n",
                run(h, "set a 0 0 2\r\nhi\r\ncas zz 0 0 1 12345\r\nx\r\nappend a 0 0 1\r\nx\r\nget a\r\n"));
    }

    @Test
    void meShowsTheItemsMetadataWithoutTouchingIt() {
        HandlerHarness h = harness();
        String me = run(h, "set a 0 0 2\r\nhi\r\nme a\r\n");
        // cls and size are this store's: a 1-byte key and 2-byte value are 35 bytes in a 48-byte chunk (class 1)
        assertTrue(me.matches("STORED\r\nME a exp=-1 la=0 cas=\\d+ fetch=no cls=1 size=35\r\n"), me);
        assertEquals("HD h0\r\n", run(h, "mg a h\r\n"), "me did not count as a fetch");
        me = run(h, "set b 0 100 2\r\nhi\r\nms YQ== 2 b\r\nho\r\nme b\r\nme YQ== b\r\n");
        assertTrue(me.matches("STORED\r\nHD\r\nME b exp=-100 la=0 cas=\\d+ fetch=no cls=1 size=35\r\n"
                + "ME YQ== exp=-1 la=0 cas=\\d+ fetch=no cls=1 size=35\r\n"), me);
    }

    @Test
    void cmdMetaCountsMeAsMemcachedDoes() {
        MemcachedContext ctx = MemcachedTesting.context(FROZEN);
        HandlerHarness h = MemcachedTesting.harness(ctx);
        run(h, "mn\r\nmg a\r\nme a\r\nme\r\nset a 0 0 1\r\n1\r\nme a\r\nma a\r\nmd a\r\n");
        assertEquals(2, ctx.counter(MemcachedContext.Counter.CMD_META), "two answered me (a miss and a hit)");
    }

    @Test
    void aStaleItemGivesTheWinTokenToOneClientUntilInvalidatedAgain() {
        MemcachedContext ctx = MemcachedTesting.context(FROZEN);
        HandlerHarness a = MemcachedTesting.harness(ctx);
        HandlerHarness b = MemcachedTesting.harness(ctx);
        run(a, "set k 0 0 1\r\nx\r\nmd k I\r\n");
        assertEquals("HD X W\r\n", run(a, "mg k\r\n"));
        assertEquals("HD Z X\r\n", run(b, "mg k\r\n"));
        assertEquals("HD\r\n", run(b, "md k I\r\n"));
        assertEquals("HD X W\r\n", run(b, "mg k\r\n"));
        assertEquals("HD Z X\r\n", run(a, "mg k\r\n"));
        assertEquals("HD\r\n", run(a, "ms k 1\r\ny\r\n"));
        assertEquals("VA 1\r\ny\r\n", run(b, "mg k v\r\n"), "a new value is fresh");
    }
}
