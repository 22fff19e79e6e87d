package io.ringside;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ringside.testing.HandlerHarness;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Differential fuzzing of the framing path: for any bytes (NUL, bare CR, invalid UTF-8, ...), any
 * end-of-line policy, maximum and budget, and any split into reads, the lines, the echo and the
 * too-long outcome equal those of a byte-at-a-time reference model.
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

        Model expected = Model.frame(input, eol, max);
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
        ByteArrayOutputStream echo = new ByteArrayOutputStream();
        for (String line : expected.lines) {
            echo.writeBytes(line.getBytes(StandardCharsets.ISO_8859_1));
            echo.writeBytes(eol.replyTerminator());
        }
        if (expected.tooLong) {
            echo.writeBytes(("ERROR line too long (max " + max + " bytes)").getBytes(StandardCharsets.US_ASCII));
            echo.writeBytes(eol.replyTerminator());
        }
        assertEquals(echo.toString(StandardCharsets.ISO_8859_1), harness.takeOutputAscii());
    }

    /** The reference: one byte at a time, as the policies are written in EndOfLine's javadoc. */
    static final class Model {
        final List<String> lines = new ArrayList<>();
        boolean tooLong;

        static Model frame(byte[] input, EndOfLine eol, int max) {
            Model m = new Model();
            StringBuilder cur = new StringBuilder();
            for (byte b : input) {
                char c = (char) (b & 0xFF);
                boolean lastIsCr = cur.length() > 0 && cur.charAt(cur.length() - 1) == '\r';
                boolean ends = eol == EndOfLine.NUL ? c == 0
                        : c == '\n' && (eol != EndOfLine.CRLF_STRICT || lastIsCr);
                if (ends) {
                    String line = eol.dropsCarriageReturn() && lastIsCr ? cur.substring(0, cur.length() - 1) : cur.toString();
                    if (line.length() > max) {
                        m.tooLong = true;
                        return m;
                    }
                    m.lines.add(line);
                    cur.setLength(0);
                } else {
                    cur.append(c);
                    int n = cur.length();
                    if (n > max && !(n == max + 1 && eol.dropsCarriageReturn() && c == '\r')) {
                        m.tooLong = true;
                        return m;
                    }
                }
            }
            return m;
        }
    }
}
