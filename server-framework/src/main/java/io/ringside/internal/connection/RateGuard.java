package io.ringside.internal.connection;

import io.ringside.CloseReason;
import io.ringside.Metric;
import java.net.InetSocketAddress;

/**
 * The input rate limits of a connection ({@code rate-limit-lines}, {@code rate-limit-bytes}) and of its client
 * address ({@code rate-limit-address-lines}, {@code rate-limit-address-bytes}). Token buckets of one second's burst
 * (GCRA: one number per bucket), charged after the fact for each read (bytes) and each delivery batch (lines), so
 * nothing on the loop ever waits: a connection past a limit stops reading ({@link ReadHolds#RATE}) and a loop
 * timer resumes it when its tokens are back. Each pause is counted ({@link Metric#RATE_LIMIT_PAUSES}).
 *
 * <p>A client that is paused again within a second of each resume, for longer than {@code rate-limit-grace} in
 * all, is closed ({@link CloseReason#RATE_LIMIT}); a single pause never lasts longer than the grace. Outbound
 * connections (opened by the server) are not limited, nor is anything read while the server drains.
 *
 * <p>Stateless; every method runs on the connection's loop.
 */
final class RateGuard {
    private RateGuard() {
    }

    /** {@code n} bytes were read. */
    static void bytesIn(TransportConnection c, int n) {
        Protection p = c.context.protection();
        if (!p.ratesOn || n <= 0 || c.outbound || c.context.draining()) {
            return;
        }
        assert c.context.inLoop();
        InputRate r = rate(c, p);
        long now = c.context.turnNanos();
        long past = Long.MIN_VALUE;
        if (p.byteRate > 0) {
            r.bytes = InputRate.consume(r.bytes, now, Protection.cost(n, p.byteRate));
            past = r.bytes - now - Protection.BURST_NANOS;
        }
        if (r.cell != null && p.addresses.byteRate > 0) {
            past = Math.max(past, AddressRates.consume(r.cell.bytes, now, Protection.cost(n, p.addresses.byteRate)));
        }
        after(c, r, p, past, now);
    }

    /** {@code lines} lines were delivered. */
    static void linesIn(TransportConnection c, int lines) {
        Protection p = c.context.protection();
        if (!p.ratesOn || lines <= 0 || c.outbound || c.context.draining() || c.state == ConnectionState.CLOSED) {
            return;
        }
        assert c.context.inLoop();
        InputRate r = rate(c, p);
        long now = c.context.turnNanos();
        long past = Long.MIN_VALUE;
        if (p.lineRate > 0) {
            r.lines = InputRate.consume(r.lines, now, Protection.cost(lines, p.lineRate));
            past = r.lines - now - Protection.BURST_NANOS;
        }
        if (r.cell != null && p.addresses.lineRate > 0) {
            past = Math.max(past, AddressRates.consume(r.cell.lines, now, Protection.cost(lines, p.addresses.lineRate)));
        }
        after(c, r, p, past, now);
    }

    /** As the connection closes: its address's buckets lose a user. */
    static void closed(TransportConnection c) {
        InputRate r = c.rate;
        if (r != null && r.cell != null) {
            c.context.protection().addresses.leave(r.address);
        }
    }

    private static InputRate rate(TransportConnection c, Protection p) {
        InputRate r = c.rate;
        if (r == null) {
            InetSocketAddress remote = c.remoteAddress();
            boolean shared = p.addresses.enabled() && remote != null && remote.getAddress() != null;
            r = shared ? new InputRate(p.addresses.join(remote.getAddress()), remote.getAddress()) : new InputRate(null, null);
            c.rate = r;
        }
        return r;
    }

    /** Past a limit by {@code past} ns (0 or less: within): pause until the tokens are back, or close if it persists. */
    private static void after(TransportConnection c, InputRate r, Protection p, long past, long now) {
        if (past <= 0 || (c.holds & ReadHolds.RATE) != 0) {
            return;
        }
        if (!r.streak || now - r.lastResume > Protection.BURST_NANOS) {
            r.streak = true; // it ran for a second or more within its limits since the last pause: a new streak
            r.overSince = now;
        } else if (now - r.overSince > p.graceNanos) {
            c.context.log().warnRateLimited(c, "over its rate limit for longer than rate-limit-grace ({} ms), closing",
                    p.graceNanos / 1_000_000);
            ConnectionEvents.closeNow(c, CloseReason.RATE_LIMIT);
            return;
        }
        c.context.counters().increment(Metric.RATE_LIMIT_PAUSES);
        ConnectionEvents.hold(c, ReadHolds.RATE);
        c.context.schedule(c, Math.min(past, p.graceNanos), () -> resume(c));
    }

    private static void resume(TransportConnection c) {
        c.rate.lastResume = c.context.turnNanos();
        ConnectionEvents.release(c, ReadHolds.RATE);
    }
}
