package io.ringside.internal.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A plain TCP socket registered with its worker's selector.
 *
 * <p>Confined to its worker from {@link #register} to {@link #close}.
 */
public final class SocketTransport implements Transport {
    private static final Logger LOG = LoggerFactory.getLogger(SocketTransport.class);

    private final SocketChannel channel;
    private SelectionKey key;
    /** The interest ops last set on the key (so unchanged interest costs no system call). */
    private int interestOps;

    public SocketTransport(SocketChannel channel) {
        this.channel = channel;
    }

    /** Registers the channel with {@code selector} for reading; the key carries {@code attachment}. */
    public void register(Selector selector, Object attachment) throws ClosedChannelException {
        key = channel.register(selector, SelectionKey.OP_READ, attachment);
        interestOps = SelectionKey.OP_READ;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return channel.read(dst);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return length == 1 ? channel.write(srcs[offset]) : channel.write(srcs, offset, length);
    }

    @Override
    public void interest(boolean read, boolean write) {
        int ops = (read ? SelectionKey.OP_READ : 0) | (write ? SelectionKey.OP_WRITE : 0);
        if (ops != interestOps && key != null && key.isValid()) {
            key.interestOps(ops);
            interestOps = ops;
        }
    }

    @Override
    public void close() {
        if (key != null) {
            key.cancel();
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
            return (InetSocketAddress) channel.getRemoteAddress();
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        try {
            return (InetSocketAddress) channel.getLocalAddress();
        } catch (IOException e) {
            return null;
        }
    }
}
