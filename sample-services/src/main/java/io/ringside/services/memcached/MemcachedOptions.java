package io.ringside.services.memcached;

import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Parses memcached's own command-line values ({@code -m}, {@code -I}, {@code -o}, {@code -v}) as memcached 1.6
 * reads them. Stateless; main thread (startup). Bad values throw {@link IllegalArgumentException} with a
 * one-line message naming the option.
 */
public final class MemcachedOptions {
    private MemcachedOptions() {
    }

    /** {@code -m}: a plain number is MiB (memcached's meaning); with a k/m/g suffix it is a size. Default 64 MiB. */
    public static long memoryLimitBytes(String value) {
        if (value == null) {
            return 64L << 20;
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        long bytes = v.matches("\\d+") ? parse("-m", v) << 20 : size("-m", v);
        if (bytes < (1L << 20)) {
            throw new IllegalArgumentException("-m " + value + ": at least 1 MiB of item memory");
        }
        return bytes;
    }

    /** {@code -I}: bytes, with k/m suffixes, 1k to 512m. Default 1m. */
    public static int itemSizeMax(String value) {
        if (value == null) {
            return 1 << 20;
        }
        long bytes = size("-I", value.trim().toLowerCase(Locale.ROOT));
        if (bytes < 1024 || bytes > (512L << 20)) {
            throw new IllegalArgumentException("-I " + value + ": the item size limit must be between 1k and 512m");
        }
        return (int) bytes;
    }

    /**
     * {@code -o key=value,...} (each option may hold several, comma-separated): returns {@code idle_timeout} in
     * seconds (null when absent); every other key is reported to {@code warn} and ignored.
     */
    public static Long idleTimeoutSeconds(List<String> extended, Consumer<String> warn) {
        Long idle = null;
        for (String option : extended) {
            for (String item : option.split(",")) {
                String kv = item.trim();
                if (kv.isEmpty()) {
                    continue;
                }
                int eq = kv.indexOf('=');
                String key = eq < 0 ? kv : kv.substring(0, eq);
                if (key.equals("idle_timeout")) {
                    if (eq < 0) {
                        throw new IllegalArgumentException("-o idle_timeout needs a value: idle_timeout=SECONDS");
                    }
                    idle = parse("-o idle_timeout", kv.substring(eq + 1).trim());
                } else {
                    warn.accept("-o " + kv + ": not supported, ignored");
                }
            }
        }
        return idle;
    }

    /** {@code -v} given {@code count} times: 1 keeps INFO, 2 logs connections (DEBUG), 3 or more each line (TRACE). */
    public static void applyVerbosity(int count) {
        if (count < 2) {
            return;
        }
        org.slf4j.Logger logger = org.slf4j.LoggerFactory.getLogger("io.ringside");
        if (logger instanceof ch.qos.logback.classic.Logger) {
            ((ch.qos.logback.classic.Logger) logger).setLevel(count == 2
                    ? ch.qos.logback.classic.Level.DEBUG : ch.qos.logback.classic.Level.TRACE);
        }
    }

    private static long size(String option, String v) {
        long unit = 1;
        if (v.endsWith("k")) {
            unit = 1L << 10;
        } else if (v.endsWith("m")) {
            unit = 1L << 20;
        } else if (v.endsWith("g")) {
            unit = 1L << 30;
        }
        String digits = unit == 1 ? v : v.substring(0, v.length() - 1);
        long n = parse(option, digits);
        if (n > (Long.MAX_VALUE / unit)) {
            throw new IllegalArgumentException(option + " " + v + ": too large");
        }
        return n * unit;
    }

    private static long parse(String option, String digits) {
        try {
            long n = Long.parseLong(digits);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " '" + digits + "': not a number");
        }
    }
}
