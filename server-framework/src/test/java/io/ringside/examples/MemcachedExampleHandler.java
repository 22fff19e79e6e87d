package io.ringside.examples;

import io.ringside.ByteSpan;
import io.ringside.Connection;
import io.ringside.EndOfLine;
import io.ringside.LineHandler;
import io.ringside.RequestException;
import io.ringside.SpanTokens;

/**
 * The core of memcached's text protocol on the framework's API, as a test of that API: {@code get} with
 * many keys and {@code set} with its {@code <data>\r\n} block (a terminated block), replies byte-exact to
 * memcached's. Not the daemon (that lives in sample-services): flags are kept, exptime is ignored.
 *
 * <p>Confined to its connection's worker; the {@link ExampleStore} it shares with the other connections
 * is thread-safe. Allocation-free per request in steady state: tokens are parsed in place, the key and
 * value are copied into per-connection scratch arrays that only grow.
 */
final class MemcachedExampleHandler extends LineHandler {
    static final int MAX_KEY = 250;
    static final int MAX_VALUE = 1024 * 1024;
    private static final RequestException BAD_FORMAT = new RequestException("CLIENT_ERROR bad command line format");
    private static final RequestException TOO_LARGE = new RequestException("SERVER_ERROR object too large for cache");

    private final ExampleStore store;
    private final SpanTokens tokens = new SpanTokens();
    private final byte[] keyBytes = new byte[MAX_KEY];
    private final ExampleStore.ArrayKey key = new ExampleStore.ArrayKey(keyBytes, 0);
    private byte[] value = new byte[1024];
    private int valueLength;
    private int expected;
    private boolean noreply;
    private boolean swallow;
    private final ExampleStore.ValueWriter valueWriter = MemcachedExampleHandler::writeValue;

    MemcachedExampleHandler(ExampleStore store) {
        this.store = store;
    }

    @Override
    public void onLine(Connection c, ByteSpan line) {
        tokens.reset(line);
        if (!tokens.next()) {
            throw new RequestException("ERROR");
        }
        if (tokens.equalsAscii("get")) {
            get(c, line);
        } else if (tokens.equalsAscii("set")) {
            set(c, line);
        } else {
            throw new RequestException("ERROR");
        }
    }

    private void get(Connection c, ByteSpan line) {
        if (!tokens.next()) {
            throw new RequestException("ERROR");
        }
        do {
            if (tokens.length() > MAX_KEY) {
                throw BAD_FORMAT;
            }
            store.writeValue(line, tokens.start(), tokens.end(), c, valueWriter);
        } while (tokens.next());
        c.write("END\r\n");
    }

    private static void writeValue(Connection c, byte[] key, byte[] stored) {
        int flags = (stored[0] & 0xff) << 24 | (stored[1] & 0xff) << 16 | (stored[2] & 0xff) << 8 | (stored[3] & 0xff);
        c.write("VALUE ").write(key).write(" ").writeUnsignedAscii(flags & 0xffffffffL).write(" ")
                .writeAscii(stored.length - 4).write("\r\n").write(stored, 4, stored.length - 4).write("\r\n");
    }

    /** {@code set <key> <flags> <exptime> <bytes> [noreply]}, then the block. */
    private void set(Connection c, ByteSpan line) {
        if (!tokens.next() || tokens.length() > MAX_KEY) {
            throw BAD_FORMAT;
        }
        int keyStart = tokens.start();
        int keyEnd = tokens.end();
        long flags;
        long bytes;
        try {
            flags = tokens.next() ? tokens.parseUnsignedLong() : -1;
            if (!tokens.next()) {
                throw BAD_FORMAT;
            }
            tokens.parseLong(); // exptime, ignored by the example
            bytes = tokens.next() ? tokens.parseLong() : -1;
        } catch (NumberFormatException e) {
            throw BAD_FORMAT;
        }
        if (flags < 0 || flags > 0xffffffffL || bytes < 0) {
            throw BAD_FORMAT;
        }
        noreply = tokens.next() && tokens.equalsAscii("noreply");
        line.copyTo(keyStart, keyEnd, keyBytes, 0);
        key.reset(keyEnd - keyStart);
        swallow = bytes > MAX_VALUE;
        expected = (int) Math.min(bytes, MAX_VALUE);
        ensureValueRoom(4 + expected);
        value[0] = (byte) (flags >>> 24);
        value[1] = (byte) (flags >>> 16);
        value[2] = (byte) (flags >>> 8);
        value[3] = (byte) flags;
        valueLength = 4;
        c.readBlock(bytes, EndOfLine.CRLF);
        if (swallow) {
            throw TOO_LARGE; // memcached answers at once and swallows the data
        }
    }

    private void ensureValueRoom(int n) {
        if (value.length < n) {
            value = new byte[Math.max(n, value.length * 2)];
        }
    }

    @Override
    public void onBlock(Connection c, ByteSpan chunk, boolean last) {
        if (!swallow) {
            chunk.copyTo(0, chunk.length(), value, valueLength);
            valueLength += chunk.length();
        }
        if (last) {
            if (!swallow) {
                store.put(key, 0, key.length(), value, valueLength);
                if (!noreply) {
                    c.write("STORED\r\n");
                }
            }
            swallow = false;
        }
    }

    @Override
    public void onBlockEndMismatch(Connection c) {
        swallow = false;
        c.write("CLIENT_ERROR bad data chunk\r\n"); // as memcached: the connection goes on
    }
}
