package io.ringside.loadgen;

/**
 * The TLS figures of one run ({@code --tls}): handshakes completed, those in the measured window (the
 * handshake rate of {@code --churn}), and what they negotiated.
 *
 * <p>Threading: immutable.
 *
 * @param handshakes         handshakes completed over the whole run
 * @param measuredHandshakes of those, the ones that ended in the measured window
 * @param negotiated         protocol and cipher suite of the first handshake ("TLSv1.3 TLS_AES_256_GCM_SHA384"),
 *                           null when none completed
 * @param uniform            whether every handshake negotiated that same protocol and suite
 */
public record TlsTally(long handshakes, long measuredHandshakes, String negotiated, boolean uniform) {

    /** The sum of the workers' figures. */
    static TlsTally of(Iterable<WorkerStats> stats) {
        long all = 0;
        long measured = 0;
        boolean uniform = true;
        String first = null;
        for (WorkerStats s : stats) {
            all += s.handshakes();
            measured += s.measuredHandshakes();
            uniform &= s.otherNegotiated() == 0;
            if (first == null) {
                first = s.negotiated();
            } else if (s.negotiated() != null && !first.equals(s.negotiated())) {
                uniform = false;
            }
        }
        return new TlsTally(all, measured, first, uniform);
    }

    /** The negotiated protocol ("TLSv1.3"), or null. */
    public String protocol() {
        return negotiated == null ? null : negotiated.substring(0, negotiated.indexOf(' '));
    }

    /** The negotiated cipher suite, or null. */
    public String cipherSuite() {
        return negotiated == null ? null : negotiated.substring(negotiated.indexOf(' ') + 1);
    }
}
