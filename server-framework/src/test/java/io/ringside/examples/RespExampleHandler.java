package io.ringside.examples;

import io.ringside.ByteSpan;
import io.ringside.Connection;
import io.ringside.EndOfLine;
import io.ringside.LineHandler;
import io.ringside.RequestException;

/**
 * A Redis-style (RESP2) server core on the framework's API, as a test of that API: a command is an
 * array {@code *N\r\n} of N bulk strings {@code $len\r\n<bytes>\r\n}, each bulk string a terminated
 * block, several per command. Commands: {@code PING}, {@code ECHO msg}, {@code SET key value},
 * {@code GET key}. Replies: {@code +PONG}, {@code +OK}, bulk strings, {@code $-1} for a miss, {@code -ERR}.
 *
 * <p>Confined to its connection's worker; the {@link ExampleStore} is shared and thread-safe. Arguments
 * are copied into per-connection scratch arrays that only grow: no allocation per command in steady state.
 */
final class RespExampleHandler extends LineHandler {
    private static final int MAX_ARGS = 8;
    private static final int MAX_BULK = 512 * 1024;

    private final ExampleStore store;
    private final byte[][] args = new byte[MAX_ARGS][];
    private final int[] argLengths = new int[MAX_ARGS];
    private final ExampleStore.ArrayKey keyView = new ExampleStore.ArrayKey(new byte[0], 0);
    private final ExampleStore.ValueWriter bulkWriter = RespExampleHandler::writeBulk;
    private int argCount;
    private int argsExpected;
    private int bulkLength;

    RespExampleHandler(ExampleStore store) {
        this.store = store;
        for (int i = 0; i < MAX_ARGS; i++) {
            args[i] = new byte[64];
        }
    }

    @Override
    public void onLine(Connection c, ByteSpan line) {
        if (line.isEmpty()) {
            throw new RequestException("-ERR empty line");
        }
        long n;
        try {
            n = line.parseLong(1, line.length());
        } catch (NumberFormatException e) {
            throw new RequestException("-ERR Protocol error: invalid length");
        }
        byte type = line.byteAt(0);
        if (type == '*' && argsExpected == 0) {
            if (n < 1 || n > MAX_ARGS) {
                throw new RequestException("-ERR Protocol error: invalid multibulk length");
            }
            argsExpected = (int) n;
            argCount = 0;
        } else if (type == '$' && argsExpected > argCount) {
            if (n < 0 || n > MAX_BULK) {
                argsExpected = 0;
                throw new RequestException("-ERR Protocol error: invalid bulk length");
            }
            bulkLength = 0;
            if (args[argCount].length < n) {
                args[argCount] = new byte[(int) Math.max(n, args[argCount].length * 2L)];
            }
            c.readBlock(n, EndOfLine.CRLF);
        } else {
            char wanted = argsExpected == 0 ? '*' : '$';
            argsExpected = 0;
            throw new RequestException("-ERR Protocol error: expected '" + wanted + "'");
        }
    }

    @Override
    public void onBlock(Connection c, ByteSpan chunk, boolean last) {
        chunk.copyTo(0, chunk.length(), args[argCount], bulkLength);
        bulkLength += chunk.length();
        if (last) {
            argLengths[argCount++] = bulkLength;
            if (argCount == argsExpected) {
                argsExpected = 0;
                execute(c);
            }
        }
    }

    @Override
    public void onBlockEndMismatch(Connection c) {
        argsExpected = 0;
        c.write("-ERR Protocol error: bulk string not followed by CRLF\r\n");
        c.closeAfterFlush(); // as Redis: a protocol error ends the connection
    }

    private void execute(Connection c) {
        if (is(0, "PING") && argCount == 1) {
            c.write("+PONG\r\n");
        } else if (is(0, "ECHO") && argCount == 2) {
            writeBulk(c, null, args[1], 0, argLengths[1]);
        } else if (is(0, "SET") && argCount == 3) {
            keyView.wrap(args[1], argLengths[1]);
            store.put(keyView, 0, argLengths[1], args[2], argLengths[2]);
            c.write("+OK\r\n");
        } else if (is(0, "GET") && argCount == 2) {
            keyView.wrap(args[1], argLengths[1]);
            if (!store.writeValue(keyView, 0, argLengths[1], c, bulkWriter)) {
                c.write("$-1\r\n");
            }
        } else {
            c.write("-ERR unknown command or wrong number of arguments\r\n");
        }
    }

    /** Whether argument {@code i} is {@code name}, ignoring ASCII case. */
    private boolean is(int i, String name) {
        if (argLengths[i] != name.length()) {
            return false;
        }
        for (int k = 0; k < argLengths[i]; k++) {
            if ((args[i][k] & 0xdf) != name.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private static void writeBulk(Connection c, byte[] key, byte[] value) {
        writeBulk(c, key, value, 0, value.length);
    }

    private static void writeBulk(Connection c, byte[] key, byte[] value, int off, int len) {
        c.write("$").writeAscii(len).write("\r\n").write(value, off, len).write("\r\n");
    }
}
