package io.ringside;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The reference model of line framing: one byte at a time, as the policies are written in
 * {@link EndOfLine}'s javadoc, independent of the framework's framer. The oracle of the framing tests
 * ({@code FramingTest}, {@code FramingFuzzTest}).
 */
final class LineModel {
    /** The lines, terminators removed, as ISO-8859-1 text (one char per byte). */
    final List<String> lines = new ArrayList<>();
    /** Whether the input holds a line over the maximum (framing stops there). */
    boolean tooLong;

    private LineModel() {
    }

    static LineModel frame(byte[] input, EndOfLine eol, int max) {
        LineModel m = new LineModel();
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

    /** What an echoing handler writes for this input: each line and the reply terminator, then the too-long error. */
    String echo(EndOfLine eol, int max) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String line : lines) {
            out.writeBytes(line.getBytes(StandardCharsets.ISO_8859_1));
            out.writeBytes(eol.replyTerminator());
        }
        if (tooLong) {
            out.writeBytes(("ERROR line too long (max " + max + " bytes)").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(eol.replyTerminator());
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}
