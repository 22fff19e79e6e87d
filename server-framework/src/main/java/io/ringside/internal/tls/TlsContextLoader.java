package io.ringside.internal.tls;

import io.ringside.TlsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * Builds the server's {@link SSLContext} from the {@code tls-*} settings: the key and chain (PEM, or
 * PKCS#12), the client CA's certificates when client certificates are asked for, and a check that the
 * protocols named are ones the JDK has. A key that does not belong to the certificate is refused here
 * (a signature made with it does not verify with the certificate's key), not at the first handshake.
 *
 * <p>Stateless; thread-safe.
 */
final class TlsContextLoader {
    /** The in-memory key store's password: it never leaves this process. */
    private static final char[] STORE_PASSWORD = "ringside".toCharArray();

    private TlsContextLoader() {
    }

    /** A loaded context and what the log says of its certificate. */
    record Loaded(SSLContext context, String description) {
    }

    static Loaded load(TlsConfig tls) throws IOException, GeneralSecurityException {
        Path certFile = tls.certificate().orElseThrow(() -> new IOException("tls-cert is not set"));
        KeyStore keys;
        char[] keyPassword;
        if (TlsConfig.isPkcs12(certFile)) {
            keyPassword = tls.keyPassword();
            keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(certFile)) {
                keys.load(in, keyPassword);
            } catch (IOException e) {
                throw new IOException(certFile + ": not a PKCS#12 file this tls-key-password opens (" + e.getMessage() + ")", e);
            }
            checkPkcs12(keys, keyPassword, certFile);
        } else {
            Path keyFile = tls.key().orElseThrow(() -> new IOException("tls-key is not set"));
            List<X509Certificate> chain = Pem.certificates(certFile);
            PrivateKey key = Pem.privateKey(keyFile);
            checkPair(key, chain.get(0), keyFile);
            keyPassword = STORE_PASSWORD;
            keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("server", key, keyPassword, chain.toArray(new Certificate[0]));
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, keyPassword);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), clientTrust(tls), null);
        checkProtocols(context, tls.protocols());
        return new Loaded(context, describe(keys));
    }

    private static TrustManager[] clientTrust(TlsConfig tls) throws IOException, GeneralSecurityException {
        if (tls.clientAuth() == TlsConfig.ClientAuth.NONE || tls.clientCa().isEmpty()) {
            return null;
        }
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        int i = 0;
        for (X509Certificate ca : Pem.certificates(tls.clientCa().get())) {
            trusted.setCertificateEntry("ca-" + i++, ca);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        return tmf.getTrustManagers();
    }

    private static void checkProtocols(SSLContext context, List<String> protocols) throws IOException {
        List<String> supported = Arrays.asList(context.getSupportedSSLParameters().getProtocols());
        for (String p : protocols) {
            if (!supported.contains(p)) {
                throw new IOException("tls-protocols: '" + p + "' is not a protocol of this JDK (it has " + String.join(", ", supported) + ")");
            }
        }
    }

    private static void checkPkcs12(KeyStore keys, char[] password, Path file) throws IOException, GeneralSecurityException {
        for (String alias : Collections.list(keys.aliases())) {
            if (keys.isKeyEntry(alias)) {
                Key key = keys.getKey(alias, password);
                Certificate[] chain = keys.getCertificateChain(alias);
                if (key instanceof PrivateKey && chain != null && chain.length > 0) {
                    checkPair((PrivateKey) key, (X509Certificate) chain[0], file);
                    return;
                }
            }
        }
        throw new IOException(file + ": no private key with its certificate chain in it");
    }

    /** Signs with the key and verifies with the certificate: they belong together, or the key is refused. */
    private static void checkPair(PrivateKey key, X509Certificate cert, Path keyFile) throws IOException, GeneralSecurityException {
        String algorithm;
        switch (key.getAlgorithm()) {
            case "RSA":
                algorithm = "SHA256withRSA";
                break;
            case "EC":
                algorithm = "SHA256withECDSA";
                break;
            case "Ed25519":
            case "Ed448":
            case "EdDSA":
                algorithm = key.getAlgorithm();
                break;
            default:
                return; // RSASSA-PSS and others: the handshake will tell
        }
        byte[] probe = "ringside key check".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(probe);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        try {
            verifier.initVerify(cert.getPublicKey());
            verifier.update(probe);
            if (verifier.verify(signature)) {
                return;
            }
        } catch (GeneralSecurityException differentKeyType) {
            // falls through to the refusal
        }
        throw new IOException(keyFile + ": the private key does not belong to the certificate (" + cert.getSubjectX500Principal() + ")");
    }

    private static String describe(KeyStore keys) throws GeneralSecurityException {
        for (String alias : Collections.list(keys.aliases())) {
            Certificate c = keys.getCertificate(alias);
            if (keys.isKeyEntry(alias) && c instanceof X509Certificate) {
                X509Certificate x = (X509Certificate) c;
                return x.getSubjectX500Principal() + ", valid until " + x.getNotAfter().toInstant();
            }
        }
        return "no certificate";
    }
}
