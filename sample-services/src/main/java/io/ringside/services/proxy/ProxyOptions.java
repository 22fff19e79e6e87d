package io.ringside.services.proxy;

import io.ringside.ClientTls;
import io.ringside.ProxyProtocol;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * The proxy's own options, parsed on the main thread before the server starts: {@code HOST:PORT} addresses
 * ({@code [v6]:PORT} too), the connect timeout, TLS to the target (its files read now) and the PROXY header to send. Every bad value is an {@link IllegalArgumentException} with a
 * one-line message for the user. Stateless.
 */
public final class ProxyOptions {
    private ProxyOptions() {
    }

    /** The host part of {@code HOST:PORT}, without IPv6 brackets. */
    public static String host(String option, String hostPort) {
        return split(option, hostPort)[0];
    }

    /** The port part of {@code HOST:PORT} (0 to 65535). */
    public static int port(String option, String hostPort) {
        String digits = split(option, hostPort)[1];
        try {
            int port = Integer.parseInt(digits);
            if (port >= 0 && port <= 65_535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + " " + hostPort + ": the port must be a number from 0 to 65535");
    }

    /**
     * {@code HOST:PORT} resolved now, once (a relay's connects must not look names up on a worker); a port of 0
     * is refused, as nothing can be reached there.
     */
    public static InetSocketAddress resolve(String option, String hostPort) {
        String host = host(option, hostPort);
        int port = port(option, hostPort);
        if (port == 0) {
            throw new IllegalArgumentException(option + " " + hostPort + ": port 0 cannot be connected to");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(option + " " + hostPort + ": unknown host " + host);
        }
    }

    private static String[] split(String option, String hostPort) {
        String text = hostPort == null ? "" : hostPort.trim();
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException(option + " '" + text + "': expected HOST:PORT");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw new IllegalArgumentException(option + " " + text + ": write an IPv6 address in brackets, [::1]:PORT");
        }
        return new String[] {host, text.substring(colon + 1)};
    }

    /**
     * The TLS to the target ({@code --to-tls}, {@code --to-tls-ca}, {@code --to-tls-server-name}), read now: null
     * without {@code --to-tls}.
     */
    public static ClientTls targetTls(boolean on, String caFile, String serverName) {
        if (!on) {
            if (caFile != null || serverName != null) {
                throw new IllegalArgumentException((caFile != null ? "--to-tls-ca" : "--to-tls-server-name") + " needs --to-tls");
            }
            return null;
        }
        ClientTls.Builder b = ClientTls.builder();
        if (caFile != null) {
            b.trustPem(Path.of(caFile));
        }
        if (serverName != null) {
            try {
                b.serverName(serverName);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--to-tls-server-name: " + e.getMessage(), e);
            }
        }
        try {
            return b.build();
        } catch (IOException e) {
            throw new IllegalArgumentException("--to-tls" + (caFile != null ? "-ca " + caFile : "") + ": " + e.getMessage(), e);
        }
    }

    /** {@code --to-proxy-protocol}: v1 or v2 (any case); none when not given. */
    public static ProxyProtocol targetProxyProtocol(String text) {
        if (text == null) {
            return ProxyProtocol.OFF;
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("v1")) {
            return ProxyProtocol.V1;
        }
        if (t.equals("v2")) {
            return ProxyProtocol.V2;
        }
        throw new IllegalArgumentException("--to-proxy-protocol '" + text + "': expected v1 or v2");
    }

    /** A positive duration: {@code 500ms}, {@code 10s}, {@code 2m}, or bare milliseconds. */
    public static Duration timeout(String option, String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        String digits = t;
        if (t.endsWith("ms")) {
            digits = t.substring(0, t.length() - 2);
        } else if (t.endsWith("s")) {
            unit = 1000;
            digits = t.substring(0, t.length() - 1);
        } else if (t.endsWith("m")) {
            unit = 60_000;
            digits = t.substring(0, t.length() - 1);
        }
        try {
            long millis = Math.multiplyExact(Long.parseLong(digits), unit);
            if (millis > 0 && millis <= 3_600_000) {
                return Duration.ofMillis(millis);
            }
        } catch (NumberFormatException | ArithmeticException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + " '" + text + "': expected a duration from 1ms to 60m (ms, s or m)");
    }
}
