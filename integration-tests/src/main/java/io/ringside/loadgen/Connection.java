package io.ringside.loadgen;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One client connection of the generator: its socket (re-opened after a failure, or after every reply
 * in churn mode), its outgoing bytes and its {@link InFlightLines}.
 *
 * <p>The id stays the same across re-connections and sequence numbers keep counting up, so a reply
 * meant for an earlier socket can never pass as a reply to a later line. In reconnect mode the lines
 * unanswered when a socket closed are sent again, with their own numbers, on the next one.
 *
 * <p>Threading: not thread-safe; owned by one worker thread and its selector.
 */
final class Connection {
    enum State { IDLE, CONNECTING, CONNECTED }

    private final int id;
    private final InFlightLines lines;
    /** Request bytes not yet written; kept in read mode (flipped) between calls. */
    private final ByteBuffer out;
    /** {@code --tls}: each socket gets a {@link ClientTls}. */
    private final boolean tls;
    /** {@code --tls-protocol}: the one protocol offered, or null for both. */
    private final String tlsProtocol;
    private ClientTls session;

    private State state = State.IDLE;
    private SocketChannel channel;
    private SelectionKey key;
    private int interest;
    /** Counts connection attempts, to tell a current connect deadline from a stale one. */
    private long attempt;
    /** Whether the first connect attempt has ended (connected, failed or timed out). */
    private boolean settled;
    /** Worker clock time at which a failed connection may be re-opened. */
    private long retryAt;
    /** Reconnect mode: the socket closed with lines in flight, which the next socket sends again. */
    private boolean resendPending;

    Connection(int id, LineCodec codec, int depth) {
        this(id, codec, depth, false, null);
    }

    Connection(int id, LineCodec codec, int depth, boolean tls, String tlsProtocol) {
        this.id = id;
        this.tls = tls;
        this.tlsProtocol = tlsProtocol;
        this.lines = new InFlightLines(codec, id, depth);
        this.out = ByteBuffer.allocate(depth * codec.size());
        this.out.flip();
    }

    int id() {
        return id;
    }

    State state() {
        return state;
    }

    InFlightLines lines() {
        return lines;
    }

    SocketChannel channel() {
        return channel;
    }

    long attempt() {
        return attempt;
    }

    long retryAt() {
        return retryAt;
    }

    void retryAt(long nanos) {
        retryAt = nanos;
    }

    /** Marks the first connect attempt as ended; returns true only the first time. */
    boolean settle() {
        if (settled) {
            return false;
        }
        settled = true;
        return true;
    }

    /** A new socket whose connect has been started (or has already completed). */
    void connecting(SocketChannel newChannel, SelectionKey newKey) {
        channel = newChannel;
        key = newKey;
        interest = newKey.interestOps();
        state = State.CONNECTING;
        attempt++;
        session = tls ? new ClientTls(tlsProtocol) : null;
    }

    /** The connect completed: from now on the socket is read (and written when needed). */
    void connected() {
        state = State.CONNECTED;
        setInterest(SelectionKey.OP_READ);
    }

    /**
     * Queues new lines until {@code limit} are in flight.
     *
     * @return how many lines were queued
     */
    int fill(int limit, long nowNanos) {
        if (!lines.hasRoom(limit)) {
            return 0;
        }
        out.compact();
        int added = 0;
        while (lines.hasRoom(limit)) {
            lines.add(out, nowNanos);
            added++;
        }
        out.flip();
        return added;
    }

    /** Reads the socket (decrypted with {@code --tls}): bytes, 0 when none now, -1 at end of stream. */
    int read(ByteBuffer dst) throws IOException {
        return session == null ? channel.read(dst) : session.read(channel, dst);
    }

    /**
     * With {@code --tls}: the negotiated protocol and suite when this socket's handshake has just ended (reported
     * once per socket), else null.
     */
    String handshakeDone() {
        return session != null && session.takeEstablished() ? session.negotiated() : null;
    }

    /** With {@code --tls}: ciphertext read that a write had to go before (read it again). */
    boolean pendingTlsInput() {
        return session != null && session.pendingIn();
    }

    /**
     * Writes queued bytes until done or the socket is full, and asks for OP_WRITE while some remain.
     * With {@code --tls} the handshake's records go first, and the lines once it is done.
     *
     * @return bytes written (plaintext bytes with {@code --tls})
     */
    int flush() throws IOException {
        if (session != null) {
            int taken = session.write(channel, out);
            boolean more = session.pendingOut() || (session.established() && out.hasRemaining());
            setInterest(more ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
            return taken;
        }
        int written = 0;
        while (out.hasRemaining()) {
            int n = channel.write(out);
            if (n == 0) {
                break;
            }
            written += n;
        }
        setInterest(out.hasRemaining() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        return written;
    }

    /**
     * Reconnect mode: closes the socket (if any) and forgets the unsent bytes, but keeps the lines in
     * flight for {@link #resend} on the next socket.
     *
     * @return how many lines are kept
     */
    int closeKeepingLines() {
        closeSocket();
        resendPending = lines.count() > 0;
        return lines.count();
    }

    /**
     * Reconnect mode, on a new socket: queues the lines kept by {@link #closeKeepingLines} again (same
     * sequence numbers, oldest first).
     *
     * @return how many lines were queued again (0 when nothing was pending)
     */
    int resend() {
        if (!resendPending) {
            return 0;
        }
        resendPending = false;
        out.clear();
        int n = lines.rewrite(out);
        out.flip();
        return n;
    }

    /**
     * Closes the socket (if any) and forgets the lines in flight and the unsent bytes.
     *
     * @return how many lines were in flight
     */
    int close() {
        closeSocket();
        resendPending = false;
        return lines.abandon();
    }

    private void closeSocket() {
        if (key != null) {
            key.cancel();
        }
        if (session != null && channel != null) {
            session.closeQuietly(channel);
        }
        session = null;
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing a socket we are abandoning: nothing useful to do with the error
            }
        }
        channel = null;
        key = null;
        interest = 0;
        state = State.IDLE;
        out.clear();
        out.flip();
    }

    private void setInterest(int ops) {
        if (ops != interest && key != null) {
            key.interestOps(ops);
            interest = ops;
        }
    }
}
