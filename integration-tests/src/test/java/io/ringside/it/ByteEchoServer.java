package io.ringside.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A byte echo on loopback, the relay's target in the tests (independent of Ringside's own code): every byte of a
 * connection is sent back as it came; its half-close is answered with a half-close once the echo is out. A
 * connection is read only while its 64 KiB echo buffer has room, so a client that stops reading stops this
 * server's reading too, as a real server does.
 *
 * <p>Threading: one thread ({@code test-byte-echo}) runs the selector; {@link #address}, {@link #accepted} and
 * {@link #close} may be called from any thread.
 */
final class ByteEchoServer implements AutoCloseable {
    private final ServerSocketChannel listener;
    private final Selector selector;
    private final Thread thread;
    private final AtomicLong accepted = new AtomicLong();
    /** Cleared by close(); read by the selector thread each turn. */
    private volatile boolean running = true;

    private ByteEchoServer() throws IOException {
        listener = ServerSocketChannel.open();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        listener.configureBlocking(false);
        selector = Selector.open();
        listener.register(selector, SelectionKey.OP_ACCEPT);
        thread = new Thread(this::run, "test-byte-echo");
    }

    static ByteEchoServer start() throws IOException {
        ByteEchoServer s = new ByteEchoServer();
        s.thread.start();
        return s;
    }

    InetSocketAddress address() throws IOException {
        return (InetSocketAddress) listener.getLocalAddress();
    }

    long accepted() {
        return accepted.get();
    }

    /** One echoed connection: bytes read and not yet echoed, and whether its input ended. */
    private static final class Echo {
        final ByteBuffer pending = ByteBuffer.allocate(64 * 1024);
        boolean inputEnded;
    }

    private void run() {
        try {
            while (running) {
                selector.select(100);
                for (SelectionKey key : selector.selectedKeys()) {
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        acceptAll();
                    } else {
                        serve(key);
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void acceptAll() throws IOException {
        for (SocketChannel ch; (ch = listener.accept()) != null; ) {
            accepted.incrementAndGet();
            ch.configureBlocking(false);
            ch.register(selector, SelectionKey.OP_READ, new Echo());
        }
    }

    private static void serve(SelectionKey key) {
        SocketChannel ch = (SocketChannel) key.channel();
        Echo e = (Echo) key.attachment();
        try {
            if (key.isReadable() && e.pending.hasRemaining() && ch.read(e.pending) < 0) {
                e.inputEnded = true;
            }
            if (e.pending.position() > 0) {
                e.pending.flip();
                ch.write(e.pending);
                e.pending.compact();
            }
            if (e.inputEnded && e.pending.position() == 0) {
                ch.shutdownOutput();
                ch.close(); // both directions done
                return;
            }
            key.interestOps((e.pending.hasRemaining() && !e.inputEnded ? SelectionKey.OP_READ : 0)
                    | (e.pending.position() > 0 ? SelectionKey.OP_WRITE : 0));
        } catch (IOException reset) {
            key.cancel();
            try {
                ch.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
    }

    @Override
    public void close() throws Exception {
        running = false;
        selector.wakeup();
        thread.join(10_000);
        for (SelectionKey key : selector.keys()) {
            key.channel().close();
        }
        selector.close();
        listener.close();
    }
}
