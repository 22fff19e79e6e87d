package io.ringside.internal.tls;

import com.google.common.net.InetAddresses;
import io.ringside.ClientTls;
import io.ringside.internal.transport.Transport;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.Executor;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * The TLS transport of an outbound connection ({@link ClientTls}): a client {@link SSLEngine} from the options'
 * context for the server's name (the options' {@code serverName}, else the host of the address connected to), with
 * {@code HTTPS} endpoint identification (the JDK checks the certificate names the server: its subject alternative
 * DNS names, or its IP addresses for an IP literal), the name as SNI when it is a DNS name, and the protocols asked
 * for; then the same {@link TlsTransport} as a listener's, in client mode. The peer host and port also key the
 * context's session cache, so a later connect to the same server may resume.
 *
 * <p>Stateless; thread-safe (called on the worker that connects).
 */
public final class TlsClients {
    private TlsClients() {
    }

    /**
     * The TLS transport over {@code inner} (the socket, or a PROXY header sender over it) for a connect to
     * {@code address}; the engine's delegated tasks run on {@code tasks}.
     *
     * @throws IllegalArgumentException when the host of {@code address} is no name a certificate can be checked
     *                                  against (and no server name was given)
     */
    public static TlsTransport over(Transport inner, ClientTls tls, InetSocketAddress address, Executor tasks) {
        String name = tls.serverName().orElse(address.getHostString());
        SSLEngine engine = tls.context().createSSLEngine(name, address.getPort());
        engine.setUseClientMode(true);
        SSLParameters p = engine.getSSLParameters();
        p.setProtocols(tls.protocols().toArray(new String[0]));
        p.setEndpointIdentificationAlgorithm("HTTPS");
        if (!InetAddresses.isInetAddress(name)) {
            p.setServerNames(List.of(new SNIHostName(name)));
        }
        engine.setSSLParameters(p);
        return new TlsTransport(inner, engine, tasks);
    }
}
