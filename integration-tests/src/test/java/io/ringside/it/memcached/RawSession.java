package io.ringside.it.memcached;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One text-protocol connection to one server for the differential test: sends a step (any bytes,
 * good or bad), then a sentinel ({@code set} + {@code get} of a key no step uses, with a fresh marker
 * value), and returns everything that came back before the sentinel's reply. A step that leaves the
 * server waiting (an unfinished data block) eats the sentinel; then the reply is whatever arrived
 * until {@value #QUIET_MILLIS} ms passed without a byte. A step that makes the server close the
 * connection ends with {@link #CLOSED}, and the next step opens a new connection.
 *
 * <p>{@code ${cas}} in a step is replaced by the CAS of the last {@code VALUE} line (or meta reply's
 * {@code c} flag) this session received (each server numbers its own CAS values), or 0 before any.
 *
 * <p>Threading: confined to the test thread.
 */
final class RawSession implements AutoCloseable {
    /** Appended to a reply when the server closed the connection. */
    static final String CLOSED = "<connection closed>";
    static final String SENTINEL_KEY = "__differential_sentinel__";
    /** How long a reply may pause before it is taken as complete (when the sentinel did not come back). */
    static final int QUIET_MILLIS = 400;
    private static final int POLL_MILLIS = 20;
    private static final long STEP_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(20);
    /** A {@code VALUE} line's CAS (group 1) or a meta reply's {@code c} flag (group 2). */
    private static final Pattern CAS = Pattern.compile(
            "VALUE \\S+ \\d+ \\d+ (\\d+)\r\n|(?m)^(?:HD|VA \\d+)(?: [^ \r\n]+)*? c(\\d+)[ \r]");

    private final String host;
    private final int port;
    private Socket socket;
    private long marks;
    private String lastCas = "0";

    RawSession(String host, int port) {
        this.host = host;
        this.port = port;
    }

    /** Sends {@code step} and returns the reply as ISO-8859-1 text (one char per byte). */
    String exchange(String step) throws IOException {
        if (socket == null) {
            socket = new Socket(host, port);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(POLL_MILLIS);
        }
        String mark = "m" + (++marks);
        String sentinel = "set " + SENTINEL_KEY + " 0 0 " + mark.length() + "\r\n" + mark + "\r\nget " + SENTINEL_KEY + "\r\n";
        String tail = "STORED\r\nVALUE " + SENTINEL_KEY + " 0 " + mark.length() + "\r\n" + mark + "\r\nEND\r\n";
        byte[] out = (step.replace("${cas}", lastCas) + sentinel).getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream reply = new ByteArrayOutputStream();
        boolean closed = false;
        try {
            write(socket.getOutputStream(), out);
            closed = read(socket.getInputStream(), reply, tail.getBytes(StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            closed = true; // reset, broken pipe: the server closed while we wrote or read
        }
        String text = reply.toString(StandardCharsets.ISO_8859_1);
        if (text.endsWith(tail)) {
            text = text.substring(0, text.length() - tail.length());
        }
        Matcher m = CAS.matcher(text);
        while (m.find()) {
            lastCas = m.group(1) != null ? m.group(1) : m.group(2);
        }
        if (closed) {
            close();
            text += CLOSED;
        }
        return text;
    }

    /** Writes in 64 KiB pieces so a server that answers while we write (too large) is read in time. */
    private static void write(OutputStream out, byte[] bytes) throws IOException {
        for (int off = 0; off < bytes.length; off += 65536) {
            out.write(bytes, off, Math.min(65536, bytes.length - off));
        }
        out.flush();
    }

    /** Reads until the tail arrived (false), EOF (true), or a quiet period/step limit (false). */
    private static boolean read(InputStream in, ByteArrayOutputStream reply, byte[] tail) throws IOException {
        byte[] buf = new byte[65536];
        long start = System.nanoTime();
        long lastByte = start;
        while (System.nanoTime() - start < STEP_LIMIT_NANOS) {
            int n;
            try {
                n = in.read(buf);
            } catch (SocketTimeoutException quiet) {
                if (System.nanoTime() - lastByte > TimeUnit.MILLISECONDS.toNanos(QUIET_MILLIS)) {
                    return false;
                }
                continue;
            }
            if (n < 0) {
                return true;
            }
            reply.write(buf, 0, n);
            lastByte = System.nanoTime();
            if (endsWith(reply, tail)) {
                return false;
            }
        }
        return false;
    }

    private static boolean endsWith(ByteArrayOutputStream reply, byte[] tail) {
        if (reply.size() < tail.length) {
            return false;
        }
        byte[] all = reply.toByteArray();
        return Arrays.equals(all, all.length - tail.length, all.length, tail, 0, tail.length);
    }

    @Override
    public void close() throws IOException {
        if (socket != null) {
            socket.close();
            socket = null;
        }
    }
}
