package io.ringside;

import java.util.Locale;

/**
 * How the acceptor picks the worker of a new connection ({@code worker-choice}). The per-worker figures the
 * load-aware choices compare are published by each worker and read by the acceptor without a lock, so they
 * can be a turn old; among workers that compare equal the choice rotates, as round-robin does.
 *
 * <p>Thread-safe (immutable).
 */
public enum WorkerChoice {
    /** Each worker in turn (the default). */
    ROUND_ROBIN,
    /** The worker with the fewest connections, counting those still on its hand-off ring. */
    LEAST_CONNECTIONS,
    /**
     * The worker whose recent loop turns were shortest: a worker busy in a long turn right now (a handler that
     * blocks) or lately is avoided. Turns under a millisecond count as equal.
     */
    LEAST_LAG;

    /** The setting's spelling: {@code round-robin}, {@code least-connections}, {@code least-lag}. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Parses the setting's spelling, any case ({@code _} for {@code -} accepted).
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static WorkerChoice parse(String text) {
        for (WorkerChoice c : values()) {
            if (c.toString().equalsIgnoreCase(text.trim().replace('_', '-'))) {
                return c;
            }
        }
        throw new IllegalArgumentException("expected round-robin, least-connections or least-lag");
    }
}
