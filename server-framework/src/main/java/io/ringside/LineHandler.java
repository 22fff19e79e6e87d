package io.ringside;

/**
 * The one class to subclass for a line protocol. The framework creates one instance per connection
 * (through a {@link HandlerFactory}) and calls its hooks on the connection's worker thread only, so a
 * handler needs no synchronization for its own fields. State shared with connections on other workers
 * (a cache, a counter) does: see the README's "State shared between connections".
 *
 * <p>Hooks, in order: {@link #onOpen} once; then {@link #onLine} (and {@link #onBlock} after a
 * {@link Connection#readBlock}) any number of times; {@link #onInputEnd} when the peer shut down its
 * side; {@link #onClose} exactly once. Only {@link #onLine} must be implemented. The hooks are public so
 * the framework (in other packages) can call them; they are called by the framework only.
 *
 * <p>Errors: a hook that throws {@link RequestException} rejects one request: {@link #onRequestError}
 * writes its reply and the connection goes on. Any other exception is a bug of the handler: it is logged,
 * {@link #onError} is called and only that connection is closed ({@link CloseReason#HANDLER_ERROR}).
 *
 * <pre>{@code
 * final class UpperCaseHandler extends LineHandler {
 *     public void onLine(Connection c, ByteSpan line) {
 *         c.writeLine(line.toString(StandardCharsets.UTF_8).toUpperCase(Locale.ROOT));
 *     }
 * }
 * }</pre>
 */
public abstract class LineHandler {

    /** For subclasses. */
    protected LineHandler() {
    }

    /**
     * Called once when the connection is registered with its worker, before any line; for an outbound
     * connection ({@link Connection#connect}), once it is connected (never, if the connect fails: then only
     * {@link #onClose} is called, with {@link CloseReason#CONNECT_FAILED} or {@link CloseReason#CONNECT_TIMEOUT}).
     */
    public void onOpen(Connection connection) {
    }

    /**
     * Called for each complete line, terminator removed. {@code line} is valid only during this call.
     */
    public abstract void onLine(Connection connection, ByteSpan line);

    /**
     * Called with the data block requested by {@link Connection#readBlock}: whole when it fits in the
     * read buffer, otherwise in consecutive chunks; {@code last} is true for the call that completes it
     * (after a terminated block larger than the buffer, that call carries an empty chunk once the
     * terminator is checked). In raw mode ({@link Connection#readRaw()}) every received chunk comes here,
     * with {@code last} false. The default refuses blocks.
     */
    public void onBlock(Connection connection, ByteSpan chunk, boolean last) {
        throw new UnsupportedOperationException(getClass().getName() + " requested a data block but does not override onBlock");
    }

    /**
     * Called instead of the block's last {@link #onBlock} when the bytes after a terminated block are not
     * its terminator (they are consumed, as memcached consumes them). The default writes an error line and
     * closes after flushing it; a protocol with its own error reply overrides this and goes on.
     */
    public void onBlockEndMismatch(Connection connection) {
        connection.write("ERROR data block not followed by its terminator").writeEndOfLine();
        connection.closeAfterFlush();
    }

    /**
     * Called when a read left the start of a line whose terminator has not arrived: {@code soFar} holds its
     * bytes so far (valid during the call; it may be offered again, longer, after the next read). A protocol
     * can refuse such a line early (memcached closes a connection whose command line reaches 2,048 bytes
     * without a newline unless it is a {@code get}); the default does nothing, and {@code max-line-bytes}
     * still applies.
     */
    public void onPartialLine(Connection connection, ByteSpan soFar) {
    }

    /**
     * Called when a line is longer than the configured maximum. The connection closes after this
     * reply is flushed ({@link CloseReason#LINE_TOO_LONG}); the default reply is
     * {@code ERROR line too long (max N bytes)}.
     */
    public void onLineTooLong(Connection connection, int maxLineBytes) {
        connection.write("ERROR line too long (max ").writeAscii(maxLineBytes).write(" bytes)").writeEndOfLine();
    }

    /**
     * Called when a hook threw {@link RequestException}: one bad request. The default writes the
     * exception's reply line; the connection stays open.
     */
    public void onRequestError(Connection connection, RequestException error) {
        connection.writeLine(error.reply());
    }

    /**
     * Called once the peer shut down its side and every line it sent was handled. Replies still queued,
     * {@link Connection#execute} tasks, timers and {@link Connection#offload} calls of this connection can
     * still write; the connection closes ({@link CloseReason#PEER_CLOSED}) once they are done and the
     * output is flushed. In raw mode ({@link Connection#readRaw()}) it stays open until the handler shuts
     * its output down or closes it. The default does nothing more.
     */
    public void onInputEnd(Connection connection) {
    }

    /**
     * Called once pending output fell below the low watermark after it had reached the high watermark:
     * a handler streaming a large reply writes its next part here instead of hitting the hard cap.
     */
    public void onWritable(Connection connection) {
    }

    /**
     * Called when a hook of this handler threw (other than {@link RequestException}). The framework has
     * logged it and closes the connection after this call; a handler may write a last error line here.
     */
    public void onError(Connection connection, Throwable error) {
    }

    /**
     * Called exactly once when the connection is closed, for whatever reason (an outbound connection that
     * could not connect too, without onOpen before). Writes are ignored.
     */
    public void onClose(Connection connection, CloseReason reason) {
    }
}
