package io.ringside.it.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

/** The differential test's normalizer takes away what may differ, and nothing else. */
class ReplyNormalizerTest {
    private static String n(String reply) {
        return ReplyNormalizer.normalize(reply);
    }

    @Test
    void aNumbersPaddingIsTakenAwayWhereverItIsInTheValue() {
        assertEquals(n("VALUE a 0 1\r\n5\r\nEND\r\n"), n("VALUE a 0 2\r\n5 \r\nEND\r\n"));
        assertEquals(n("VALUE k 0 11 17\r\nv\r\nEND\r\n206\r\nEND\r\n"),
                n("VALUE k 0 12 99\r\nv\r\nEND\r\n206 \r\nEND\r\n"), "a prepended padded number, CAS differing");
        assertEquals(n("VA 3 c1\r\n9xy\r\n"), n("VA 5 c2\r\n9  xy\r\n"), "an appended one, in mg");
        assertNotEquals(n("VALUE a 0 2\r\nab\r\nEND\r\n"), n("VALUE a 0 3\r\nab \r\nEND\r\n"), "no digit, no padding");
        assertNotEquals(n("VALUE a 0 1\r\n5\r\nEND\r\n"), n("VALUE a 0 1\r\n6\r\nEND\r\n"));
    }

    @Test
    void blocksAreReadByTheirLength() {
        assertEquals(n("VALUE a 0 1\r\n5\r\nVALUE b 0 1\r\n7\r\nEND\r\n"),
                n("VALUE a 0 2\r\n5 \r\nVALUE b 0 3\r\n7  \r\nEND\r\n"), "one block after another");
        assertEquals(n("VALUE a 0 9\r\nx\r\nEND\r\n5\r\nEND\r\n"),
                n("VALUE a 0 10\r\nx\r\nEND\r\n5 \r\nEND\r\n"), "a value holding line breaks and END");
        assertEquals("VALUE a 0 9\r\n5 \r\n", n("VALUE a 0 9\r\n5 \r\n"), "a cut block stays as it is");
    }

    @Test
    void meKeepsTheKeyFetchAndANeverExpiringTtl() {
        assertEquals(n("ME a exp=-1 la=0 cas=5 fetch=no cls=1 size=62\r\n"),
                n("ME a exp=-1 la=3 cas=77 fetch=no cls=2 size=31\r\n"));
        assertEquals(n("ME a exp=-99 la=0 cas=5 fetch=no cls=1 size=62\r\n"),
                n("ME a exp=-100 la=0 cas=5 fetch=no cls=1 size=62\r\n"));
        assertNotEquals(n("ME a exp=-1 la=0 cas=5 fetch=no cls=1 size=62\r\n"),
                n("ME a exp=-100 la=0 cas=5 fetch=no cls=1 size=62\r\n"));
        assertNotEquals(n("ME a exp=-1 la=0 cas=5 fetch=no cls=1 size=62\r\n"),
                n("ME a exp=-1 la=0 cas=5 fetch=yes cls=1 size=62\r\n"));
        assertNotEquals(n("ME a exp=-1 la=0 cas=5 fetch=no cls=1 size=62\r\n"),
                n("ME b exp=-1 la=0 cas=5 fetch=no cls=1 size=62\r\n"));
    }

    @Test
    void remainingTtlsMayDifferByOneTickAndNothingElse() {
        assertTrue(ReplyNormalizer.sameButForATtlTick("HD t30\r\n", "HD t29\r\n"));
        assertTrue(ReplyNormalizer.sameButForATtlTick("VA 2 t30 f5\r\nhi\r\n", "VA 2 t31 f5\r\nhi\r\n"));
        assertFalse(ReplyNormalizer.sameButForATtlTick("HD t30\r\n", "HD t28\r\n"), "two seconds apart");
        assertFalse(ReplyNormalizer.sameButForATtlTick("VA 2 t30 f5\r\nhi\r\n", "VA 2 t29 f6\r\nhi\r\n"), "a flag differs too");
        assertFalse(ReplyNormalizer.sameButForATtlTick("HD t30\r\n", "HD t-1\r\n"), "never expires is not a tick away");
        assertFalse(ReplyNormalizer.sameButForATtlTick("HD t30\r\n", "HD\r\n"));
        assertFalse(ReplyNormalizer.sameButForATtlTick("HD t30\r\n", "HD t30\r\n"), "equal replies are not this case");
        assertFalse(ReplyNormalizer.sameButForATtlTick("VALUE k 0 3\r\nt30\r\nEND\r\n", "VALUE k 0 3\r\nt29\r\nEND\r\n"),
                "t30 inside a value is data");
    }
}
