package io.ringside.internal.connection;

import io.ringside.ServerConfig;

/**
 * What one server shares among its workers to protect itself at scale: the process-wide {@link OutputBudget} and
 * the per-address input rates ({@link AddressRates}), plus the per-connection rate limits as token-bucket costs.
 *
 * <p>Thread-safe: its parts are, and its own fields are immutable.
 */
public final class Protection {
    /** One second: the burst every rate allows (a second's worth of tokens). */
    static final long BURST_NANOS = 1_000_000_000L;

    private final OutputBudget budget;
    final AddressRates addresses;
    /** Per connection: lines/s and bytes/s; 0 when off. */
    final long lineRate;
    final long byteRate;
    final long graceNanos;
    /** Whether any input rate is limited (else a connection never makes an {@link InputRate}). */
    final boolean ratesOn;

    private Protection(OutputBudget budget, ServerConfig config) {
        this.budget = budget;
        this.lineRate = config.rateLimitLines();
        this.byteRate = config.rateLimitBytes();
        this.addresses = new AddressRates(config.rateLimitAddressLines(), config.rateLimitAddressBytes());
        this.graceNanos = config.rateLimitGrace().toNanos();
        this.ratesOn = lineRate > 0 || byteRate > 0 || addresses.enabled();
    }

    /** The protection of one server built from {@code config} (a new budget: each server counts its own). */
    public static Protection forConfig(ServerConfig config) {
        return new Protection(OutputBudget.forConfig(config), config);
    }

    public OutputBudget budget() {
        return budget;
    }

    /** The token-bucket cost of {@code units} at {@code perSecond}: nanoseconds of the bucket they use up. */
    static long cost(long units, long perSecond) {
        return units >= Long.MAX_VALUE / BURST_NANOS ? Long.MAX_VALUE / 4 : units * BURST_NANOS / perSecond;
    }
}
