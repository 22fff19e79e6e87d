package io.ringside;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;

/**
 * A TLS client over a blocking socket with the wire in the test's hands: it can stop half-way through
 * the handshake, send a record cut short or altered, or send its close_notify and watch for the answer.
 * Confined to the test's thread; every read has the socket's timeout (set by the caller's deadline).
 */
final class EngineClient implements AutoCloseable {
    final SocketChannel channel;
    final SSLEngine engine;
    private ByteBuffer netIn = ByteBuffer.allocate(1 << 17);
    private final ByteBuffer plainIn = ByteBuffer.allocate(1 << 17);

    EngineClient(InetSocketAddress server, SSLContext context, String protocol) throws IOException {
        channel = SocketChannel.open(server);
        channel.socket().setSoTimeout(20_000);
        engine = context.createSSLEngine("127.0.0.1", server.getPort());
        engine.setUseClientMode(true);
        engine.setEnabledProtocols(new String[] {protocol});
    }

    /** The records the engine wants to send now (a ClientHello, a Finished, a close_notify, data). */
    byte[] wrap(String plaintext) throws IOException {
        ByteBuffer out = ByteBuffer.allocate(1 << 17);
        ByteBuffer src = ByteBuffer.wrap(plaintext.getBytes(StandardCharsets.ISO_8859_1));
        do {
            SSLEngineResult r = engine.wrap(src, out);
            runTasks();
            if (r.getStatus() == SSLEngineResult.Status.CLOSED || r.bytesProduced() == 0) {
                break;
            }
        } while (src.hasRemaining() || engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP);
        out.flip();
        byte[] b = new byte[out.remaining()];
        out.get(b);
        return b;
    }

    void send(byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    /** Runs the whole handshake. */
    void handshake() throws IOException {
        handshake("");
    }

    /** Runs the whole handshake; {@code firstData} goes out in the same write as the client's last flight. */
    void handshake(String firstData) throws IOException {
        handshake(new byte[0], firstData);
    }

    /**
     * Runs the whole handshake, {@code before} (a PROXY header) in the same write as the ClientHello, so the
     * server reads both at once; {@code firstData} in the same write as the client's last flight.
     */
    void handshake(byte[] before, String firstData) throws IOException {
        byte[] prefix = before;
        engine.beginHandshake();
        for (int steps = 0; steps < 100; steps++) {
            HandshakeStatus hs = engine.getHandshakeStatus();
            if (hs == HandshakeStatus.NOT_HANDSHAKING || hs == HandshakeStatus.FINISHED) {
                if (!firstData.isEmpty()) {
                    send(wrap(firstData)); // TLS 1.2: the client's flight is not its last
                }
                return;
            } else if (hs == HandshakeStatus.NEED_WRAP) {
                byte[] flight = wrap("");
                HandshakeStatus after = engine.getHandshakeStatus();
                if (!firstData.isEmpty() && (after == HandshakeStatus.NOT_HANDSHAKING || after == HandshakeStatus.FINISHED)) {
                    byte[] data = wrap(firstData);
                    byte[] both = java.util.Arrays.copyOf(flight, flight.length + data.length);
                    System.arraycopy(data, 0, both, flight.length, data.length);
                    flight = both;
                    firstData = "";
                }
                if (prefix.length > 0) {
                    byte[] both = java.util.Arrays.copyOf(prefix, prefix.length + flight.length);
                    System.arraycopy(flight, 0, both, prefix.length, flight.length);
                    flight = both;
                    prefix = new byte[0];
                }
                send(flight);
            } else if (hs == HandshakeStatus.NEED_TASK) {
                runTasks();
            } else if (unwrapSome() < 0) {
                throw new IOException("server closed during the handshake");
            }
        }
        throw new IOException("handshake did not end");
    }

    /**
     * Decrypts what was read before; only when that makes no progress, reads the socket first. Returns the
     * plaintext bytes gained (0 when only handshake records were consumed), -1 at end of stream.
     */
    int unwrapSome() throws IOException {
        int before = plainIn.position();
        if (unwrapBuffered()) {
            return plainIn.position() - before;
        }
        int n = readSocket();
        boolean progressed = unwrapBuffered();
        return n < 0 && !progressed ? -1 : plainIn.position() - before;
    }

    private boolean unwrapBuffered() throws IOException {
        boolean progressed = false;
        netIn.flip();
        try {
            while (netIn.hasRemaining()) {
                SSLEngineResult r = engine.unwrap(netIn, plainIn);
                runTasks();
                progressed |= r.bytesConsumed() > 0;
                if (r.getStatus() != SSLEngineResult.Status.OK || engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                    break;
                }
            }
        } finally {
            netIn.compact();
        }
        return progressed;
    }

    private int readSocket() throws IOException {
        // a blocking channel has no read timeout of its own: read through the socket's stream
        byte[] b = new byte[netIn.remaining()];
        int n = channel.socket().getInputStream().read(b);
        if (n > 0) {
            netIn.put(b, 0, n);
        }
        return n;
    }

    /** Decrypted plaintext so far (taken). */
    String takePlain() {
        plainIn.flip();
        String s = StandardCharsets.ISO_8859_1.decode(plainIn).toString();
        plainIn.clear();
        return s;
    }

    /** Reads until {@code expected} bytes of plaintext came or the stream ended. */
    String readPlain(int expected) throws IOException {
        StringBuilder got = new StringBuilder();
        while (got.length() < expected) {
            int n = unwrapSome();
            got.append(takePlain());
            if (n < 0) {
                break;
            }
        }
        return got.toString();
    }

    private void runTasks() {
        for (Runnable t = engine.getDelegatedTask(); t != null; t = engine.getDelegatedTask()) {
            t.run();
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
