package io.ringside.internal.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringside.ProxyHeaderBytes;
import io.ringside.ProxyProtocol;
import io.ringside.internal.transport.SocketTransport;
import io.ringside.internal.transport.Transport;
import io.ringside.internal.transport.TransportFactory;
import io.ringside.internal.transport.TransportLayer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * "PROXY first on the wire, then TLS": a layer composed over the PROXY header factory with
 * {@link TransportFactory#then} sees only the bytes after the header, and the composite has the header's
 * addresses, both prefaces' time and the deferred per-address admission. A toy layer (bytes XOR 0x20, with its
 * own one-byte preface) stands in for TLS.
 */
@Timeout(30)
class ProxyThenLayerTest {
    /** A layer whose "handshake" is one byte ('!') and whose records are the bytes XOR 0x20. */
    private static final class XorLayer implements TransportLayer {
        @Override
        public Transport over(Transport inner) {
            return new Transport() {
                private final ByteBuffer net = ByteBuffer.allocate(64);
                private boolean shookHands;

                @Override
                public int read(ByteBuffer dst) throws IOException {
                    int n = inner.read(net); // what follows the PROXY header (0 while the header is read)
                    net.flip();
                    if (!shookHands && net.hasRemaining()) {
                        assertEquals('!', net.get(), "the layer's preface comes right after the PROXY header");
                        shookHands = true;
                    }
                    int moved = 0;
                    while (shookHands && net.hasRemaining() && dst.hasRemaining()) {
                        dst.put((byte) (net.get() ^ 0x20));
                        moved++;
                    }
                    net.compact();
                    return n < 0 && moved == 0 ? -1 : moved;
                }

                @Override
                public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
                    return inner.write(srcs, offset, length);
                }

                @Override
                public void interest(boolean read, boolean write) {
                    inner.interest(read, write);
                }

                @Override
                public boolean established() {
                    return shookHands && inner.established();
                }

                @Override
                public boolean hasBufferedInput() {
                    return net.position() > 0 || inner.hasBufferedInput();
                }

                @Override
                public void close() {
                    inner.close();
                }

                @Override
                public InetSocketAddress remoteAddress() {
                    return inner.remoteAddress();
                }

                @Override
                public InetSocketAddress localAddress() {
                    return inner.localAddress();
                }

                @Override
                public InetSocketAddress proxyAddress() {
                    return inner.proxyAddress();
                }
            };
        }

        @Override
        public long prefaceTimeoutNanos() {
            return Duration.ofSeconds(10).toNanos();
        }
    }

    @Test
    void theLayerReadsWhatFollowsTheHeaderAndTheCompositeHasTheHeadersAddresses() throws Exception {
        TransportFactory factory = new ProxyTransportFactory(ProxyProtocol.V1, Duration.ofSeconds(5)).then(new XorLayer());
        assertEquals(Duration.ofSeconds(15).toNanos(), factory.prefaceTimeoutNanos(), "the prefaces run one after the other");
        assertTrue(factory.readsClientAddress());
        try (ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
             SocketChannel client = SocketChannel.open(listener.getLocalAddress());
             SocketChannel accepted = listener.accept()) {
            accepted.configureBlocking(false);
            Transport t = factory.open(new SocketTransport(accepted));
            byte[] secret = "hello through the layer\n".getBytes(StandardCharsets.US_ASCII);
            byte[] wire = secret.clone();
            for (int i = 0; i < wire.length; i++) {
                wire[i] ^= 0x20;
            }
            byte[] header = ProxyHeaderBytes.v1("PROXY TCP4 10.7.7.7 10.0.0.1 777 443");
            client.write(ByteBuffer.wrap(header, 0, 10));
            ByteBuffer dst = ByteBuffer.allocate(8); // small: some bytes read past the header wait in the PROXY transport
            long deadline = System.nanoTime() + 10_000_000_000L;
            Thread.sleep(50); // loopback: the 10 bytes are there
            assertEquals(0, t.read(dst), "a part of the header: nothing yet");
            assertFalse(t.established());
            client.write(ByteBuffer.wrap(ProxyHeaderBytes.concat(java.util.Arrays.copyOfRange(header, 10, header.length),
                    new byte[] {'!'}, wire)));
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            while (got.size() < secret.length && System.nanoTime() - deadline < 0) {
                int n = t.read(dst);
                assertFalse(!t.established() && n > 0, "no byte before both prefaces are done");
                got.write(dst.array(), 0, dst.position());
                dst.clear();
                if (n == 0 && !t.hasBufferedInput()) {
                    Thread.sleep(1);
                }
            }
            assertEquals(new String(secret, StandardCharsets.US_ASCII), got.toString(StandardCharsets.US_ASCII));
            assertEquals("/10.7.7.7:777", t.remoteAddress().toString());
            assertEquals("/10.0.0.1:443", t.localAddress().toString());
            assertEquals(client.getLocalAddress(), t.proxyAddress());
            t.close();
        }
    }
}
