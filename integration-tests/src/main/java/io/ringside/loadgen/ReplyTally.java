package io.ringside.loadgen;

/**
 * The {@link ReplySink} of one worker: counts verified replies (and records their latency) when they
 * fall in the measured window, counts mismatches and unexpected bytes, and prints the first few
 * problems through {@link RunControl#diagnose}.
 *
 * <p>Threading: not thread-safe; used only by its worker's thread (the window is set by that thread
 * when the load phase starts, and the measured replies are handed to {@link RunControl} by it).
 */
final class ReplyTally implements ReplySink {
    private final RunControl control;
    private final WorkerStats stats;
    private long measureStart = Long.MAX_VALUE;
    private long measureEnd = Long.MAX_VALUE;
    private long unreported;

    ReplyTally(RunControl control, WorkerStats stats) {
        this.control = control;
        this.stats = stats;
    }

    /** The measured window, known once the load phase starts. */
    void window(long start, long end) {
        measureStart = start;
        measureEnd = end;
    }

    /** Hands the measured replies counted since the last call to {@link RunControl#addRequests}. */
    void report() {
        if (unreported > 0) {
            control.addRequests(unreported);
            unreported = 0;
        }
    }

    @Override
    public void replied(long latencyNanos, long nowNanos) {
        boolean measured = nowNanos >= measureStart && nowNanos < measureEnd;
        stats.reply(latencyNanos, measured);
        if (measured) {
            unreported++;
        }
    }

    @Override
    public void mismatched(int conn, long seq, int offset, byte got, byte[] expected, int off, int len) {
        stats.mismatch();
        if (control.mayDiagnose()) {
            control.diagnose("mismatch on conn " + conn + " seq " + seq + " at byte " + offset + ": got '"
                    + LineCodec.printable(new byte[] {got}, 0, 1) + "', expected line '"
                    + LineCodec.printable(expected, off, len) + "'");
        }
    }

    @Override
    public void repeated(int conn, long seq) {
        stats.repeat();
        if (control.mayDiagnose()) {
            control.diagnose("conn " + conn + ": line " + seq + " answered a second time");
        }
    }

    @Override
    public void unexpected(int conn, int bytes) {
        stats.mismatch();
        if (control.mayDiagnose()) {
            control.diagnose("conn " + conn + ": " + bytes + " bytes arrived with no line in flight");
        }
    }
}
