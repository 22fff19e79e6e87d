package io.ringside.bench;

import io.ringside.internal.tls.TlsTransport;
import io.ringside.internal.transport.MemoryTransport;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * TLS records through Ringside's {@link TlsTransport}, one record per operation, with a client {@link SSLEngine}
 * on the other side of an in-memory wire ({@link MemoryTransport}): no socket, so what is left is the transport and
 * the JDK's engine. Run with {@code -prof gc}: {@code gc.alloc.rate.norm} is bytes allocated per record.
 *
 * <ul>
 *   <li>{@link #write}: the server wraps {@code payload} bytes (from a direct buffer, as the output queue's pooled
 *       buffers are) into one record, which the wire drops. All of its allocation is the server's.</li>
 *   <li>{@link #read}: the client wraps one record of {@code payload} bytes, the wire carries it, and the server
 *       reads (unwraps) it into a 16 KiB direct buffer (the worker's default read buffer). A record cannot be
 *       replayed (its sequence number is in the nonce), so the client's wrap is in the operation:</li>
 *   <li>{@link #clientWrap}: that client part alone. The server's allocation per record read is
 *       {@code read} minus {@code clientWrap}.</li>
 * </ul>
 *
 * <p>Threading: each benchmark thread owns its state (the transport is confined to the thread that drives it; JMH
 * runs a thread-scoped state's setup on that thread). Handshake tasks run inline.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TlsRecordBenchmark {
    /**
     * Plaintext bytes per record: a short line, and a full record: 16 KiB, the TLS maximum, or as much of it as the
     * JDK puts in one record (TLS 1.3: 16,367 bytes, as its records keep room for the content type and 16 bytes of
     * padding; the setup prints the size).
     */
    @Param({"32", "16384"})
    public int payload;

    @Param({"TLSv1.3", "TLSv1.2"})
    public String protocol;

    private TlsPair pair;
    private ByteBuffer[] serverOut;
    private ByteBuffer clientPlain;
    private ByteBuffer clientNet;
    private ByteBuffer serverIn;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        pair = TlsPair.handshake(protocol);
        byte[] text = Lines.of(1, payload, new byte[] {'\n'});
        serverOut = new ByteBuffer[] {ByteBuffer.allocateDirect(payload).put(text).flip()};
        clientPlain = ByteBuffer.wrap(text);
        clientNet = ByteBuffer.allocate(pair.client.getSession().getPacketBufferSize());
        serverIn = ByteBuffer.allocateDirect(16 * 1024);
        pair.wire.discardOutput(true); // from now on the server's records go nowhere
        // one record: as much of the payload as the client's engine puts in one (each record the client wraps must
        // reach the server: the next one's nonce follows it)
        int onTheWire = clientWrap();
        int recordBytes = clientPlain.position();
        clientNet.flip();
        pair.wire.feed(clientNet);
        serverIn.clear();
        check(pair.server.read(serverIn), recordBytes, "the first read");
        clientPlain.limit(recordBytes);
        serverOut[0].limit(recordBytes);
        long dropped = pair.wire.discarded();
        check(write(), recordBytes, "write");
        check(pair.wire.discarded() - dropped, onTheWire, "the bytes of one record written");
        check(read(), recordBytes, "read");
        System.out.printf("%s, %d-byte payload: %d plaintext bytes per record, %d bytes on the wire%n",
                protocol, payload, recordBytes, onTheWire);
    }

    private static void check(long bytes, long expected, String what) {
        if (bytes != expected) {
            throw new IllegalStateException(what + " moved " + bytes + " bytes, expected " + expected);
        }
    }

    /** The server wraps one record of {@code payload} bytes; returns the plaintext bytes taken. */
    @Benchmark
    public long write() throws Exception {
        serverOut[0].rewind();
        return pair.server.write(serverOut, 0, 1);
    }

    /** The client wraps one record, the server reads it; returns the plaintext bytes read. */
    @Benchmark
    public int read() throws Exception {
        clientWrap();
        clientNet.flip();
        pair.wire.feed(clientNet);
        serverIn.clear();
        return pair.server.read(serverIn);
    }

    /** The client part of {@link #read} alone; returns the record's size on the wire. */
    @Benchmark
    public int clientWrap() throws Exception {
        clientPlain.rewind();
        clientNet.clear();
        pair.client.wrap(clientPlain, clientNet);
        return clientNet.position();
    }

    @TearDown
    public void tearDown() {
        if (pair.wire.unread() != 0) {
            throw new IllegalStateException(pair.wire.unread() + " bytes of records were left unread");
        }
        pair.server.close();
    }
}
