package io.ringside.internal.proxy;

import io.ringside.CloseReason;
import io.ringside.ProxyProtocol;
import io.ringside.internal.transport.MemoryTransport;
import io.ringside.internal.transport.TransportException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Drives a {@link ProxyHeaderTransport} over an in-memory peer as a connection would: feed chunks, read after
 * each until a read returns 0 with nothing buffered; records when the header completed, what the reads
 * returned after it, and a refusal.
 *
 * <p>Confined to the test's thread (it plays the connection's worker).
 */
final class ProxyReader {
    final MemoryTransport peer = new MemoryTransport();
    final ProxyHeaderTransport transport;
    final ByteArrayOutputStream passed = new ByteArrayOutputStream();
    /** Bytes fed when the transport became established (-1: not yet). */
    int establishedAfter = -1;
    int fed;
    TransportException refused;
    boolean endOfStream;
    private final ByteBuffer dst;

    ProxyReader(ProxyProtocol expected, int maxV2Length, int readRoom) {
        transport = new ProxyHeaderTransport(peer, expected, maxV2Length);
        dst = ByteBuffer.allocate(readRoom);
    }

    /** Reads the whole {@code input} cut at {@code cuts} (ascending offsets). */
    static ProxyReader readCut(ProxyProtocol expected, byte[] input, int... cuts) {
        ProxyReader r = new ProxyReader(expected, ProxyTransportFactory.MAX_V2_LENGTH, 4096);
        int from = 0;
        for (int cut : cuts) {
            r.feed(Arrays.copyOfRange(input, from, cut));
            from = cut;
        }
        r.feed(Arrays.copyOfRange(input, from, input.length));
        return r;
    }

    ProxyReader feed(byte[] chunk) {
        if (refused != null || endOfStream) {
            return this;
        }
        peer.feed(ByteBuffer.wrap(chunk));
        fed += chunk.length;
        drain();
        return this;
    }

    ProxyReader end() {
        peer.feedEndOfStream();
        drain();
        return this;
    }

    private void drain() {
        for (int reads = 0; reads < 100_000 && refused == null && !endOfStream; reads++) {
            int n;
            try {
                n = transport.read(dst);
            } catch (TransportException e) {
                if (e.reason() != CloseReason.BAD_PROXY_HEADER) {
                    throw new AssertionError("refused with " + e.reason(), e);
                }
                refused = e;
                return;
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            if (transport.established() && establishedAfter < 0) {
                establishedAfter = fed;
            }
            if (!transport.established() && n != 0 && n != -1) {
                throw new AssertionError("a read returned " + n + " bytes before the header was complete");
            }
            if (n < 0) {
                endOfStream = true;
                return;
            }
            passed.write(dst.array(), 0, dst.position());
            dst.clear();
            if (n == 0 && !transport.hasBufferedInput() && !peer.readable()) { // a socket would signal the rest
                return;
            }
        }
    }

    byte[] passed() {
        return passed.toByteArray();
    }
}
