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
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ringside.ProxyProtocol;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Fuzzing of the PROXY header reader: for any bytes (raw, or a valid header of either version with a few bytes
 * changed), any accepted versions, any bound and any split into reads, the reader ends in the same state as
 * when it reads them in one go (the same header, or the same refusal), refuses only with BAD_PROXY_HEADER,
 * never hands on a byte before the header is complete, hands on exactly the bytes after it, and never holds
 * more than the bound.
 *
 * <p>In a normal run the inputs saved under {@code ProxyHeaderFuzzTestInputs/} replay, and a seeded loop runs
 * the same check over 3,000 cases (the seed is in the failure message). Fuzz for real with
 * {@code JAZZER_FUZZ=1 mvn -pl server-framework test -Dtest=ProxyHeaderFuzzTest}.
 */
class ProxyHeaderFuzzTest {
    private static final byte[][] BASES = {
        v1("PROXY TCP4 127.0.0.5 127.0.0.1 56324 40713"),
        v1("PROXY TCP6 2001:db8::5 ::ffff:10.0.0.1 1 65535"),
        v1("PROXY UNKNOWN"),
        v2Tcp("127.0.0.5", 56324, "127.0.0.1", 40713),
        v2Tcp("2001:db8::5", 1, "2001:db8::1", 2, tlv(0x20, concat(new byte[] {1, 0, 0, 0, 0}, tlv(0x21, new byte[] {'T'})))),
        withCrc32c(v2Tcp("10.0.0.1", 1, "10.0.0.2", 2, tlv(0x04, new byte[5]))),
        v2(LOCAL, 0x00, new byte[0]),
        v2(PROXY, 0x31, new byte[216]),
    };

    @FuzzTest(maxDuration = "2m")
    void anySplitEndsAsOneRead(FuzzedDataProvider data) {
        ProxyProtocol expected = data.pickValue(new ProxyProtocol[] {ProxyProtocol.V1, ProxyProtocol.V2, ProxyProtocol.ANY});
        int maxV2Length = data.consumeInt(0, ProxyTransportFactory.MAX_V2_LENGTH);
        int base = data.consumeInt(0, BASES.length);
        int[] changes = new int[data.consumeInt(0, 4) * 2];
        for (int i = 0; i < changes.length; i++) {
            changes[i] = data.consumeInt(0, 255);
        }
        int[] cuts = new int[data.consumeInt(0, 12)];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = data.consumeInt(0, 512);
        }
        byte[] tail = data.consumeRemainingAsBytes();
        check(input(base, changes, tail), expected, maxV2Length, cuts);
    }

    @Test
    void seededCasesEndAsOneRead() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        ProxyProtocol[] modes = {ProxyProtocol.V1, ProxyProtocol.V2, ProxyProtocol.ANY};
        for (int run = 0; run < 3_000; run++) {
            byte[] tail = new byte[random.nextInt(40)];
            random.nextBytes(tail);
            int[] changes = new int[random.nextInt(3) * 2];
            Arrays.setAll(changes, i -> random.nextInt(256));
            int[] cuts = new int[random.nextInt(8)];
            Arrays.setAll(cuts, i -> random.nextInt(300));
            byte[] input = input(random.nextInt(BASES.length + 1), changes, tail);
            ProxyProtocol mode = modes[random.nextInt(3)];
            int max = random.nextBoolean() ? ProxyTransportFactory.MAX_V2_LENGTH : random.nextInt(300);
            try {
                check(input, mode, max, cuts);
            } catch (AssertionError e) {
                throw new AssertionError("seed " + seed + ", run " + run + ": " + e.getMessage(), e);
            }
        }
    }

    /** A raw input ({@code base == BASES.length}) or a base header with {@code changes} (position, value pairs) and the tail after it. */
    private static byte[] input(int base, int[] changes, byte[] tail) {
        if (base == BASES.length) {
            return tail;
        }
        byte[] header = BASES[base].clone();
        for (int i = 0; i < changes.length; i += 2) {
            header[changes[i] % header.length] = (byte) changes[i + 1];
        }
        return concat(header, tail);
    }

    private static void check(byte[] input, ProxyProtocol expected, int maxV2Length, int[] cuts) {
        ProxyReader whole = new ProxyReader(expected, maxV2Length, 4096).feed(input).end();
        ProxyReader split = new ProxyReader(expected, maxV2Length, 1 + (cuts.length > 0 ? cuts[0] % 64 : 0));
        int[] sorted = cuts.clone();
        Arrays.sort(sorted);
        int from = 0;
        for (int cut : sorted) {
            int to = Math.min(Math.max(cut, from), input.length);
            split.feed(Arrays.copyOfRange(input, from, to));
            from = to;
        }
        split.feed(Arrays.copyOfRange(input, from, input.length)).end();

        assertEquals(message(whole), message(split), "refusal");
        assertEquals(String.valueOf(whole.transport.header()), String.valueOf(split.transport.header()), "header");
        assertArrayEquals(whole.passed(), split.passed(), "bytes handed on");
        ProxyHeader h = whole.transport.header();
        if (h == null) {
            assertEquals(0, whole.passed().length, "nothing handed on without a header");
        } else {
            int bound = h.version() == 1 ? ProxyHeaderParser.V1_MAX_LENGTH : 16 + maxV2Length;
            assertTrue(h.length() <= bound && h.length() <= input.length, "header of " + h.length() + " bytes");
            assertArrayEquals(Arrays.copyOfRange(input, h.length(), input.length), whole.passed(), "the bytes after the header");
            assertTrue(expected.accepts(h.version()));
        }
    }

    private static String message(ProxyReader r) {
        return r.refused == null ? null : r.refused.getMessage();
    }
}
