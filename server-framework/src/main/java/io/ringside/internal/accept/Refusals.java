package io.ringside.internal.accept;

import io.ringside.Metric;
import io.ringside.internal.stats.ConnectionLog;
import io.ringside.internal.stats.Counters;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;

/**
 * The acceptor's refusals: each one counted ({@link Metric#REFUSED}, exactly once), logged (rate-limited), and
 * sent an error line (the configured text for the reason, then the reply terminator; one write that never
 * blocks, best effort) before the close.
 *
 * <p>Acceptor only (it writes the acceptor's own counters).
 */
final class Refusals {
    private final Counters counters;
    private final ConnectionLog log;
    private final byte[] terminator;
    private final UnaryOperator<String> text;

    Refusals(Counters counters, ConnectionLog log, byte[] terminator, UnaryOperator<String> text) {
        this.counters = counters;
        this.log = log;
        this.terminator = terminator.clone();
        this.text = text;
    }

    /** Refuses {@code ch} for {@code why}: counts, logs, writes the line and closes. */
    void refuse(SocketChannel ch, String why) {
        counters.increment(Metric.REFUSED);
        log.warnRateLimited("acceptor", "refused a connection: {}", why);
        try (ch) {
            ch.configureBlocking(false);
            byte[] line = text.apply(why).getBytes(StandardCharsets.UTF_8);
            ch.write(ByteBuffer.allocate(line.length + terminator.length).put(line).put(terminator).flip());
        } catch (IOException ignored) {
            // nothing more to tell a client that is refused
        }
    }
}
