package io.ringside;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed identity for the TLS tests, made by the JDK's own {@code keytool} (always there, so no
 * test depends on an installed OpenSSL): a PKCS#12 file, and the same certificate and key written out
 * as PEM (PKCS#8), as an operator would have them. Also the client side's contexts.
 *
 * <p>Thread-safe (immutable once made; each context it builds is new).
 */
final class TlsFixture {
    static final String PASSWORD = "changeit";
    final Path p12;
    final Path certPem;
    final Path keyPem;
    final Certificate certificate;

    private TlsFixture(Path p12, Path certPem, Path keyPem, Certificate certificate) {
        this.p12 = p12;
        this.certPem = certPem;
        this.keyPem = keyPem;
        this.certificate = certificate;
    }

    /** A new key pair ({@code keyAlg}: EC or RSA) and self-signed certificate for {@code CN=cn}, in {@code dir}. */
    static TlsFixture create(Path dir, String cn, String keyAlg) throws Exception {
        Path p12 = dir.resolve(cn + ".p12");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", cn, "-keyalg", keyAlg, "-dname", "CN=" + cn, "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-validity", "30", "-keystore", p12.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD));
        if (keyAlg.equals("RSA")) {
            cmd.addAll(List.of("-keysize", "2048"));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("keytool failed: " + out);
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        PrivateKey key = (PrivateKey) ks.getKey(cn, PASSWORD.toCharArray());
        Certificate cert = ks.getCertificate(cn);
        Path certPem = dir.resolve(cn + "-cert.pem");
        Path keyPem = dir.resolve(cn + "-key.pem");
        Files.writeString(certPem, pem("CERTIFICATE", cert.getEncoded()));
        Files.writeString(keyPem, pem("PRIVATE KEY", key.getEncoded()));
        return new TlsFixture(p12, certPem, keyPem, cert);
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** Settings (pairs for LoopbackServerTest.start) for a TLS listener on a free port with this PEM identity. */
    String[] pemSettings(String... more) {
        List<String> s = new ArrayList<>(List.of("TLS_PORT", "0", "TLS_CERT", certPem.toString(), "TLS_KEY", keyPem.toString()));
        s.addAll(List.of(more));
        return s.toArray(new String[0]);
    }

    /** A client context that trusts only this certificate (and presents {@code clientIdentity}'s, if not null). */
    SSLContext clientContext(TlsFixture clientIdentity) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", certificate);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (clientIdentity != null) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(clientIdentity.p12)) {
                ks.load(in, PASSWORD.toCharArray());
            }
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, PASSWORD.toCharArray());
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    SSLContext clientContext() throws Exception {
        return clientContext(null);
    }
}
