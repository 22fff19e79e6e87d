package io.ringside;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The TLS settings of a {@link ServerConfig} ({@code tls-port}, {@code tls-cert}, {@code tls-key},
 * {@code tls-key-password}, {@code tls-client-ca}, {@code tls-client-auth}, {@code tls-protocols},
 * {@code tls-handshake-timeout}, {@code tls-proxy-protocol}), read as typed values. TLS is on when {@link #port()} is 0 or more.
 *
 * <p>Thread-safe (immutable).
 */
public final class TlsConfig {
    /** Whether and how a client certificate is asked for. */
    public enum ClientAuth { NONE, OPTIONAL, REQUIRED }

    private final ServerConfig config;

    TlsConfig(ServerConfig config) {
        this.config = config;
    }

    /** Whether the server listens with TLS too. */
    public boolean enabled() {
        return port() >= 0;
    }

    /** The TLS port: -1 when there is no TLS listener, 0 for a free port. */
    public int port() {
        return (Integer) config.value(Setting.TLS_PORT);
    }

    /** The certificate chain: a PEM file, or a PKCS#12 file holding the key as well. */
    public Optional<Path> certificate() {
        return path(Setting.TLS_CERT);
    }

    /** The private key's PEM file; empty with a PKCS#12 certificate. */
    public Optional<Path> key() {
        return path(Setting.TLS_KEY);
    }

    /** The password of a PKCS#12 certificate file (empty: none). */
    public char[] keyPassword() {
        return ((String) config.value(Setting.TLS_KEY_PASSWORD)).toCharArray();
    }

    /** The CA certificates client certificates are checked against. */
    public Optional<Path> clientCa() {
        return path(Setting.TLS_CLIENT_CA);
    }

    public ClientAuth clientAuth() {
        return ClientAuth.valueOf(((String) config.value(Setting.TLS_CLIENT_AUTH)).toUpperCase(Locale.ROOT));
    }

    /** The protocol versions offered, in the order given ({@code TLSv1.3}, {@code TLSv1.2}). */
    public List<String> protocols() {
        return Arrays.stream(((String) config.value(Setting.TLS_PROTOCOLS)).split(","))
                .map(String::trim).filter(p -> !p.isEmpty()).toList();
    }

    public Duration handshakeTimeout() {
        return Duration.ofMillis((Long) config.value(Setting.TLS_HANDSHAKE_TIMEOUT));
    }

    /** The PROXY header expected before each TLS handshake ({@code OFF}: none); its timeout is {@code proxy-protocol-timeout}. */
    public ProxyProtocol proxyProtocol() {
        return (ProxyProtocol) config.value(Setting.TLS_PROXY_PROTOCOL);
    }

    /** Whether {@code file} names a PKCS#12 key store (by its extension) rather than PEM. */
    public static boolean isPkcs12(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".p12") || name.endsWith(".pfx");
    }

    private Optional<Path> path(Setting s) {
        String v = (String) config.value(s);
        return v.isEmpty() ? Optional.empty() : Optional.of(Path.of(v));
    }

    /** The checks {@link ServerConfig.Builder#build()} makes of the TLS settings together. */
    static void check(TlsConfig tls) {
        if (!tls.enabled()) {
            return;
        }
        if (tls.certificate().isEmpty()) {
            throw new IllegalArgumentException("tls-port needs tls-cert (a PEM certificate chain with tls-key, or a PKCS#12 file)");
        }
        if (tls.key().isEmpty() && !isPkcs12(tls.certificate().get())) {
            throw new IllegalArgumentException("tls-cert " + tls.certificate().get() + " is not PKCS#12 (.p12, .pfx): tls-key is needed");
        }
        if (tls.clientAuth() != ClientAuth.NONE && tls.clientCa().isEmpty()) {
            throw new IllegalArgumentException("tls-client-auth " + tls.clientAuth().name().toLowerCase(Locale.ROOT)
                    + " needs tls-client-ca");
        }
        if (tls.protocols().isEmpty()) {
            throw new IllegalArgumentException("tls-protocols names no protocol");
        }
    }
}
