package io.ringside.services;

import io.ringside.ServerConfig;
import io.ringside.Setting;
import io.ringside.server.RingsideServer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine;

/**
 * {@code java -jar ringside.jar <echo|rot13|memcached|proxy> [options]}: parses the command line, layers the
 * configuration (defaults, {@code --config} file, {@code RINGSIDE_*} environment, options), runs the
 * daemon until SIGTERM and exits 0 after the drain. Bad options or an unusable address: one line on
 * stderr and a non-zero exit, no stack trace.
 *
 * <p>Every {@link Setting} becomes an option, so {@code --help} lists them all with their defaults.
 */
public final class RingsideMain {
    static final int EXIT_USAGE = 2;
    static final int EXIT_FAILURE = 1;

    private RingsideMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    /** Runs the daemon (blocking until a stop signal); returns the exit status. */
    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        CommandLine cli = new CommandLine(commandSpec());
        ParseResult parsed;
        try {
            parsed = cli.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            err.println("ringside: " + e.getMessage() + " (see --help)");
            return EXIT_USAGE;
        }
        if (CommandLine.printHelpIfRequested(parsed.asCommandLineList(), out, err, CommandLine.Help.Ansi.OFF)) {
            return 0;
        }
        ParseResult sub = parsed.subcommand();
        if (sub == null) {
            err.println("ringside: missing service: one of echo, rot13, memcached, proxy (see --help)");
            return EXIT_USAGE;
        }
        Service service = Service.valueOf(sub.commandSpec().name().toUpperCase(java.util.Locale.ROOT));
        ServerConfig config;
        try {
            LogFormat.apply(sub.matchedOptionValue("--log-format", null), env);
            config = configure(service, sub, env);
        } catch (IllegalArgumentException e) {
            err.println("ringside: " + e.getMessage());
            return EXIT_USAGE;
        } catch (NoSuchFileException e) {
            err.println("ringside: config file not found: " + e.getFile());
            return EXIT_USAGE;
        } catch (IOException e) {
            err.println("ringside: cannot read config file: " + e.getMessage());
            return EXIT_USAGE;
        }
        ServiceWiring.Built built;
        try {
            built = service.wiring.build(config, sub);
        } catch (IllegalArgumentException | IllegalStateException e) {
            err.println("ringside: " + e.getMessage());
            return EXIT_USAGE;
        }
        return serve(built, config, err);
    }

    static ServerConfig configure(Service service, ParseResult sub, Map<String, String> env) throws IOException {
        ServerConfig.Builder b = ServerConfig.builder().set(Setting.PORT, Integer.toString(service.defaultPort));
        service.wiring.defaults().forEach((s, v) -> b.set(s, v));
        String file = sub.matchedOptionValue("--config", null);
        if (file != null) {
            b.loadProperties(Path.of(file));
        }
        b.applyEnvironment(env);
        for (Setting s : Setting.values()) {
            String v = sub.matchedOptionValue("--" + s.key(), null);
            if (v != null) {
                b.set(s, v);
            }
        }
        service.wiring.configure(sub, b);
        return b.build();
    }

    private static int serve(ServiceWiring.Built built, ServerConfig config, PrintStream err) {
        RingsideServer server = new RingsideServer(config, built.factory());
        built.onServer().accept(server);
        Daemon daemon = new Daemon(server).installSignalHandlers();
        try {
            server.start();
        } catch (IOException | UnresolvedAddressException | SecurityException e) {
            String why = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            err.println("ringside: cannot listen on " + config.host() + ":" + config.port() + ": " + why);
            return EXIT_FAILURE;
        }
        try {
            daemon.runUntilSignalled();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.stop();
        }
        built.afterStop().run();
        return 0;
    }

    static CommandSpec commandSpec() {
        CommandSpec top = CommandSpec.create().name("ringside").mixinStandardHelpOptions(true);
        top.version("ringside 0.1.0");
        top.usageMessage().description("Ringside line-protocol daemons. Run one service:");
        for (Service service : Service.values()) {
            top.addSubcommand(service.command(), serviceSpec(service));
        }
        return top;
    }

    private static CommandSpec serviceSpec(Service service) {
        CommandSpec spec = CommandSpec.create().name(service.command()).mixinStandardHelpOptions(true);
        spec.usageMessage().width(110);
        spec.usageMessage().description(service.description,
                "Settings come from the defaults, then --config FILE, then RINGSIDE_* environment variables,"
                        + " then these options. Sizes take k/m suffixes; durations ms/s/m.");
        spec.addOption(OptionSpec.builder("--config").paramLabel("FILE").type(String.class)
                .description("Properties file of settings (keys as the option names, e.g. max-line-bytes=8k).").build());
        spec.addOption(OptionSpec.builder("--log-format").paramLabel("FORMAT").type(String.class)
                .description("Log lines as text or json (one JSON object per line, the same fields)."
                        + " Default: text; env " + LogFormat.VARIABLE + ".").build());
        for (Setting s : Setting.values()) {
            String def = s == Setting.PORT ? Integer.toString(service.defaultPort)
                    : service.wiring.defaults().getOrDefault(s, s.defaultValue());
            String[] names = names("--" + s.key(), service.wiring.aliases().get(s));
            spec.addOption(OptionSpec.builder(names).paramLabel(s.name()).type(String.class)
                    .description(s.description() + " Default: " + def + "; env " + s.environmentVariable() + ".").build());
        }
        service.wiring.addOptions(spec);
        return spec;
    }

    private static String[] names(String name, String[] aliases) {
        if (aliases == null) {
            return new String[] {name};
        }
        String[] all = new String[aliases.length + 1];
        all[0] = name;
        System.arraycopy(aliases, 0, all, 1, aliases.length);
        return all;
    }
}
