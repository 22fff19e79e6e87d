package io.ringside.internal.proxy;

import io.ringside.internal.transport.LayeredTransport;
import io.ringside.internal.transport.Transport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;

/**
 * An outbound connection's PROXY header ({@link ProxyHeaderEncoder}), sent as its first bytes: every write goes
 * out only once the whole header has, so nothing the layers above send (a TLS ClientHello, the handler's bytes)
 * can come before it. The header is sent as soon as the socket connects (the connection's first flush) even if
 * nothing else is; until then it is this transport's own output ({@link #hasBufferedOutput()}), which keeps write
 * interest and holds a close-after-flush. It is no preface: the connection opens once connected, the header going
 * out ahead of whatever the handler writes. Everything else passes through to the socket.
 *
 * <p>Confined to the connection's worker.
 */
public final class ProxyHeaderSender extends LayeredTransport {
    private final Transport socket;
    private final ByteBuffer header;
    private final ByteBuffer[] headerArray;
    /** The connection shut its output down while the header was still going out: the FIN waits for its end. */
    private boolean finAfterHeader;

    public ProxyHeaderSender(Transport socket, byte[] header) {
        super(socket);
        this.socket = socket;
        this.header = ByteBuffer.wrap(header);
        this.headerArray = new ByteBuffer[] {this.header};
    }

    /** Writes what is left of the header as far as the socket takes it; true once it is all out. */
    private boolean headerSent() throws IOException {
        while (header.hasRemaining()) {
            if (!socket.established() || socket.write(headerArray, 0, 1) == 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return headerSent() ? socket.write(srcs, offset, length) : 0;
    }

    @Override
    public boolean hasBufferedOutput() {
        return header.hasRemaining() || socket.hasBufferedOutput();
    }

    @Override
    public void writeBuffered() throws IOException {
        if (headerSent()) {
            if (finAfterHeader) {
                finAfterHeader = false;
                socket.shutdownOutput();
            }
            socket.writeBuffered();
        }
    }

    @Override
    public void interest(boolean read, boolean write) {
        socket.interest(read, write || header.hasRemaining());
    }

    /** The FIN follows the header: at once when it is out, else as the rest of it goes ({@link #writeBuffered}). */
    @Override
    public void shutdownOutput() throws IOException {
        if (headerSent()) {
            socket.shutdownOutput();
        } else {
            finAfterHeader = true;
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return socket.read(dst);
    }

    @Override
    public boolean established() {
        return socket.established();
    }

    @Override
    public boolean hasBufferedInput() {
        return socket.hasBufferedInput();
    }

    @Override
    public void bind(Executor onLoop) {
        socket.bind(onLoop);
    }

    @Override
    public void close() {
        socket.close();
    }
}
