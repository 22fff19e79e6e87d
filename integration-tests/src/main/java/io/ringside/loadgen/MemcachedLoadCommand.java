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
 * {@code ringside-loadgen memcached ...}: the memcached mode's command line ({@link MemcachedLoad}).
 * Exit status 0 when every value was right and at least one request completed, 1 otherwise, 2 for
 * bad options.
 *
 * <p>Threading: one instance per invocation, used by the calling thread.
 */
@Command(name = "ringside-loadgen memcached", mixinStandardHelpOptions = true, sortOptions = false,
        version = "ringside-loadgen 0.1.0",
        description = {"memcached text protocol load: a get/set mix, each connection on keys of its own, every "
                + "returned value checked against the version it set; a miss of a key that was set is an error "
                + "(give the server memory for keys x value-size).",
                "Targets 127.0.0.0/8 only. Exit status: 0 ok, 1 errors or no request, 2 bad options."})
public final class MemcachedLoadCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;
    private final PrintStream out;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "target, 127.0.0.0/8 only (default ${DEFAULT-VALUE})")
    private String host;
    @Option(names = "--port", required = true, description = "target port")
    private int port;
    @Option(names = "--conns", defaultValue = "4", description = "connections, one thread each (default ${DEFAULT-VALUE})")
    private int conns;
    @Option(names = "--depth", defaultValue = "1", description = "requests pipelined per batch (default ${DEFAULT-VALUE})")
    private int depth;
    @Option(names = "--get-ratio", defaultValue = "0.9", description = "share of gets, 0..1 (default ${DEFAULT-VALUE})")
    private double getRatio;
    @Option(names = "--keys", defaultValue = "10000", description = "key space (default ${DEFAULT-VALUE})")
    private int keys;
    @Option(names = "--value-size", defaultValue = "32", description = "bytes per value (default ${DEFAULT-VALUE})")
    private int valueSize;
    @Option(names = "--multi-get", defaultValue = "1", description = "keys per get (default ${DEFAULT-VALUE})")
    private int multiGet;
    @Option(names = "--seconds", description = "measured seconds (default 10 unless --requests is given)")
    private Double seconds;
    @Option(names = "--requests", description = "stop after this many verified requests (gets + sets)")
    private Long requests;
    @Option(names = "--warmup", defaultValue = "0", description = "seconds of load before measuring (default ${DEFAULT-VALUE})")
    private double warmup;
    @Option(names = "--no-prefill", description = "do not set every key before the load (gets miss at first)")
    private boolean noPrefill;
    @Option(names = "--timeout", defaultValue = "10", description = "seconds for a connect or a batch's replies (default ${DEFAULT-VALUE})")
    private double timeout;
    @Option(names = "--quiet", description = "no per-second progress lines")
    private boolean quiet;
    @Option(names = "--server-pid", defaultValue = "-1",
            description = "process id of the server: its CPU time in the window is reported (default: not measured)")
    private long serverPid;
    @Option(names = "--json", description = "also write the report as one JSON line to this file")
    private Path json;

    public MemcachedLoadCommand(PrintStream out) {
        this.out = out;
    }

    public static CommandLine commandLine(PrintStream out) {
        return new CommandLine(new MemcachedLoadCommand(out));
    }

    @Override
    public Integer call() {
        MemcachedLoadOptions options;
        try {
            boolean noBound = seconds == null && requests == null;
            options = MemcachedLoadOptions.builder(port).host(Loopback.parse(host)).conns(conns).depth(depth)
                    .getRatio(getRatio).keys(keys).valueSize(valueSize).multiGet(multiGet)
                    .seconds(noBound ? 10 : seconds == null ? 0 : seconds).requests(requests == null ? 0 : requests)
                    .warmup(warmup).prefill(!noPrefill).timeout(timeout).quiet(quiet).build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        MemcachedReport report = MemcachedLoad.run(options, out, serverPid);
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
        return report.ok() ? 0 : 1;
    }
}
