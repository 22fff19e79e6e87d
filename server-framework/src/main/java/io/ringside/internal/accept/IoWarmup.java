package io.ringside.internal.accept;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * Runs one loopback exchange through every JDK class on the workers' I/O path before the server takes
 * connections.
 *
 * <p>Why: the JDK initializes some of these classes lazily, and {@code sun.nio.ch.FileDispatcherImpl}'s
 * static initializer opens a descriptor (the socket pair it uses to pre-close channels; see
 * {@code FileDispatcherImpl.init} in the JDK sources). If the first write of the process happens while
 * the process is out of descriptors (EMFILE), that initializer fails, the class stays unusable for the
 * life of the JVM ({@code NoClassDefFoundError} on every later write) and the worker dies. Warming up
 * while descriptors are plentiful makes EMFILE an accept-time condition only.
 *
 * <p>Thread-safe: stateless; called once by {@code RingsideServer.start()}.
 */
public final class IoWarmup {
    private IoWarmup() {
    }

    public static void run() throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress(loopback, 0));
             SocketChannel client = SocketChannel.open(server.getLocalAddress());
             SocketChannel accepted = server.accept()) {
            accepted.configureBlocking(false);
            client.write(ByteBuffer.wrap(new byte[] {'a', '\n'}));
            ByteBuffer[] gather = {ByteBuffer.allocateDirect(1).put((byte) 'b').flip(), ByteBuffer.allocateDirect(1).put((byte) '\n').flip()};
            while (gather[1].hasRemaining()) {
                accepted.write(gather, 0, 2);
            }
            ByteBuffer in = ByteBuffer.allocateDirect(4);
            while (in.position() < 2) {
                if (accepted.read(in) < 0) {
                    throw new IOException("warm-up exchange closed early");
                }
            }
            client.shutdownOutput();
        }
    }
}
