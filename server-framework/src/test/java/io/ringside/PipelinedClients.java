package io.ringside;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;

/**
 * Test client: N non-blocking connections driven by one selector, each writing all of its lines at
 * once (pipelined) and reading until every expected byte came back; verifies byte for byte, in
 * order. Bounded in time: fails rather than hangs.
 */
public final class PipelinedClients {
    private PipelinedClients() {
    }

    /** A line of exactly {@code size} bytes including the newline: {@code <conn>:<seq>:} then filler. */
    public static String line(int conn, int seq, int size) {
        StringBuilder b = new StringBuilder().append(conn).append(':').append(seq).append(':');
        while (b.length() < size - 1) {
            b.append((char) ('a' + (b.length() % 26)));
        }
        return b.append('\n').toString();
    }

    /** Runs the exchange; returns the bytes verified. Throws AssertionError on any difference. */
    public static long exchange(InetSocketAddress server, int conns, int linesPerConn, int lineSize,
                         UnaryOperator<String> expectedReply, long timeoutMillis) throws IOException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        try (Selector selector = Selector.open()) {
            Client[] clients = new Client[conns];
            for (int i = 0; i < conns; i++) {
                StringBuilder out = new StringBuilder();
                StringBuilder expect = new StringBuilder();
                for (int s = 0; s < linesPerConn; s++) {
                    String l = line(i, s, lineSize);
                    out.append(l);
                    expect.append(expectedReply.apply(l));
                }
                SocketChannel ch = SocketChannel.open();
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ch.connect(server);
                ch.configureBlocking(false);
                clients[i] = new Client(i, ch, out.toString(), expect.toString());
                ch.register(selector, SelectionKey.OP_READ | SelectionKey.OP_WRITE, clients[i]);
            }
            int done = 0;
            long verified = 0;
            while (done < conns) {
                if (System.nanoTime() - deadline > 0) {
                    throw new AssertionError("timed out: " + done + " of " + conns + " connections complete");
                }
                selector.select(100);
                for (SelectionKey key : selector.selectedKeys()) {
                    Client c = (Client) key.attachment();
                    if (key.isValid() && key.isWritable()) {
                        c.channel.write(c.out);
                        if (!c.out.hasRemaining()) {
                            key.interestOps(SelectionKey.OP_READ);
                        }
                    }
                    if (key.isValid() && key.isReadable() && c.read()) {
                        verified += c.expected.length;
                        done++;
                        key.cancel();
                        c.channel.close();
                    }
                }
                selector.selectedKeys().clear();
            }
            return verified;
        }
    }

    private static final class Client {
        final int id;
        final SocketChannel channel;
        final ByteBuffer out;
        final byte[] expected;
        final ByteBuffer in;

        Client(int id, SocketChannel channel, String out, String expected) {
            this.id = id;
            this.channel = channel;
            this.out = ByteBuffer.wrap(out.getBytes(StandardCharsets.ISO_8859_1));
            this.expected = expected.getBytes(StandardCharsets.ISO_8859_1);
            this.in = ByteBuffer.allocate(this.expected.length);
        }

        /** Reads what is there and checks it; true once every expected byte arrived. */
        boolean read() throws IOException {
            int before = in.position();
            int n = in.hasRemaining() ? channel.read(in) : 0;
            if (n < 0) {
                throw new AssertionError("conn " + id + ": server closed after " + in.position() + " of " + expected.length + " bytes");
            }
            for (int i = before; i < in.position(); i++) {
                if (in.get(i) != expected[i]) {
                    throw new AssertionError("conn " + id + ": byte " + i + " is " + in.get(i) + ", expected " + expected[i]);
                }
            }
            return !in.hasRemaining();
        }
    }
}
