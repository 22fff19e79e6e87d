package io.ringside.internal.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The little DER reading {@link Pem} needs: the named curve inside a SEC1 EC private key (RFC 5915:
 * {@code SEQUENCE { INTEGER 1, OCTET STRING key, [0] OBJECT IDENTIFIER curve OPTIONAL, [1] BIT STRING
 * OPTIONAL }}). Every length is checked against the bytes there are, so a broken file is an error
 * message, never an exception from an index.
 *
 * <p>Stateless; thread-safe.
 */
final class Der {
    private Der() {
    }

    /** The curve's OBJECT IDENTIFIER element (tag, length, content) of a SEC1 key. */
    static byte[] curveOf(byte[] sec1, Path file) throws IOException {
        int[] outer = element(sec1, 0, 0x30, file);
        int at = outer[0];
        int end = outer[1];
        for (int i = 0; i < 2; i++) { // the version, then the key
            at = element(sec1, at, -1, file)[1];
        }
        while (at < end) {
            int[] e = element(sec1, at, -1, file);
            if ((sec1[at] & 0xff) == 0xa0) {
                int[] oid = element(sec1, e[0], 0x06, file);
                return Arrays.copyOfRange(sec1, e[0], oid[1]);
            }
            at = e[1];
        }
        throw new IOException(file + ": the EC private key names no curve (write it with 'openssl pkey' as PKCS#8)");
    }

    /** The element at {@code at}: {content start, end}; checks the tag when {@code tag} is not -1. */
    private static int[] element(byte[] der, int at, int tag, Path file) throws IOException {
        if (at + 2 > der.length || (tag != -1 && (der[at] & 0xff) != tag)) {
            throw broken(file);
        }
        int first = der[at + 1] & 0xff;
        int start = at + 2;
        long length = first;
        if (first >= 0x80) {
            int bytes = first & 0x7f;
            if (bytes == 0 || bytes > 3 || start + bytes > der.length) {
                throw broken(file);
            }
            length = 0;
            for (int i = 0; i < bytes; i++) {
                length = (length << 8) | (der[start + i] & 0xff);
            }
            start += bytes;
        }
        if (start + length > der.length) {
            throw broken(file);
        }
        return new int[] {start, (int) (start + length)};
    }

    private static IOException broken(Path file) {
        return new IOException(file + ": the EC private key is not valid DER");
    }
}
