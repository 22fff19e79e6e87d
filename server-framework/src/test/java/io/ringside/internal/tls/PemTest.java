package io.ringside.internal.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PEM key formats OpenSSL writes (the files here were made by {@code openssl genrsa -traditional},
 * {@code openssl ecparam -genkey} and {@code openssl pkey}): each traditional key reads as the same key
 * as its PKCS#8 form, and what cannot be read is a message naming the file.
 */
class PemTest {
    private static final Path KEYS = Path.of("src/test/resources/io/ringside/internal/tls");
    @TempDir
    Path dir;

    @Test
    void anRsaPkcs1KeyIsTheSameKeyAsItsPkcs8Form() throws Exception {
        RSAPrivateCrtKey pkcs1 = (RSAPrivateCrtKey) Pem.privateKey(KEYS.resolve("rsa-pkcs1.pem"));
        RSAPrivateCrtKey pkcs8 = (RSAPrivateCrtKey) Pem.privateKey(KEYS.resolve("rsa-pkcs8.pem"));
        assertEquals(pkcs8.getModulus(), pkcs1.getModulus());
        assertEquals(pkcs8.getPrivateExponent(), pkcs1.getPrivateExponent());
        assertEquals(pkcs8.getPrimeP(), pkcs1.getPrimeP());
    }

    @Test
    void anEcSec1KeyAfterItsParametersBlockIsTheSameKeyAsItsPkcs8Form() throws Exception {
        ECPrivateKey sec1 = (ECPrivateKey) Pem.privateKey(KEYS.resolve("ec-sec1.pem"));
        ECPrivateKey pkcs8 = (ECPrivateKey) Pem.privateKey(KEYS.resolve("ec-pkcs8.pem"));
        assertEquals(pkcs8.getS(), sec1.getS());
        assertEquals(pkcs8.getParams().getCurve(), sec1.getParams().getCurve());
    }

    @Test
    void anEcSec1KeyOfAnotherCurveReadsWithItsCurve() throws Exception {
        ECPrivateKey key = (ECPrivateKey) Pem.privateKey(KEYS.resolve("ec384-sec1.pem"));
        assertEquals(384, key.getParams().getCurve().getField().getFieldSize());
    }

    @Test
    void anEncryptedKeyIsRefusedWithHowToDecryptIt() {
        IOException e = assertThrows(IOException.class, () -> Pem.privateKey(KEYS.resolve("ec-encrypted.pem")));
        assertTrue(e.getMessage().contains("encrypted") && e.getMessage().contains("openssl pkey"), e.getMessage());
    }

    @Test
    void filesWithoutAUsableKeyOrCertificateAreMessagesNamingTheFile() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.pem"), "nothing here\n");
        Path badBase64 = Files.writeString(dir.resolve("bad.pem"), "-----BEGIN PRIVATE KEY-----\n@@@@\n-----END PRIVATE KEY-----\n");
        Path noCurve = Files.writeString(dir.resolve("sec1.pem"), "-----BEGIN EC PRIVATE KEY-----\nMAYCAQEEAQA=\n-----END EC PRIVATE KEY-----\n");
        Path cutSec1 = Files.writeString(dir.resolve("cut.pem"), "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----\n");
        Path notAKey = Files.writeString(dir.resolve("junk.pem"), "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");
        for (Path p : new Path[] {empty, badBase64, noCurve, cutSec1, notAKey}) {
            IOException e = assertThrows(IOException.class, () -> Pem.privateKey(p), p.toString());
            assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
        }
        IOException e = assertThrows(IOException.class, () -> Pem.certificates(KEYS.resolve("rsa-pkcs8.pem")));
        assertTrue(e.getMessage().contains("no PEM certificate"), e.getMessage());
    }

    @Test
    void derLengthsAreWrittenInShortAndLongForm() {
        assertArrayEquals(new byte[] {0x04, 0x01, 0x07}, Pem.tlv(0x04, new byte[] {7}));
        byte[] big = Pem.tlv(0x04, new byte[300]);
        assertArrayEquals(new byte[] {0x04, (byte) 0x82, 0x01, 0x2c}, java.util.Arrays.copyOf(big, 4));
        assertEquals(304, big.length);
    }
}
