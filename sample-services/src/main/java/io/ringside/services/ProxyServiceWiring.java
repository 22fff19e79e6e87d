package io.ringside.services;

import io.ringside.ServerConfig;
import io.ringside.Setting;
import io.ringside.services.proxy.ProxyOptions;
import io.ringside.services.proxy.RelaySide;
import io.ringside.services.proxy.RelayStats;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The {@code proxy} subcommand: a byte-transparent TCP relay, {@code proxy --listen HOST:PORT --to HOST:PORT}
 * (libevent's {@code le-proxy}). Each accepted connection opens one to the target on the same worker
 * ({@link RelaySide}). Main thread only.
 *
 * <p>Settings whose default differs: no idle or line timeout (a relay may be quiet for long; the idle timeout,
 * when set, counts bytes in either direction). Outbound connections do not count against
 * {@code max-connections}: that limit is on clients, each of which costs two descriptors.
 */
final class ProxyServiceWiring implements ServiceWiring {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyServiceWiring.class);
    static final String DEFAULT_CONNECT_TIMEOUT = "10s";

    @Override
    public Map<Setting, String> defaults() {
        return Map.of(Setting.IDLE_TIMEOUT, "0", Setting.LINE_TIMEOUT, "0");
    }

    @Override
    public void addOptions(CommandSpec spec) {
        spec.addOption(OptionSpec.builder("--listen").paramLabel("HOST:PORT").type(String.class)
                .description("Where to accept clients; the same as --host HOST --port PORT (not together with them).").build());
        spec.addOption(OptionSpec.builder("--to").paramLabel("HOST:PORT").type(String.class)
                .description("Where to relay each client to (required); the name is resolved once, at start.").build());
        spec.addOption(OptionSpec.builder("--connect-timeout").paramLabel("DURATION").type(String.class)
                .description("How long a connect to the target may take before the client is closed. Default: "
                        + DEFAULT_CONNECT_TIMEOUT + ".").build());
    }

    @Override
    public void configure(ParseResult options, ServerConfig.Builder settings) {
        String listen = options.matchedOptionValue("--listen", null);
        if (listen == null) {
            return;
        }
        if (options.hasMatchedOption("--host") || options.hasMatchedOption("--port")) {
            throw new IllegalArgumentException("--listen " + listen + ": give --listen or --host/--port, not both");
        }
        settings.set(Setting.HOST, ProxyOptions.host("--listen", listen));
        settings.set(Setting.PORT, Integer.toString(ProxyOptions.port("--listen", listen)));
    }

    @Override
    public Built build(ServerConfig config, ParseResult options) {
        String to = options.matchedOptionValue("--to", null);
        if (to == null) {
            throw new IllegalArgumentException("proxy: --to HOST:PORT is required (where to relay clients to)");
        }
        InetSocketAddress target = ProxyOptions.resolve("--to", to);
        Duration timeout = ProxyOptions.timeout("--connect-timeout",
                options.matchedOptionValue("--connect-timeout", DEFAULT_CONNECT_TIMEOUT));
        RelayStats stats = new RelayStats();
        LOG.info("proxy: relaying to {}:{} (connect timeout {} ms, output-high-watermark {} bytes per direction)",
                target.getAddress().getHostAddress(), target.getPort(), timeout.toMillis(), config.outputHighWatermark());
        return new Built(() -> RelaySide.client(target, timeout, stats), server -> { },
                () -> LOG.info("proxy: {}", stats.summary()));
    }
}
