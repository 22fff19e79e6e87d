package io.ringside.services;

import io.ringside.ClientTls;
import io.ringside.ProxyProtocol;
import io.ringside.ServerConfig;
import io.ringside.Setting;
import io.ringside.services.proxy.ProxyOptions;
import io.ringside.services.proxy.RelaySide;
import io.ringside.services.proxy.RelayStats;
import io.ringside.services.proxy.RelayTarget;
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
 * <p>The target side: {@code --to-tls} (with {@code --to-tls-ca}, {@code --to-tls-server-name}; the certificate is
 * always verified, and there is no option to turn that off: a target with a self-signed certificate is trusted by
 * giving that certificate as {@code --to-tls-ca}) and {@code --to-proxy-protocol v1|v2}. The client side: the
 * daemon's own settings, {@code tls-port}/{@code tls-cert}/{@code tls-key} (a TLS listener whose connections are
 * relayed like the plain one's) and {@code proxy-protocol}.
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
                .description("How long a connect to the target (and its TLS handshake) may take before the client is"
                        + " closed. Default: " + DEFAULT_CONNECT_TIMEOUT + ".").build());
        spec.addOption(OptionSpec.builder("--to-tls").type(boolean.class).arity("0")
                .description("Speak TLS to the target; its certificate is verified (a trusted CA, and the target's name"
                        + " in it). Default: plain TCP.").build());
        spec.addOption(OptionSpec.builder("--to-tls-ca").paramLabel("FILE").type(String.class)
                .description("With --to-tls: trust only the CA certificates of this PEM file. Default: the JDK's CAs.").build());
        spec.addOption(OptionSpec.builder("--to-tls-server-name").paramLabel("NAME").type(String.class)
                .description("With --to-tls: the name the target's certificate must carry, also sent as SNI. Default: the"
                        + " host of --to.").build());
        spec.addOption(OptionSpec.builder("--to-proxy-protocol").paramLabel("v1|v2").type(String.class)
                .description("Send a PROXY protocol header first on each connection to the target, naming the client"
                        + " (from the listener's own PROXY header when proxy-protocol is set, else the socket's peer)."
                        + " Default: none.").build());
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
        InetSocketAddress address = ProxyOptions.resolve("--to", to);
        Duration timeout = ProxyOptions.timeout("--connect-timeout",
                options.matchedOptionValue("--connect-timeout", DEFAULT_CONNECT_TIMEOUT));
        ClientTls tls = ProxyOptions.targetTls(options.matchedOptionValue("--to-tls", false),
                options.matchedOptionValue("--to-tls-ca", null), options.matchedOptionValue("--to-tls-server-name", null));
        ProxyProtocol header = ProxyOptions.targetProxyProtocol(options.matchedOptionValue("--to-proxy-protocol", null));
        RelayTarget target = new RelayTarget(address, timeout, tls, header);
        RelayStats stats = new RelayStats();
        LOG.info("proxy: relaying to {} (connect timeout {} ms, output-high-watermark {} bytes per direction)",
                target.describe(), timeout.toMillis(), config.outputHighWatermark());
        return new Built(() -> RelaySide.client(target, stats), server -> { },
                () -> LOG.info("proxy: {}", stats.summary()));
    }
}
