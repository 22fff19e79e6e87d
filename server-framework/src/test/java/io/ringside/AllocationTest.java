package io.ringside;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The per-line path allocates nothing: reading, framing, dispatching, queueing and the gathering
 * write. A single allocation per line (the smallest object is 16 bytes) fails this; the threshold of
 * 1 byte per line leaves room only for one-time and per-connection costs spread over 200,000 lines.
 */
@Timeout(300)
class AllocationTest {

    @Test
    void echoingALineAllocatesNothingOnTheWorker() throws Exception {
        double perLine = AllocationProbe.bytesPerLine(HostileClientsTest.EchoHandler::new, l -> l, 10, 20_000);
        assertTrue(perLine < 1.0, perLine + " bytes allocated per line");
    }
}
