package io.ringside.internal.tls;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM files as OpenSSL and certbot write them (RFC 7468): certificates, and private keys in PKCS#8
 * ({@code BEGIN PRIVATE KEY}), PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) or SEC1 ({@code BEGIN EC PRIVATE
 * KEY}). The JDK reads PKCS#8 only, so the other two are wrapped into PKCS#8 here: their DER goes, as it
 * is, into the PrivateKeyInfo's OCTET STRING after the algorithm's identifier (RFC 5208; for EC the
 * named curve comes from the SEC1 key's own parameters, RFC 5915). That is a few lines of DER, so no
 * ASN.1 library is needed. Encrypted keys are refused with a message saying how to decrypt them.
 *
 * <p>Stateless; thread-safe.
 */
final class Pem {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
    /** AlgorithmIdentifier of rsaEncryption (1.2.840.113549.1.1.1) with NULL parameters. */
    private static final byte[] RSA_ALGORITHM = hex("300d06092a864886f70d0101010500");
    /** OID of id-ecPublicKey (1.2.840.10045.2.1). */
    private static final byte[] EC_PUBLIC_KEY_OID = hex("06072a8648ce3d0201");
    private static final byte[] VERSION_0 = {0x02, 0x01, 0x00};

    private Pem() {
    }

    /** The certificates of a PEM file, in file order (the leaf first, as a chain file has them). */
    static List<X509Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        List<X509Certificate> certs = new ArrayList<>();
        for (String[] block : blocks(file)) {
            if (block[0].equals("CERTIFICATE")) {
                byte[] der = decode(file, block[1]);
                certs.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
            }
        }
        if (certs.isEmpty()) {
            throw new IOException(file + ": no PEM certificate (BEGIN CERTIFICATE) in it");
        }
        return certs;
    }

    /** The private key of a PEM file (its first key block). */
    static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
        for (String[] block : blocks(file)) {
            switch (block[0]) {
                case "PRIVATE KEY":
                    return pkcs8(file, decode(file, block[1]));
                case "RSA PRIVATE KEY":
                    return pkcs8(file, sequence(VERSION_0, RSA_ALGORITHM, tlv(0x04, decode(file, block[1]))));
                case "EC PRIVATE KEY":
                    byte[] sec1 = decode(file, block[1]);
                    byte[] algorithm = sequence(EC_PUBLIC_KEY_OID, Der.curveOf(sec1, file));
                    return pkcs8(file, sequence(VERSION_0, algorithm, tlv(0x04, sec1)));
                case "ENCRYPTED PRIVATE KEY":
                    throw new IOException(file + ": the private key is encrypted; decrypt it with"
                            + " 'openssl pkey -in " + file.getFileName() + " -out key.pem' (or use a PKCS#12 tls-cert with tls-key-password)");
                default:
                    // certificates, EC PARAMETERS: not a key
            }
        }
        throw new IOException(file + ": no PEM private key (BEGIN PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY) in it");
    }

    private static PrivateKey pkcs8(Path file, byte[] der) throws IOException {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException | IllegalArgumentException notThisOne) {
                // the next algorithm
            }
        }
        throw new IOException(file + ": the private key is not an RSA, EC or EdDSA key the JDK can read");
    }

    private static List<String[]> blocks(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.ISO_8859_1);
        List<String[]> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            blocks.add(new String[] {m.group(1), m.group(2)});
        }
        return blocks;
    }

    private static byte[] decode(Path file, String base64) throws IOException {
        try {
            return Base64.getMimeDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": bad base64 in a PEM block: " + e.getMessage());
        }
    }

    static byte[] sequence(byte[]... parts) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            content.writeBytes(p);
        }
        return tlv(0x30, content.toByteArray());
    }

    /** One DER element: tag, definite length (short or long form), content. */
    static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int n = content.length;
        if (n < 0x80) {
            out.write(n);
        } else {
            int bytes = n > 0xffffff ? 4 : n > 0xffff ? 3 : n > 0xff ? 2 : 1;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(n >>> (8 * i));
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] hex(String s) {
        byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }
}
