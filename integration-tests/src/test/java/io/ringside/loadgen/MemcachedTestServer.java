package io.ringside.loadgen;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A tiny memcached for the load generator's tests: {@code set} and multi-key {@code get} of the text
 * protocol, one thread per connection, with faults on request: flip a byte of the n-th value sent,
 * or forget the n-th set (reply STORED, keep nothing).
 *
 * <p>Threading: its own acceptor and connection threads; {@link #close()} from any thread.
 */
final class MemcachedTestServer implements AutoCloseable {
    private record Item(long flags, byte[] data) {
    }

    private final ServerSocket server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
    private final ExecutorService threads = Executors.newFixedThreadPool(17);
    private final Map<String, Item> items = new ConcurrentHashMap<>();
    private final AtomicLong valuesSent = new AtomicLong();
    private final AtomicLong setsSeen = new AtomicLong();
    private final long corruptValue;
    private final long forgetSet;

    /** {@code corruptValue}/{@code forgetSet}: 1-based index of the value to corrupt / set to forget, 0 for none. */
    MemcachedTestServer(long corruptValue, long forgetSet) throws IOException {
        this.corruptValue = corruptValue;
        this.forgetSet = forgetSet;
        threads.execute(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                threads.execute(() -> serve(s));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s; InputStream in = new BufferedInputStream(s.getInputStream());
             OutputStream out = new BufferedOutputStream(s.getOutputStream())) {
            for (String line; (line = readLine(in)) != null; ) {
                String[] f = line.split(" ");
                if (f[0].equals("set") && f.length == 5) {
                    byte[] data = in.readNBytes(Integer.parseInt(f[4]));
                    readLine(in);
                    if (setsSeen.incrementAndGet() != forgetSet) {
                        items.put(f[1], new Item(Long.parseLong(f[2]), data));
                    }
                    out.write("STORED\r\n".getBytes(StandardCharsets.US_ASCII));
                } else if (f[0].equals("get")) {
                    for (int i = 1; i < f.length; i++) {
                        Item it = items.get(f[i]);
                        if (it != null) {
                            byte[] data = it.data().clone();
                            if (valuesSent.incrementAndGet() == corruptValue) {
                                data[data.length / 2] ^= 1;
                            }
                            out.write(("VALUE " + f[i] + " " + it.flags() + " " + data.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
                            out.write(data);
                            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                        }
                    }
                    out.write("END\r\n".getBytes(StandardCharsets.US_ASCII));
                } else {
                    out.write("ERROR\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                if (in.available() == 0) {
                    out.flush();
                }
            }
        } catch (IOException ignored) {
            // the client went away
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < 65536; i++) {
            int c = in.read();
            if (c < 0) {
                return null;
            }
            if (c == '\n') {
                String s = b.toString(StandardCharsets.US_ASCII);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            b.write(c);
        }
        throw new IOException("line too long");
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
    }
}
