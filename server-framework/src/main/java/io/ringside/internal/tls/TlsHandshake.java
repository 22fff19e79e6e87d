package io.ringside.internal.tls;

import io.ringside.CloseReason;
import io.ringside.Metric;
import io.ringside.internal.stats.Counters;
import io.ringside.internal.transport.TransportException;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.util.Locale;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How one TLS connection's handshake ended, counted once in its worker's {@link Counters}: done (by protocol
 * version) or failed, by kind ({@link Metric#TLS_FAILED_TIMEOUT}, {@link Metric#TLS_FAILED_NOT_TLS},
 * {@link Metric#TLS_FAILED_ALERT}, {@link Metric#TLS_FAILED_PEER_GONE}, {@link Metric#TLS_FAILED_CLIENT_CERT}).
 * After the handshake it refuses a TLS 1.2 renegotiation.
 *
 * <p>The kind of an engine's refusal is read from what is certain first: the record it refused (a first byte
 * that is no TLS content type, a major version that is not 3: not TLS), a failed integrity check (a bad record),
 * then from the JDK's exception: a fatal alert the peer sent, a client certificate that is missing or does not
 * chain to {@code tls-client-ca} (the JDK names the first "Empty client certificate chain" and fails the second
 * with a {@link CertificateException}), else an alert this side sent for a protocol error (no common version or
 * cipher, an unexpected message). {@code TlsHandshakeCountersTest} drives each kind on the JDKs the build runs.
 *
 * <p>Confined to the connection's worker.
 */
final class TlsHandshake {
    private static final Logger LOG = LoggerFactory.getLogger(TlsHandshake.class);

    private final SSLEngine engine;
    /** The worker's counters, once the connection is bound (null before: nothing is counted). */
    private Counters counters;
    /** The handshake's end was counted (done, or one failure): a connection counts once. */
    private boolean counted;
    /** After the handshake: a protocol before TLS 1.3, where a new handshake is a renegotiation. */
    private boolean renegotiable;

    TlsHandshake(SSLEngine engine) {
        this.engine = engine;
    }

    void bind(Counters counters) {
        this.counters = counters;
    }

    /** The engine reported FINISHED: one handshake of its protocol. */
    void finished() {
        SSLSession session = engine.getSession();
        String protocol = session.getProtocol();
        renegotiable = !"TLSv1.3".equals(protocol);
        LOG.debug("TLS handshake done: {} {}", protocol, session.getCipherSuite());
        count("TLSv1.3".equals(protocol) ? Metric.TLS_HANDSHAKES_TLS13
                : "TLSv1.2".equals(protocol) ? Metric.TLS_HANDSHAKES_TLS12 : Metric.TLS_HANDSHAKES_OTHER);
    }

    /** After the handshake, a step that reports a new one: refused when the protocol could renegotiate. */
    void afterHandshake(HandshakeStatus hs) throws TransportException {
        if (renegotiable && hs != HandshakeStatus.NOT_HANDSHAKING && hs != HandshakeStatus.FINISHED
                && !engine.isInboundDone() && !engine.isOutboundDone()) {
            throw new TransportException(CloseReason.PREFACE_FAILED, "TLS renegotiation refused");
        }
    }

    /**
     * The engine refused the handshake ({@code e}); {@code type} and {@code major} are the first two bytes of the
     * record it was unwrapping (-1: a wrap, or fewer bytes). Counted by kind; the connection closes with
     * {@link CloseReason#TLS_HANDSHAKE_FAILED}.
     */
    TransportException failed(Exception e, int type, int major) {
        String why = e instanceof SSLException ? e.getMessage() : e.toString();
        count(kind(e, why, type, major));
        return new TransportException(CloseReason.TLS_HANDSHAKE_FAILED, "TLS handshake failed: " + why, e);
    }

    /** The transport's own refusal during the handshake (a record longer than any the session allows): not TLS. */
    TransportException refused(TransportException e) {
        if (e.reason() != CloseReason.PREFACE_FAILED) {
            return e; // counted where it was made (an engine's refusal), or not TLS's (a PROXY header's)
        }
        count(Metric.TLS_FAILED_NOT_TLS);
        return new TransportException(CloseReason.TLS_HANDSHAKE_FAILED, e.getMessage(), e);
    }

    /**
     * The connection closes for {@code why} before the handshake ended: a timeout once TLS had its turn
     * ({@code tlsStarted}: no PROXY header still awaited), the peer gone once it had sent a byte ({@code spoke}).
     * A stop, or a failure counted already, counts nothing here.
     */
    void closedEarly(CloseReason why, boolean tlsStarted, boolean spoke) {
        if (why == CloseReason.PREFACE_TIMEOUT && tlsStarted) {
            count(Metric.TLS_FAILED_TIMEOUT);
        } else if ((why == CloseReason.PEER_CLOSED || why == CloseReason.IO_ERROR) && spoke) {
            count(Metric.TLS_FAILED_PEER_GONE);
        }
    }

    private Metric kind(Exception e, String why, int type, int major) {
        if (type >= 0 && (type < 20 || type > 23 || (major >= 0 && major != 3))) {
            return Metric.TLS_FAILED_NOT_TLS; // no TLS record: plaintext, junk, an SSLv2 hello
        }
        String message = why == null ? "" : why.toLowerCase(Locale.ROOT);
        if (has(e, javax.crypto.AEADBadTagException.class) || has(e, javax.crypto.BadPaddingException.class)) {
            return Metric.TLS_FAILED_NOT_TLS; // a record that fails its integrity check: a bad record
        }
        if (message.contains("received fatal alert")) {
            return Metric.TLS_FAILED_ALERT;
        }
        boolean asksCertificate = !engine.getUseClientMode() && (engine.getNeedClientAuth() || engine.getWantClientAuth());
        if (asksCertificate && (has(e, CertificateException.class) || message.contains("client certificate"))) {
            return Metric.TLS_FAILED_CLIENT_CERT;
        }
        if (message.contains("unrecognized ssl message") || message.contains("plaintext connection")) {
            return Metric.TLS_FAILED_NOT_TLS;
        }
        return Metric.TLS_FAILED_ALERT;
    }

    private static boolean has(Throwable e, Class<? extends GeneralSecurityException> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private void count(Metric m) {
        if (!counted && counters != null) {
            counted = true;
            counters.increment(m);
        }
    }
}
