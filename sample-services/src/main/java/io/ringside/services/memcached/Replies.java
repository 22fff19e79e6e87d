package io.ringside.services.memcached;

import io.ringside.Connection;
import java.nio.charset.StandardCharsets;

/**
 * The reply lines of memcached 1.6.18's text protocol, byte for byte, as constants (a reply costs no allocation),
 * and the one place that honours {@code noreply}. Stateless; any thread (callers pass their own connection).
 */
final class Replies {
    static final byte[] ERROR = ascii("ERROR\r\n");
    static final byte[] BAD_FORMAT = ascii("CLIENT_ERROR bad command line format\r\n");
    static final byte[] BAD_DATA_CHUNK = ascii("CLIENT_ERROR bad data chunk\r\n");
    static final byte[] BAD_DELTA = ascii("CLIENT_ERROR invalid numeric delta argument\r\n");
    static final byte[] NON_NUMERIC = ascii("CLIENT_ERROR cannot increment or decrement non-numeric value\r\n");
    static final byte[] BAD_EXPTIME = ascii("CLIENT_ERROR invalid exptime argument\r\n");
    static final byte[] DELETE_USAGE = ascii("CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]\r\n");
    static final byte[] TOO_LARGE = ascii("SERVER_ERROR object too large for cache\r\n");
    static final byte[] NO_MEMORY_STORING = ascii("SERVER_ERROR out of memory storing object\r\n");
    static final byte[] NO_MEMORY = ascii("SERVER_ERROR out of memory\r\n");
    static final byte[] SHUTDOWN_DISABLED = ascii("ERROR: shutdown not enabled\r\n");
    static final byte[] STORED = ascii("STORED\r\n");
    static final byte[] NOT_STORED = ascii("NOT_STORED\r\n");
    static final byte[] EXISTS = ascii("EXISTS\r\n");
    static final byte[] NOT_FOUND = ascii("NOT_FOUND\r\n");
    static final byte[] DELETED = ascii("DELETED\r\n");
    static final byte[] TOUCHED = ascii("TOUCHED\r\n");
    static final byte[] OK = ascii("OK\r\n");
    static final byte[] RESET = ascii("RESET\r\n");
    static final byte[] END = ascii("END\r\n");
    static final byte[] MN = ascii("MN\r\n");
    static final byte[] SIZES_DISABLED = ascii("STAT sizes_status disabled\r\nEND\r\n");
    static final byte[] CACHEDUMP_NOT_ALLOWED = ascii("CLIENT_ERROR stats cachedump not allowed\r\n");
    static final byte[] VALUE = ascii("VALUE ");
    static final byte[] CRLF = ascii("\r\n");
    static final byte[] VERSION = ascii("VERSION " + MemcachedContext.VERSION + "\r\n");

    private Replies() {
    }

    /** Writes {@code reply} unless the request said {@code noreply} (which silences errors too, as in memcached). */
    static void send(Connection c, byte[] reply, boolean noreply) {
        if (!noreply) {
            c.write(reply);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
