package io.ringside;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Test handler: records every hook call as text; optionally echoes. Confined to one worker. */
public class RecordingHandler extends LineHandler {
    public final List<String> events = new ArrayList<>();
    public final List<String> lines = new ArrayList<>();
    private final boolean echo;

    public RecordingHandler(boolean echo) {
        this.echo = echo;
    }

    @Override
    public void onOpen(Connection connection) {
        events.add("open");
    }

    @Override
    public void onLine(Connection connection, ByteSpan line) {
        String text = line.toString(StandardCharsets.ISO_8859_1);
        lines.add(text);
        events.add("line:" + text);
        if (echo) {
            connection.writeLine(line);
        }
    }

    @Override
    public void onClose(Connection connection, CloseReason reason) {
        events.add("close:" + reason);
    }

    @Override
    public void onError(Connection connection, Throwable error) {
        events.add("error:" + error.getMessage());
    }
}
