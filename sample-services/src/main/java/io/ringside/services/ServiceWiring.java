package io.ringside.services;

import io.ringside.HandlerFactory;
import io.ringside.ServerConfig;
import io.ringside.Setting;
import io.ringside.server.RingsideServer;
import java.util.Map;
import java.util.function.Consumer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

/**
 * How one subcommand becomes a running service: its setting defaults, extra option names, own options, and the
 * handler factory built from the final configuration. Called on the main thread only, before the server starts.
 */
interface ServiceWiring {
    /**
     * The handler factory, what to do once the server exists (e.g. let handlers read its counters), and what to do
     * once it stopped (e.g. log the service's own counters).
     */
    record Built(HandlerFactory factory, Consumer<RingsideServer> onServer, Runnable afterStop) {
        Built(HandlerFactory factory, Consumer<RingsideServer> onServer) {
            this(factory, onServer, () -> { });
        }
    }

    /** Settings whose default differs for this service (applied before the config file). */
    default Map<Setting, String> defaults() {
        return Map.of();
    }

    /** Extra names for a setting's option (memcached's {@code -p} for {@code --port}). */
    default Map<Setting, String[]> aliases() {
        return Map.of();
    }

    /** Adds the service's own options to its subcommand. */
    default void addOptions(CommandSpec spec) {
    }

    /** Applies the service's own options that map onto settings; after the long options. */
    default void configure(ParseResult options, ServerConfig.Builder settings) {
    }

    /**
     * Builds the handlers for {@code config}.
     *
     * @throws IllegalArgumentException or IllegalStateException with a one-line message for the user
     */
    Built build(ServerConfig config, ParseResult options);

    /** A wiring for a stateless handler shared by every connection. */
    static ServiceWiring shared(io.ringside.LineHandler stateless) {
        return (config, options) -> new Built(() -> stateless, server -> { });
    }
}
