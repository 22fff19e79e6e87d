package io.ringside.services.memcached;

import io.ringside.Connection;

/**
 * The commands about the server rather than one item: {@code flush_all [delay] [noreply]}, {@code version},
 * {@code verbosity <level> [noreply]}, {@code stats [settings|reset|items|slabs|sizes|cachedump|conns]},
 * {@code shutdown} (refused, as memcached without {@code -A}). Token counts are checked by the dispatcher.
 *
 * <p>Stateless apart from the shared {@link MemcachedContext}; called on the connection's worker. {@code stats}
 * allocates (it formats text); the others do not.
 */
final class AdminCommands {
    private static final int MAX_VERBOSITY_LEVEL = 2;

    private final MemcachedContext context;

    AdminCommands(MemcachedContext context) {
        this.context = context;
    }

    /** {@code flush_all}: a delay (an exptime) when a word other than {@code noreply} follows. */
    void flushAll(Connection c, RequestLine r) {
        boolean noreply = r.noreply();
        int delay = 0;
        if (r.ntokens() != (noreply ? 3 : 2)) {
            long e = MemcachedNumbers.int32(r.span(), r.start(1), r.end(1));
            if (e == MemcachedNumbers.INVALID) {
                Replies.send(c, Replies.BAD_EXPTIME, noreply);
                return;
            }
            delay = (int) Math.max(0, e);
        }
        context.store.flushAll(delay);
        Replies.send(c, Replies.OK, noreply);
    }

    /** {@code verbosity}: an unsigned level, kept (capped at 2) for {@code stats settings}. */
    void verbosity(Connection c, RequestLine r) {
        boolean noreply = r.noreply();
        long level = MemcachedNumbers.flags(r.span(), r.start(1), r.end(1));
        if (level == MemcachedNumbers.INVALID) {
            Replies.send(c, Replies.BAD_FORMAT, noreply);
            return;
        }
        context.verbosity = (int) Math.min(level, MAX_VERBOSITY_LEVEL);
        Replies.send(c, Replies.OK, noreply);
    }

    /** {@code stats} and its subcommands; an unknown one is {@code ERROR}. */
    void stats(Connection c, RequestLine r) {
        if (r.ntokens() == 2) {
            c.write(StatsReport.general(context));
        } else if (r.is(1, "settings")) {
            c.write(StatsReport.settings(context));
        } else if (r.is(1, "reset")) {
            context.resetStats();
            c.write(Replies.RESET);
        } else if (r.is(1, "slabs")) {
            c.write(StatsReport.slabs(context));
        } else if (r.is(1, "items")) {
            c.write(StatsReport.items(context));
        } else if (r.is(1, "sizes")) {
            c.write(Replies.SIZES_DISABLED); // as memcached without -o track_sizes
        } else if (r.is(1, "cachedump")) {
            c.write(Replies.CACHEDUMP_NOT_ALLOWED); // as memcached with dump_enabled no, which stats settings says
        } else if (r.is(1, "conns")) {
            c.write(Replies.END); // per-connection statistics are not kept: an empty list
        } else {
            c.write(Replies.ERROR);
        }
    }
}
