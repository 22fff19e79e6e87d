package io.ringside;

import io.ringside.internal.HandlerAccess;

/**
 * The one class to subclass for a line protocol. The framework creates one instance per connection
 * (through a {@link HandlerFactory}) and calls its hooks on the connection's worker thread only, so a
 * handler needs no synchronization for its own fields.
 *
 * <p>Hooks, in order: {@link #onOpen} once, then {@link #onLine} (and {@link #onBlock} after a
 * {@link Connection#readBlock}) any number of times, then {@link #onClose} exactly once.
 * {@link #onError} is called when a hook throws; the connection is then closed with
 * {@link CloseReason#HANDLER_ERROR}. Only {@link #onLine} must be implemented.
 *
 * <pre>{@code
 * final class UpperCaseHandler extends LineHandler {
 *     protected void onLine(Connection c, ByteSpan line) {
 *         c.writeLine(line.toString(StandardCharsets.UTF_8).toUpperCase(Locale.ROOT));
 *     }
 * }
 * }</pre>
 */
public abstract class LineHandler {

    static {
        HandlerAccess.install(new HandlerBridge());
    }

    /** Called once when the connection is registered with its worker, before any line. */
    protected void onOpen(Connection connection) {
    }

    /**
     * Called for each complete line, terminator removed. {@code line} is valid only during this call.
     */
    protected abstract void onLine(Connection connection, ByteSpan line);

    /**
     * Called with consecutive chunks of a data block requested by {@link Connection#readBlock};
     * {@code last} is true for the chunk that completes it. The default refuses blocks.
     */
    protected void onBlock(Connection connection, ByteSpan chunk, boolean last) {
        throw new UnsupportedOperationException(getClass().getName() + " requested a data block but does not override onBlock");
    }

    /**
     * Called when a line is longer than the configured maximum. The connection closes after this
     * reply is flushed ({@link CloseReason#LINE_TOO_LONG}); the default reply is
     * {@code ERROR line too long (max N bytes)}.
     */
    protected void onLineTooLong(Connection connection, int maxLineBytes) {
        connection.write("ERROR line too long (max ").write(Integer.toString(maxLineBytes)).write(" bytes)").writeEndOfLine();
    }

    /**
     * Called when a hook of this handler threw. The framework has logged it and closes the
     * connection after this call; a handler may write a last error line here.
     */
    protected void onError(Connection connection, Throwable error) {
    }

    /** Called exactly once when the connection is closed, for whatever reason. Writes are ignored. */
    protected void onClose(Connection connection, CloseReason reason) {
    }

    /** Hands the protected hooks to the framework's internal package, and nothing else. */
    private static final class HandlerBridge extends HandlerAccess {
        @Override
        public void open(LineHandler h, Connection c) {
            h.onOpen(c);
        }

        @Override
        public void line(LineHandler h, Connection c, ByteSpan line) {
            h.onLine(c, line);
        }

        @Override
        public void block(LineHandler h, Connection c, ByteSpan chunk, boolean last) {
            h.onBlock(c, chunk, last);
        }

        @Override
        public void lineTooLong(LineHandler h, Connection c, int max) {
            h.onLineTooLong(c, max);
        }

        @Override
        public void error(LineHandler h, Connection c, Throwable error) {
            h.onError(c, error);
        }

        @Override
        public void close(LineHandler h, Connection c, CloseReason reason) {
            h.onClose(c, reason);
        }
    }
}
