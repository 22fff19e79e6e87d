package io.ringside.internal.connection;

import io.ringside.EndOfLine;
import io.ringside.ServerConfig;

/**
 * The per-connection limits of one server, read once from its configuration.
 *
 * <p>Thread-safe (immutable).
 */
public final class Limits {
    final int linesPerWakeup;
    final long lowWatermark;
    final long highWatermark;
    final long hardCap;
    final int maxOffloads;
    final long idleTimeoutNanos;
    final long lineTimeoutNanos;
    final byte[] replyTerminator;
    /** Each policy's terminator bytes, by ordinal, and none for a block without terminator. */
    private final byte[][] blockTerminators;
    private static final byte[] NO_TERMINATOR = new byte[0];

    public Limits(ServerConfig config) {
        this.linesPerWakeup = config.linesPerWakeup();
        this.lowWatermark = config.outputLowWatermark();
        this.highWatermark = config.outputHighWatermark();
        this.hardCap = config.outputHardCap();
        this.maxOffloads = config.maxOffloadsPerConnection();
        this.idleTimeoutNanos = config.idleTimeout().toNanos();
        this.lineTimeoutNanos = config.lineTimeout().toNanos();
        this.replyTerminator = config.endOfLine().replyTerminator();
        EndOfLine[] policies = EndOfLine.values();
        this.blockTerminators = new byte[policies.length][];
        for (EndOfLine eol : policies) {
            blockTerminators[eol.ordinal()] = eol.replyTerminator();
        }
    }

    /** The bytes that must follow a block terminated by {@code eol} (none for null); not to be modified. */
    byte[] terminatorOf(EndOfLine eol) {
        return eol == null ? NO_TERMINATOR : blockTerminators[eol.ordinal()];
    }
}
