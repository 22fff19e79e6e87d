package io.ringside.services.proxy;

import io.ringside.ByteSpan;
import io.ringside.CloseReason;
import io.ringside.Connection;
import io.ringside.LineHandler;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * One side of a relayed connection, after libevent's {@code le-proxy} sample: the client's accepted connection,
 * or the outbound connection to the target that the client side opens as it is accepted. Both sides are in raw
 * mode, so the relay is byte-transparent (no framing, any byte value, no line limit).
 * <ul>
 * <li>Every chunk received on one side is written to the other side's connection as it arrives (queued while
 *     the target is still connecting).</li>
 * <li>Back-pressure both ways: once the other side's pending output reaches its high watermark this side stops
 *     reading; it reads again when that output drained below the low watermark (the other side's
 *     {@link #onWritable}). So each direction holds at most {@code output-high-watermark} plus one read buffer.</li>
 * <li>Half-close: the end of input on one side shuts down the other side's output once everything before it was
 *     sent (a TCP FIN through the relay); a side closes cleanly once both its directions ended.</li>
 * <li>Anything else that closes one side (a reset, a failed or timed-out connect, a timeout, the hard cap, the
 *     drain's deadline) closes the other at once: nothing is left waiting for a peer that is gone. A stop ends
 *     both inputs (the drain), which ends both sides cleanly.</li>
 * </ul>
 * TLS on either side and a PROXY header to the target belong to the transports, not here: the TLS listener
 * ({@code tls-port}) for the client side, {@link RelayTarget}'s connect options for the target side (TLS with the
 * target's certificate verified; a PROXY header the framework sends first). A target that fails the TLS handshake
 * closes the client at once, as a failed connect does.
 *
 * <p>Confined to one worker: the target side is connected from the client side's worker, so both sides and
 * their handlers live on it, and they call each other's connection directly.
 */
public final class RelaySide extends LineHandler {
    private final RelayStats stats;
    /** Client side only: where and how to connect. Null on the target side. */
    private final RelayTarget target;
    private RelaySide partner;
    private Connection connection;

    private RelaySide(RelayStats stats, RelayTarget target) {
        this.stats = stats;
        this.target = target;
    }

    /** The client side of a new relay: it connects to {@code target} (plain TCP) once accepted. */
    public static RelaySide client(InetSocketAddress target, Duration connectTimeout, RelayStats stats) {
        return client(RelayTarget.plain(target, connectTimeout), stats);
    }

    /** The client side of a new relay: it connects to {@code target} (with its TLS and PROXY header) once accepted. */
    public static RelaySide client(RelayTarget target, RelayStats stats) {
        return new RelaySide(stats, target);
    }

    @Override
    public void onOpen(Connection c) {
        connection = c;
        c.readRaw();
        if (target != null) {
            stats.relayOpened();
            partner = new RelaySide(stats, null);
            partner.partner = this;
            partner.connection = c.connect(target.address(), target.connectTimeout(), target.optionsFor(c), partner);
        }
    }

    @Override
    public void onLine(Connection c, ByteSpan line) {
        throw new IllegalStateException("a relay reads raw bytes, never lines");
    }

    @Override
    public void onBlock(Connection c, ByteSpan chunk, boolean last) {
        Connection other = partner.connection;
        other.write(chunk);
        stats.pendingOutput(other.pendingOutputBytes());
        if (!other.isWritable()) {
            c.pauseReading(); // until the other side's output drained: its onWritable
            stats.readingPaused();
        }
    }

    @Override
    public void onWritable(Connection c) {
        partner.connection.resumeReading(); // a no-op unless this side's output had paused it
    }

    @Override
    public void onInputEnd(Connection c) {
        partner.connection.shutdownOutput();
    }

    @Override
    public void onClose(Connection c, CloseReason reason) {
        if (reason == CloseReason.CONNECT_FAILED || reason == CloseReason.CONNECT_TIMEOUT) {
            stats.connectFailed();
        } else if (reason == CloseReason.TLS_HANDSHAKE_FAILED) {
            stats.tlsFailed(); // the target's certificate did not verify, or it speaks no TLS: the client is closed
        }
        Connection other = partner == null ? null : partner.connection;
        if (other == null || !other.isOpen()) {
            return;
        }
        if (reason == CloseReason.PEER_CLOSED || reason == CloseReason.SERVER_STOP) {
            other.shutdownOutput(); // both directions of this side ended cleanly: the other ends as its input does
        } else {
            other.close();
        }
    }
}
