package com.example.shout;

import io.ringside.ByteSpan;
import io.ringside.Connection;
import io.ringside.LineHandler;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Replies each line in capitals. */
public final class ShoutHandler extends LineHandler {
    @Override
    public void onLine(Connection c, ByteSpan line) {
        c.write(line.toString(StandardCharsets.UTF_8).toUpperCase(Locale.ROOT) + "\n");
    }
}
