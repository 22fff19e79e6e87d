package io.ringside.internal.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A plain TCP socket registered with its worker's selector: an accepted one, or an outbound one whose
 * non-blocking connect is pending ({@link #connecting}). While the connect is pending the key waits for
 * {@code OP_CONNECT} only: reads and writes do nothing (writes stay queued in the connection) and interest
 * changes wait for {@link #finishConnect()}.
 *
 * <p>Confined to its worker from {@link #register} to {@link #close}.
 */
public final class SocketTransport implements Transport {
    private static final Logger LOG = LoggerFactory.getLogger(SocketTransport.class);

    /** Null only for an outbound connection whose socket could not even be opened (it closes at once). */
    private final SocketChannel channel;
    /** Where an outbound connection connects to (its remote address until connected); null when accepted. */
    private final InetSocketAddress target;
    /** Whether an outbound connect is still pending. */
    private boolean connecting;
    private SelectionKey key;
    /** The interest ops last set on the key (so unchanged interest costs no system call). */
    private int interestOps;

    public SocketTransport(SocketChannel channel) {
        this(channel, null, false);
    }

    private SocketTransport(SocketChannel channel, InetSocketAddress target, boolean connecting) {
        this.channel = channel;
        this.target = target;
        this.connecting = connecting;
    }

    /**
     * An outbound socket to {@code target}: {@code pending} when its non-blocking connect returned false (the
     * usual case), false when it connected at once; {@code channel} is null when it could not be opened.
     */
    public static SocketTransport connecting(SocketChannel channel, InetSocketAddress target, boolean pending) {
        return new SocketTransport(channel, target, pending);
    }

    /** Best effort: a peer that reset already fails this; its first read then closes it (IO_ERROR). */
    public static void setNoDelay(SocketChannel channel, boolean on) {
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, on);
        } catch (IOException e) {
            LOG.debug("TCP_NODELAY failed", e);
        }
    }

    /**
     * Sets SO_SNDBUF ({@code send-buffer-bytes}) when {@code bytes} is positive; 0 keeps the kernel's autotuned
     * buffer, which on Linux grows to net.ipv4.tcp_wmem's maximum (4 MiB) for a peer that does not read.
     */
    public static void setSendBuffer(SocketChannel channel, int bytes) {
        if (bytes > 0) {
            try {
                channel.setOption(StandardSocketOptions.SO_SNDBUF, bytes);
            } catch (IOException e) {
                LOG.debug("SO_SNDBUF failed", e);
            }
        }
    }

    /** Registers the channel with {@code selector} (for reading, or for the connect); the key carries {@code attachment}. */
    public void register(Selector selector, Object attachment) throws ClosedChannelException {
        int ops = connecting ? SelectionKey.OP_CONNECT : SelectionKey.OP_READ;
        key = channel.register(selector, ops, attachment);
        interestOps = ops;
    }

    @Override
    public boolean finishConnect() throws IOException {
        if (!connecting) {
            return true;
        }
        if (!channel.finishConnect()) {
            return false;
        }
        connecting = false; // the key still waits for OP_CONNECT: the connection sets its interest next
        return true;
    }

    @Override
    public boolean established() {
        return !connecting;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return connecting ? 0 : channel.read(dst);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        if (connecting) {
            return 0;
        }
        return length == 1 ? channel.write(srcs[offset]) : channel.write(srcs, offset, length);
    }

    @Override
    public void interest(boolean read, boolean write) {
        int ops = (read ? SelectionKey.OP_READ : 0) | (write ? SelectionKey.OP_WRITE : 0);
        if (!connecting && ops != interestOps && key != null && key.isValid()) {
            key.interestOps(ops);
            interestOps = ops;
        }
    }

    @Override
    public void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    @Override
    public void close() {
        if (key != null) {
            key.cancel();
        }
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("close failed", e);
        }
    }

    @Override
    public InetSocketAddress remoteAddress() {
        try {
            InetSocketAddress remote = channel == null ? null : (InetSocketAddress) channel.getRemoteAddress();
            return remote != null ? remote : target;
        } catch (IOException e) {
            return target;
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        try {
            return channel == null ? null : (InetSocketAddress) channel.getLocalAddress();
        } catch (IOException e) {
            return null;
        }
    }
}
