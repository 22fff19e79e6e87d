package io.ringside.services.echo;

import io.ringside.ByteSpan;
import io.ringside.Connection;
import io.ringside.LineHandler;

/**
 * Replies each line unchanged. With the default {@code LF} policy the echo is byte-exact: a
 * {@code \r} before the {@code \n} is part of the line and comes back with it.
 *
 * <p>Confined to its connection's worker, like every handler. Allocates nothing per line.
 */
public final class EchoHandler extends LineHandler {
    @Override
    public void onLine(Connection connection, ByteSpan line) {
        connection.writeLine(line);
    }
}
