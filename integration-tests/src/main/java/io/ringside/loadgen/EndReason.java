package io.ringside.loadgen;

/**
 * Why a run ended. Only {@link #TIME}, {@link #REQUESTS} and {@link #STOPPED} are normal ends: lines still unanswered on
 * healthy connections then count as "in flight"; after any other end they count as lost.
 *
 * <p>Threading: immutable.
 */
public enum EndReason {
    /** The measured duration ({@code --seconds}) elapsed. */
    TIME,
    /** The requested number of verified replies ({@code --requests}) was reached. */
    REQUESTS,
    /** The caller asked the run to end ({@link LoadGenerator#run(LoadOptions, java.io.PrintStream, java.util.function.BooleanSupplier)}). */
    STOPPED,
    /** Not one connection could be opened in the connect phase. */
    NO_CONNECTIONS,
    /** The hard overrun guard fired: the run did not end by its own bound in time. */
    OVERRUN,
    /** A worker thread failed with an unexpected exception (a bug; see stderr). */
    FAILURE;

    /** Whether this is a normal end by the run's own bound. */
    public boolean byBound() {
        return this == TIME || this == REQUESTS || this == STOPPED;
    }

    /** Lower-case name used in the summary and the JSON. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
