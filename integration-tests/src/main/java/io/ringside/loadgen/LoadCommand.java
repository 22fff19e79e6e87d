package io.ringside.loadgen;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The command line of the load generator: parses the options into {@link LoadOptions}, runs
 * {@link LoadGenerator#run}, prints the summary (and writes the JSON) and returns the exit status:
 * 0 when every reply was right, nothing was lost and at least one request completed; 1 otherwise;
 * 2 for bad options (picocli's usage status).
 *
 * <p>Threading: one instance per invocation, used by the calling thread; picocli fills the option
 * fields (hence not final) before {@link #call()}.
 */
@Command(name = "ringside-loadgen", mixinStandardHelpOptions = true, sortOptions = false,
        version = "ringside-loadgen 0.1.0",
        description = {"Load generator for line protocols (echo / ROT13): many non-blocking connections, "
                + "every reply checked byte for byte, latency percentiles.",
                "Targets 127.0.0.0/8 only. Exit status: 0 ok, 1 errors/losses/no request, 2 bad options."})
public final class LoadCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "target, 127.0.0.0/8 only (default ${DEFAULT-VALUE})")
    private String host;

    @Option(names = "--port", required = true, description = "target port")
    private int port;

    @Option(names = "--conns", defaultValue = "50", description = "connections (default ${DEFAULT-VALUE})")
    private int conns;

    @Option(names = "--depth", defaultValue = "1", description = "lines in flight per connection (default ${DEFAULT-VALUE})")
    private int depth;

    @Option(names = "--size", defaultValue = "32", description = "bytes per line including the newline, min 16 (default ${DEFAULT-VALUE})")
    private int size;

    @Option(names = "--seconds", description = "measured seconds (default 10 unless --requests is given)")
    private Double seconds;

    @Option(names = "--requests", description = "stop after this many verified replies (whichever bound comes first; "
            + "alone, the run is still capped at " + (int) LoadOptions.REQUESTS_ONLY_CAP_SECONDS + " s by the overrun guard)")
    private Long requests;

    @Option(names = "--warmup", defaultValue = "0", description = "seconds of load before measuring (default ${DEFAULT-VALUE})")
    private double warmup;

    @Option(names = "--mode", defaultValue = "echo", description = "expected reply: echo|rot13 (default ${DEFAULT-VALUE})")
    private ReplyMode mode;

    @Option(names = "--churn", description = "each connection: connect, send one line, read the reply, close, repeat")
    private boolean churn;

    @Option(names = "--tls", description = "speak TLS (TLS 1.3 or 1.2, as the server chooses); any server certificate is "
            + "accepted, since every reply byte is verified; no session resumption (with --churn: full handshakes, "
            + "reported as handshakes/s)")
    private boolean tls;

    @Option(names = "--tls-protocol", paramLabel = "P", description = "with --tls: offer only " + LoadOptions.TLS13 + " or "
            + LoadOptions.TLS12)
    private String tlsProtocol;

    @Option(names = "--server-pid", defaultValue = "-1", paramLabel = "PID", description = "the server's process id: its CPU "
            + "time in the measured window is reported, per second and per request (Linux /proc)")
    private long serverPid;

    @Option(names = "--src-ips", defaultValue = "1", description = "bind sockets round-robin to N source addresses 127.0.0.F..127.0.0.F+N-1 "
            + "(F: --src-ip-first), port chosen at connect (Linux; outside the jar needs "
            + "--add-opens java.base/sun.nio.ch=ALL-UNNAMED) (default ${DEFAULT-VALUE}: no bind unless --src-ip-first is given)")
    private int srcIps;

    @Option(names = "--src-ip-first", defaultValue = "1", paramLabel = "F", description = "last octet of the first source address, "
            + "so that several generator processes use distinct address sets (default ${DEFAULT-VALUE})")
    private int srcIpFirst;

    @Option(names = "--interval", paramLabel = "MS", description = "paced mode: each connection sends one line every MS ms, "
            + "at a random phase spread evenly over the interval (a tick is skipped while --depth lines are unanswered)")
    private Long interval;

    @Option(names = "--idle", description = "open the connections and hold them for --seconds, sending nothing; "
            + "ok when every one is still up at the end")
    private boolean idle;

    @Option(names = "--reconnect", description = "steady mode: re-open a connection the server closes or resets and send "
            + "its unanswered lines again (same sequence numbers); at the end send nothing new and wait up to --grace "
            + "for every answer. Reports lines sent, answered, resent, lost and answered twice")
    private boolean reconnect;

    @Option(names = "--ramp-seconds", defaultValue = "0", description = "open the connections evenly over this many seconds "
            + "(each process: conns / ramp per second), so thousands of connects do not overflow the server's "
            + "listen backlog (default ${DEFAULT-VALUE}: at once, at most 256 connecting per thread)")
    private double rampSeconds;

    @Option(names = "--threads", defaultValue = "1", description = "selector threads (default ${DEFAULT-VALUE})")
    private int threads;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the summary as JSON to FILE")
    private Path json;

    @Option(names = "--quiet", description = "no per-second progress")
    private boolean quiet;

    @Option(names = "--connect-timeout", defaultValue = "10", description = "seconds for a connect attempt and for the connect phase (default ${DEFAULT-VALUE})")
    private double connectTimeout;

    @Option(names = "--grace", defaultValue = "10", description = "seconds past the planned end before the overrun guard stops the run; with --reconnect also how long "
            + "the end waits for the last answers (default ${DEFAULT-VALUE})")
    private double grace;

    private final PrintStream out;

    /** A command that prints to {@code out} (progress and summary). */
    public LoadCommand(PrintStream out) {
        this.out = out;
    }

    /** A picocli command line for a new {@link LoadCommand} printing to {@code out}. */
    public static CommandLine commandLine(PrintStream out) {
        return new CommandLine(new LoadCommand(out)).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public Integer call() {
        LoadOptions options = toOptions();
        LoadReport report = LoadGenerator.run(options, out);
        out.print(report.summary());
        out.flush();
        if (json != null) {
            try {
                Files.writeString(json, report.toJson() + System.lineSeparator(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                System.err.println("ringside-loadgen: cannot write " + json + ": " + e);
                return 1;
            }
        }
        return report.exitCode();
    }

    /** The options as given; bad values become a usage error (exit status 2). */
    private LoadOptions toOptions() {
        try {
            boolean noBound = seconds == null && requests == null;
            if (interval != null && interval < 1) {
                throw new IllegalArgumentException("--interval must be at least 1 ms: " + interval);
            }
            return LoadOptions.builder(port)
                    .host(Loopback.parse(host))
                    .conns(conns).depth(depth).size(size)
                    .seconds(noBound ? 10 : seconds == null ? 0 : seconds)
                    .requests(requests == null ? 0 : requests)
                    .warmup(warmup).mode(mode).churn(churn).srcIps(srcIps).threads(threads).quiet(quiet)
                    .connectTimeout(connectTimeout).grace(grace)
                    .intervalMillis(interval == null ? 0 : interval).idle(idle).rampSeconds(rampSeconds)
                    .srcIpFirst(srcIpFirst).reconnect(reconnect).tls(tls).tlsProtocol(tlsProtocol).serverPid(serverPid)
                    .build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }
}
