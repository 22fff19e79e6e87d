package io.ringside.services.rot13;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringside.AllocationProbe;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** ROT13'ing a line allocates nothing on the worker (see AllocationProbe for the threshold). */
@Timeout(300)
class Rot13AllocationTest {

    @Test
    void rot13OfALineAllocatesNothingOnTheWorker() throws Exception {
        double perLine = AllocationProbe.bytesPerLine(Rot13Handler::new, Rot13AllocationTest::rot13, 10, 20_000);
        assertTrue(perLine < 1.0, perLine + " bytes allocated per line");
    }

    private static String rot13(String line) {
        byte[] b = line.getBytes(StandardCharsets.US_ASCII);
        Rot13.applyInPlace(b, b.length);
        return new String(b, StandardCharsets.US_ASCII);
    }
}
