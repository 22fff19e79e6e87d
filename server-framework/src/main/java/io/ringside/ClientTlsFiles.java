package io.ringside;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * The files of a {@link ClientTls}, read with the JDK alone: CA certificates from PEM (the JDK's
 * {@code CertificateFactory} reads PEM bundles, text between blocks included), a client key store in PKCS#12, or a
 * client chain in PEM with its PKCS#8 key. (The server's {@code tls-key} also takes PKCS#1 and SEC1 keys; that
 * reader lives in the machinery, which this API package must not depend on. A client key in those forms is refused
 * with the {@code openssl} command that converts it.)
 *
 * <p>Stateless; thread-safe.
 */
final class ClientTlsFiles {
    private static final Pattern PKCS8 = Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]*?)-----END PRIVATE KEY-----");
    /** The in-memory key store's password: it never leaves this process. */
    private static final char[] STORE_PASSWORD = "ringside-client".toCharArray();
    private static final List<String> KEY_ALGORITHMS = List.of("EC", "RSA", "Ed25519", "Ed448", "RSASSA-PSS");

    private ClientTlsFiles() {
    }

    static SSLContext context(Path trustPem, Path clientCertificate, Path clientKey, char[] clientPassword, List<String> protocols)
            throws IOException {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers(clientCertificate, clientKey, clientPassword), trustManagers(trustPem), null);
            List<String> supported = Arrays.asList(context.getSupportedSSLParameters().getProtocols());
            for (String p : protocols) {
                if (!supported.contains(p)) {
                    throw new IOException("TLS protocol '" + p + "' is not one of this JDK's (" + String.join(", ", supported) + ")");
                }
            }
            return context;
        } catch (NoSuchFileException e) {
            throw new IOException("TLS: no such file: " + e.getFile(), e);
        } catch (GeneralSecurityException e) {
            throw new IOException("TLS: " + e.getMessage(), e);
        }
    }

    private static TrustManager[] trustManagers(Path pem) throws IOException, GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        if (pem == null) {
            tmf.init((KeyStore) null); // the JDK's cacerts
            return tmf.getTrustManagers();
        }
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        int i = 0;
        for (Certificate ca : certificates(pem)) {
            trusted.setCertificateEntry("ca-" + i++, ca);
        }
        tmf.init(trusted);
        return tmf.getTrustManagers();
    }

    private static Collection<? extends Certificate> certificates(Path pem) throws IOException, GeneralSecurityException {
        byte[] text = Files.readAllBytes(pem);
        Collection<? extends Certificate> certs = List.of();
        if (new String(text, StandardCharsets.ISO_8859_1).contains("-----BEGIN CERTIFICATE-----")) {
            try {
                certs = CertificateFactory.getInstance("X.509").generateCertificates(new java.io.ByteArrayInputStream(text));
            } catch (GeneralSecurityException e) {
                throw new IOException(pem + ": damaged PEM certificate (" + e.getMessage() + ")", e);
            }
        }
        if (certs.isEmpty()) {
            throw new IOException(pem + ": no PEM certificate (BEGIN CERTIFICATE) in it");
        }
        return certs;
    }

    private static KeyManager[] keyManagers(Path certificate, Path key, char[] password) throws IOException, GeneralSecurityException {
        if (certificate == null) {
            return null;
        }
        KeyStore keys = KeyStore.getInstance("PKCS12");
        char[] keyPassword;
        if (key == null) {
            keyPassword = password;
            try (InputStream in = Files.newInputStream(certificate)) {
                keys.load(in, password);
            } catch (IOException e) {
                if (e instanceof NoSuchFileException) {
                    throw e;
                }
                throw new IOException(certificate + ": not a PKCS#12 file this password opens (" + e.getMessage() + ")", e);
            }
        } else {
            keyPassword = STORE_PASSWORD;
            keys.load(null, null);
            keys.setKeyEntry("client", privateKey(key), keyPassword, certificates(certificate).toArray(new Certificate[0]));
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, keyPassword);
        return kmf.getKeyManagers();
    }

    private static PrivateKey privateKey(Path pem) throws IOException, GeneralSecurityException {
        String text = Files.readString(pem, StandardCharsets.US_ASCII);
        Matcher m = PKCS8.matcher(text);
        if (!m.find()) {
            String hint = text.contains("BEGIN RSA PRIVATE KEY") || text.contains("BEGIN EC PRIVATE KEY")
                    ? "; convert it with 'openssl pkcs8 -topk8 -nocrypt -in " + pem.getFileName() + " -out key-pkcs8.pem'" : "";
            throw new IOException(pem + ": no PKCS#8 private key (BEGIN PRIVATE KEY) in it" + hint);
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(m.group(1));
        } catch (IllegalArgumentException e) {
            throw new IOException(pem + ": the private key's base64 is damaged", e);
        }
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (InvalidKeySpecException | java.security.NoSuchAlgorithmException notThisOne) {
                // the next algorithm
            }
        }
        throw new IOException(pem + ": a private key of an algorithm this JDK does not read (" + KEY_ALGORITHMS + " tried)");
    }
}
