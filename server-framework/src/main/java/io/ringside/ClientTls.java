package io.ringside;

import com.google.common.base.Preconditions;
import com.google.common.net.InetAddresses;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;

/**
 * TLS for outbound connections ({@link ConnectOptions.Builder#tls}): whom to trust, which name the server's
 * certificate must carry, which protocols to offer, and an optional client certificate. The server's certificate
 * is always verified: it must chain to a trusted CA (the JDK's default trust store, or only the CAs of a PEM file)
 * and name the server ({@code HTTPS} endpoint identification, RFC 2818/6125: a DNS name in its subject alternative
 * names, or an IP address for an IP literal). The name is {@link Builder#serverName} when set, else the host of
 * the address connected to; a DNS name is also sent as SNI.
 *
 * <pre>{@code
 * ClientTls tls = ClientTls.builder().trustPem(Path.of("ca.pem")).serverName("backend.example").build();
 * c.connect(backend, Duration.ofSeconds(5), ConnectOptions.builder().tls(tls).build(), handler);
 * }</pre>
 *
 * <p>{@link Builder#build()} reads the files and makes the {@link SSLContext} once, so a connect never reads a file
 * on a worker; build one {@code ClientTls} and share it (its client session cache lets later connects resume).
 *
 * <p>Thread-safe (immutable; the JDK's {@code SSLContext} is thread-safe).
 */
public final class ClientTls {
    /** What the engines offer unless told otherwise: as the server's {@code tls-protocols} default. */
    public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private final SSLContext context;
    private final String serverName;
    private final List<String> protocols;
    private final String description;

    private ClientTls(SSLContext context, String serverName, List<String> protocols, String description) {
        this.context = context;
        this.serverName = serverName;
        this.protocols = protocols;
        this.description = description;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The context the connections' engines come from. */
    public SSLContext context() {
        return context;
    }

    /** The name the server's certificate must carry (and the SNI); empty: the host of the address connected to. */
    public Optional<String> serverName() {
        return Optional.ofNullable(serverName);
    }

    /** The protocol versions offered, in order. */
    public List<String> protocols() {
        return protocols;
    }

    @Override
    public String toString() {
        return description;
    }

    /** Builds a {@link ClientTls}. Not thread-safe; use it on one thread. */
    public static final class Builder {
        private Path trustPem;
        private String serverName;
        private List<String> protocols = DEFAULT_PROTOCOLS;
        private Path clientCertificate;
        private Path clientKey;
        private char[] clientPassword;

        private Builder() {
        }

        /** Trusts only the CA certificates of this PEM file (one or more {@code BEGIN CERTIFICATE} blocks). */
        public Builder trustPem(Path caFile) {
            this.trustPem = Preconditions.checkNotNull(caFile, "caFile");
            return this;
        }

        /** Trusts the JDK's default CAs (its {@code cacerts}); the default. */
        public Builder trustJdkDefaults() {
            this.trustPem = null;
            return this;
        }

        /**
         * The name to verify the server's certificate against and to send as SNI: a DNS name, or an IP literal
         * (verified against the certificate's IP addresses, not sent as SNI, which takes names only).
         *
         * @throws IllegalArgumentException when it is neither
         */
        public Builder serverName(String name) {
            Preconditions.checkNotNull(name, "name");
            if (!InetAddresses.isInetAddress(name)) {
                try {
                    new SNIHostName(name);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("server name '" + name + "' is not a DNS name or an IP address: " + e.getMessage(), e);
                }
            }
            this.serverName = name;
            return this;
        }

        /** The protocol versions to offer, e.g. {@code TLSv1.3}; checked against the JDK's by {@link #build()}. */
        public Builder protocols(List<String> names) {
            Preconditions.checkArgument(!names.isEmpty(), "no TLS protocol named");
            this.protocols = List.copyOf(names);
            return this;
        }

        /** A client certificate: its chain (PEM, leaf first) and its private key (PEM, PKCS#8 {@code BEGIN PRIVATE KEY}). */
        public Builder clientCertificate(Path chainPem, Path keyPem) {
            this.clientCertificate = Preconditions.checkNotNull(chainPem, "chainPem");
            this.clientKey = Preconditions.checkNotNull(keyPem, "keyPem");
            this.clientPassword = null;
            return this;
        }

        /** A client certificate and key from a PKCS#12 file ({@code .p12}, {@code .pfx}) opened with {@code password}. */
        public Builder clientCertificate(Path pkcs12, char[] password) {
            this.clientCertificate = Preconditions.checkNotNull(pkcs12, "pkcs12");
            this.clientKey = null;
            this.clientPassword = password.clone();
            return this;
        }

        /**
         * Reads the files and makes the context.
         *
         * @throws IOException with a one-line message naming the file when one cannot be read or used, or a
         *                     protocol the JDK does not have
         */
        public ClientTls build() throws IOException {
            SSLContext context = ClientTlsFiles.context(trustPem, clientCertificate, clientKey, clientPassword, protocols);
            String description = "TLS to " + (serverName == null ? "the address's host" : serverName) + ", trusting "
                    + (trustPem == null ? "the JDK's CAs" : trustPem.toString()) + ", " + String.join(",", protocols)
                    + (clientCertificate == null ? "" : ", client certificate " + clientCertificate);
            return new ClientTls(context, serverName, protocols, description);
        }
    }
}
