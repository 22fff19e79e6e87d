package io.ringside.services;

import io.ringside.ServerConfig;
import io.ringside.Setting;
import io.ringside.services.memcached.MemcachedContext;
import io.ringside.services.memcached.MemcachedHandler;
import io.ringside.services.memcached.MemcachedMetrics;
import io.ringside.services.memcached.MemcachedOptions;
import io.ringside.services.memcached.MemcachedSettings;
import io.ringside.services.memcached.store.CacheStore;
import io.ringside.services.memcached.store.StoreConfig;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The {@code memcached} subcommand: memcached's defaults and short options on top of Ringside's settings, and
 * one {@link CacheStore} shared by every connection's {@link MemcachedHandler}. Main thread only.
 *
 * <p>Options that map onto a setting are aliases of its option ({@code -p} is {@code --port}); the others are
 * the store's ({@code -m}, {@code -I}) or accepted for compatibility ({@code -u}, {@code -U 0}, {@code -o}).
 */
final class MemcachedServiceWiring implements ServiceWiring {
    private static final Logger LOG = LoggerFactory.getLogger(MemcachedServiceWiring.class);

    @Override
    public Map<Setting, String> defaults() {
        return Map.of(Setting.END_OF_LINE, "CRLF",
                Setting.MAX_LINE_BYTES, "256k", // long multi-gets; other lines over 2 KiB close (MemcachedHandler)
                Setting.WORKERS, "4",
                Setting.MAX_CONNECTIONS, "1024",
                Setting.LINES_PER_WAKEUP, "20",
                Setting.IDLE_TIMEOUT, "0",
                Setting.LINE_TIMEOUT, "0",
                Setting.REFUSED_REPLY, "ERROR Too many open connections");
    }

    @Override
    public Map<Setting, String[]> aliases() {
        return Map.of(Setting.PORT, new String[] {"-p"},
                Setting.HOST, new String[] {"-l", "--listen"},
                Setting.MAX_CONNECTIONS, new String[] {"-c", "--conn-limit"},
                Setting.WORKERS, new String[] {"-t", "--threads"},
                Setting.LINES_PER_WAKEUP, new String[] {"-R", "--max-reqs-per-event"});
    }

    @Override
    public void addOptions(CommandSpec spec) {
        spec.addOption(OptionSpec.builder("-m", "--memory-limit").paramLabel("MiB").type(String.class)
                .description("memcached -m: item memory in MiB (k/m/g suffixes: a size). Default: 64."
                        + " The JVM needs -XX:MaxDirectMemorySize of at least this; give it an eighth more for the"
                        + " index and 64m for buffers.").build());
        spec.addOption(OptionSpec.builder("-I", "--max-item-size").paramLabel("SIZE").type(String.class)
                .description("memcached -I: largest item, bytes with k/m suffixes (1k to 512m). Default: 1m.").build());
        spec.addOption(OptionSpec.builder("-v", "--verbose").type(boolean[].class).arity("0")
                .description("memcached -v: -v logs connections at INFO, -vv each connection at DEBUG, -vvv each line (TRACE).")
                .build());
        spec.addOption(OptionSpec.builder("-o", "--extended").paramLabel("KEY=VALUE,...").type(String[].class)
                .description("memcached -o: idle_timeout=SECONDS is honoured; other keys are ignored with a warning.")
                .build());
        spec.addOption(OptionSpec.builder("-u", "--user").paramLabel("USER").type(String.class)
                .description("memcached -u: accepted and ignored (a JVM cannot drop privileges; run as that user).")
                .build());
        spec.addOption(OptionSpec.builder("-U", "--udp-port").paramLabel("0").type(String.class)
                .description("memcached -U: only 0 (UDP off, memcached 1.6's default) is accepted.").build());
    }

    @Override
    public void configure(ParseResult options, ServerConfig.Builder settings) {
        Long idle = MemcachedOptions.idleTimeoutSeconds(extended(options), LOG::warn);
        if (idle != null) {
            settings.set(Setting.IDLE_TIMEOUT, idle + "s");
        }
        String udp = options.matchedOptionValue("-U", null);
        if (udp != null && !udp.trim().equals("0")) {
            throw new IllegalArgumentException("-U " + udp + ": UDP is not supported; only -U 0 is accepted");
        }
    }

    @Override
    public Built build(ServerConfig config, ParseResult options) {
        long memory = MemcachedOptions.memoryLimitBytes(options.matchedOptionValue("-m", null));
        int itemMax = MemcachedOptions.itemSizeMax(options.matchedOptionValue("-I", null));
        boolean[] verbose = options.matchedOptionValue("-v", new boolean[0]);
        String user = options.matchedOptionValue("-u", null);
        if (user != null && !user.equals(System.getProperty("user.name"))) {
            LOG.warn("-u {}: ignored, running as {} (a JVM cannot switch users; start it as {})", user,
                    System.getProperty("user.name"), user);
        }
        MemcachedOptions.applyVerbosity(verbose.length);
        CacheStore store = new CacheStore(StoreConfig.builder().memoryLimitBytes(memory).itemSizeMax(itemMax)
                .workers(config.workers()).build());
        long idleSeconds = config.idleTimeout().toSeconds();
        MemcachedSettings settings = new MemcachedSettings(memory, config.maxConnections(), config.port(),
                config.host(), verbose.length, config.workers(), config.linesPerWakeup(), itemMax, idleSeconds);
        MemcachedContext context = new MemcachedContext(store, settings);
        LOG.info("memcached: {} MiB of item memory, items up to {} bytes, {} workers", memory >> 20, itemMax,
                config.workers());
        return new Built(() -> new MemcachedHandler(context), server -> {
            context.serverStats(server::stats);
            server.addServiceMetrics(new MemcachedMetrics(context));
        });
    }

    private static List<String> extended(ParseResult options) {
        String[] values = options.matchedOptionValue("-o", new String[0]);
        return List.of(values);
    }
}
