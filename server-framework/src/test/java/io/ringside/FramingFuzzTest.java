package io.ringside;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ringside.testing.HandlerHarness;
import java.util.Arrays;

/**
 * Differential fuzzing of the framing path: for any bytes (NUL, bare CR, invalid UTF-8, ...), any
 * end-of-line policy, maximum and budget, and any split into reads, the lines, the echo and the
 * too-long outcome equal those of the byte-at-a-time reference model ({@link LineModel}).
 *
 * <p>In a normal test run the inputs saved under {@code FramingFuzzTestInputs/} replay as tests.
 * Fuzz for real with {@code JAZZER_FUZZ=1 mvn -pl server-framework test -Dtest=FramingFuzzTest}.
 */
class FramingFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void splitsAndPoliciesNeverChangeTheLines(FuzzedDataProvider data) {
        EndOfLine eol = data.pickValue(EndOfLine.values());
        int max = data.consumeInt(1, 600);
        int budget = data.consumeInt(1, 8);
        int[] cuts = new int[data.consumeInt(0, 16)];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = data.consumeInt(0, 4096);
        }
        byte[] input = data.consumeRemainingAsBytes();

        LineModel expected = LineModel.frame(input, eol, max);
        RecordingHandler handler = new RecordingHandler(true);
        ServerConfig config = ServerConfig.builder()
                .set(Setting.END_OF_LINE, eol.name())
                .set(Setting.MAX_LINE_BYTES, Integer.toString(max))
                .set(Setting.READ_BUFFER_BYTES, "256")
                .set(Setting.LINES_PER_WAKEUP, Integer.toString(budget))
                .build();
        HandlerHarness harness = new HandlerHarness(config, handler);
        Arrays.sort(cuts);
        int from = 0;
        for (int cut : cuts) {
            int to = Math.min(Math.max(cut, from), input.length);
            harness.feed(Arrays.copyOfRange(input, from, to));
            from = to;
        }
        harness.feed(Arrays.copyOfRange(input, from, input.length));

        assertEquals(expected.lines, handler.lines);
        assertEquals(expected.tooLong ? CloseReason.LINE_TOO_LONG : null, harness.closeReason());
        assertEquals(expected.echo(eol, max), harness.takeOutputAscii());
    }
}
