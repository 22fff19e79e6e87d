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
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * A tiny blocking line server for the tests, on 127.0.0.1 and an ephemeral port: one thread per
 * connection (at most {@value #MAX_THREADS}), each line answered through a {@link Reply} function that
 * can echo, ROT13, corrupt, drop, close or stay silent. Given an {@link SSLContext} it speaks TLS (the JDK's
 * {@code SSLServerSocket}) and keeps the protocol and session id of every handshake that succeeded.
 *
 * <p>Threading: the acceptor and the connection threads are its own; {@link #close()} may be called
 * from any thread and stops them all.
 */
final class LineTestServer implements AutoCloseable {
    private static final int MAX_THREADS = 64;
    private static final int MAX_LINE = 8192;

    /** What to send back for line number {@code index} (0-based, per connection); null to drop it. */
    interface Reply {
        byte[] apply(long index, byte[] line) throws IOException;
    }

    /** Thrown by a {@link Reply} to make the server close the connection instead of answering. */
    static final class CloseConnection extends IOException {
        CloseConnection() {
            super("closing on purpose");
        }
    }

    static final Reply ECHO = (i, line) -> line;
    static final Reply ROT13 = (i, line) -> {
        ReplyMode.ROT13.applyInPlace(line, 0, line.length);
        return line;
    };

    /** Echo, but flip one letter's case in every {@code n}-th line. */
    static Reply flipEvery(int n) {
        return (i, line) -> {
            if (i % n == n - 1) {
                line[line.length / 2] ^= 0x20;
            }
            return line;
        };
    }

    /** Echo, but never answer line number {@code n} of each connection. */
    static Reply dropLine(int n) {
        return (i, line) -> i == n ? null : line;
    }

    /** Echo {@code n} lines per connection, then close it. */
    static Reply closeAfter(int n) {
        return (i, line) -> {
            if (i >= n) {
                throw new CloseConnection();
            }
            return line;
        };
    }

    /** Read everything, answer nothing. */
    static final Reply SILENT = (i, line) -> null;

    private final ServerSocket listener;
    private final Reply reply;
    private final ExecutorService pool = Executors.newFixedThreadPool(MAX_THREADS, r -> {
        Thread t = new Thread(r, "line-test-server");
        t.setDaemon(true);
        return t;
    });
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Set<InetAddress> peers = ConcurrentHashMap.newKeySet();
    private final List<Long> acceptNanos = new CopyOnWriteArrayList<>();
    private final Thread acceptor;
    /** TLS: "protocol session-id-in-hex" of each handshake, in order. */
    private final List<String> handshakes = new CopyOnWriteArrayList<>();

    LineTestServer(Reply reply) throws IOException {
        this(reply, null);
    }

    /** A server answering with {@code reply}, over TLS when {@code tls} is not null. */
    LineTestServer(Reply reply, SSLContext tls) throws IOException {
        this.reply = reply;
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        this.listener = tls == null ? new ServerSocket(0, 512, loopback)
                : tls.getServerSocketFactory().createServerSocket(0, 512, loopback);
        this.acceptor = new Thread(this::acceptLoop, "line-test-acceptor");
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** The client addresses seen so far. */
    Set<InetAddress> peers() {
        return Set.copyOf(peers);
    }

    /** TLS: "protocol session-id-in-hex" of each successful handshake so far, in order. */
    List<String> handshakes() {
        return List.copyOf(handshakes);
    }

    /** When each connection was accepted ({@link System#nanoTime()}), in order. */
    List<Long> acceptNanos() {
        return List.copyOf(acceptNanos);
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket s = listener.accept();
                acceptNanos.add(System.nanoTime());
                s.setTcpNoDelay(true);
                peers.add(s.getInetAddress());
                open.add(s);
                pool.execute(() -> serve(s));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket s) {
        try (s; InputStream in = new BufferedInputStream(s.getInputStream());
             OutputStream out = new BufferedOutputStream(s.getOutputStream())) {
            if (s instanceof SSLSocket) {
                SSLSession session = ((SSLSocket) s).getSession(); // the handshake ("NONE" when it failed: not kept)
                if (!session.getProtocol().equals("NONE")) {
                    handshakes.add(session.getProtocol() + " " + HexFormat.of().formatHex(session.getId()));
                }
            }
            ByteArrayOutputStream line = new ByteArrayOutputStream(64);
            long index = 0;
            int b;
            while ((b = in.read()) >= 0) {
                line.write(b);
                if (b != '\n' && line.size() < MAX_LINE) {
                    continue;
                }
                byte[] answer = reply.apply(index++, line.toByteArray());
                line.reset();
                if (answer != null) {
                    out.write(answer);
                }
                if (in.available() == 0) {
                    out.flush();
                }
            }
        } catch (IOException e) {
            // the client went away, or the Reply closed on purpose
        } finally {
            open.remove(s);
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket s : open) {
            s.close();
        }
        pool.shutdownNow();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
            acceptor.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
