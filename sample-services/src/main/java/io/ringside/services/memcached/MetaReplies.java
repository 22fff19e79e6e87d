package io.ringside.services.memcached;

import java.nio.charset.StandardCharsets;

/**
 * The reply codes and error lines of memcached 1.6.18's meta protocol, byte for byte (taken from the real server).
 * Constants only; any thread.
 */
final class MetaReplies {
    static final byte[] HD = ascii("HD");
    static final byte[] EN = ascii("EN");
    static final byte[] NF = ascii("NF");
    static final byte[] NS = ascii("NS");
    static final byte[] EX = ascii("EX");
    static final byte[] VA = ascii("VA ");
    static final byte[] INVALID_FLAG = ascii("CLIENT_ERROR invalid flag\r\n");
    static final byte[] DUPLICATE_FLAG = ascii("CLIENT_ERROR duplicate flag\r\n");
    static final byte[] INVALID_OR_DUPLICATE = ascii("CLIENT_ERROR invalid or duplicate flag\r\n");
    static final byte[] BAD_TOKEN = ascii("CLIENT_ERROR bad token in command line format\r\n");
    static final byte[] BAD_INITIAL = ascii("CLIENT_ERROR invalid numeric initial value\r\n");
    static final byte[] BAD_DELTA = ascii("CLIENT_ERROR invalid numeric delta value\r\n");
    static final byte[] OPAQUE_TOO_LONG = ascii("CLIENT_ERROR opaque token too long\r\n");
    static final byte[] BAD_MODE_LENGTH = ascii("CLIENT_ERROR incorrect length for M token\r\n");
    static final byte[] BAD_MS_MODE = ascii("CLIENT_ERROR invalid mode for ms M token\r\n");
    static final byte[] BAD_MA_MODE = ascii("CLIENT_ERROR invalid mode for ma M token\r\n");
    static final byte[] MG_TOO_MANY_FLAGS = ascii("CLIENT_ERROR options flags are too long\r\n");
    static final byte[] TOO_MANY_FLAGS = ascii("CLIENT_ERROR options flags too long\r\n");
    static final byte[] DECODING_KEY = ascii("CLIENT_ERROR error decoding key\r\n");

    private MetaReplies() {
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
