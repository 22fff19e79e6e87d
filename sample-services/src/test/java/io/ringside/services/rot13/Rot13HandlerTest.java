package io.ringside.services.rot13;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ringside.testing.HandlerHarness;
import org.junit.jupiter.api.Test;

class Rot13HandlerTest {

    @Test
    void rotatesLettersOnlyAndKeepsEverythingElse() {
        HandlerHarness h = new HandlerHarness(new Rot13Handler());
        h.feed("Hello, World\n");
        assertEquals("Uryyb, Jbeyq\n", h.takeOutputAscii());
        h.feed("abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789 !@#\r\n");
        assertEquals("nopqrstuvwxyzabcdefghijklm NOPQRSTUVWXYZABCDEFGHIJKLM 0123456789 !@#\r\n", h.takeOutputAscii());
    }

    @Test
    void appliedTwiceIsTheIdentityOnEveryByte() {
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        byte[] copy = all.clone();
        Rot13.applyInPlace(copy, copy.length);
        Rot13.applyInPlace(copy, copy.length);
        assertArrayEquals(all, copy);
        assertEquals('n', Rot13.apply((byte) 'a'));
        assertEquals('M', Rot13.apply((byte) 'Z'));
        assertEquals((byte) 0xE9, Rot13.apply((byte) 0xE9), "non-ASCII bytes pass through");
    }

    @Test
    void longLinesGrowTheScratchAndStayExact() {
        HandlerHarness h = new HandlerHarness(new Rot13Handler());
        String line = "Ab".repeat(3000);
        h.feed(line + "\nshort\n");
        assertEquals("No".repeat(3000) + "\nfubeg\n", h.takeOutputAscii());
    }
}
