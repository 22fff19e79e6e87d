package io.ringside.bench;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
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
 * TLS records through a connection of Ringside's TLS listener without a socket (the socket-less harness over TLS:
 * the listener's engine, the TLS transport, framing, dispatch, the output queue), one record per operation, with
 * a client {@link SSLEngine} at the other end of the in-memory wire. Run with {@code -prof gc}:
 * {@code gc.alloc.rate.norm} is bytes allocated per record.
 *
 * <ul>
 *   <li>{@link #write}: the connection writes a record's worth of 32-byte lines (as a handler would, from outside a
 *       handler call: the harness flushes it), the transport wraps them into one record, the wire drops it. All of
 *       its allocation is the server's.</li>
 *   <li>{@link #read}: the client wraps one record of 32-byte lines, the connection reads it (unwrap into a pooled
 *       read buffer, framing, a handler that counts the lines). A record cannot be replayed (its sequence number is
 *       in the nonce), so the client's wrap is part of the operation:</li>
 *   <li>{@link #clientWrap}: that client part alone. The server's allocation per record read is {@code read} minus
 *       {@code clientWrap}.</li>
 * </ul>
 *
 * <p>Threading: each benchmark thread owns its state (the harness is confined to the thread that made it; JMH runs
 * a thread-scoped state's setup on that thread). Handshake tasks run inline.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TlsRecordBenchmark {
    private static final int LINE = 32;

    /**
     * Plaintext bytes per record: one 32-byte line, or a full record of them: 16 KiB, the TLS maximum, or as many
     * whole lines as the JDK puts in one record (TLS 1.3: 16,352 bytes, as its records carry at most 16,367 bytes of
     * plaintext, keeping room for the content type and 16 bytes of padding). The setup prints the sizes.
     */
    @Param({"32", "16384"})
    public int payload;

    @Param({"TLSv1.3", "TLSv1.2"})
    public String protocol;

    private TlsPair pair;
    private byte[] lines;
    private int recordBytes;
    private ByteBuffer clientPlain;
    private ByteBuffer clientNet;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        pair = TlsPair.handshake(protocol);
        lines = Lines.of(payload / LINE, LINE, new byte[] {'\n'});
        clientPlain = ByteBuffer.wrap(lines);
        clientNet = ByteBuffer.allocate(pair.client.getSession().getPacketBufferSize());
        pair.server.discardOutput(); // from now on the server's records go nowhere
        // how much of the payload one client record holds (each record the client wraps must reach the server:
        // the next one's nonce follows it); the rest of a cut line goes in a second record
        clientWrap();
        int perRecord = clientPlain.position();
        deliver();
        if (perRecord % LINE != 0) { // the end of the cut line
            clientPlain.limit(perRecord + LINE - perRecord % LINE);
            clientNet.clear();
            pair.client.wrap(clientPlain, clientNet);
            deliver();
        }
        recordBytes = perRecord - perRecord % LINE;
        clientPlain.limit(recordBytes);
        check(pair.lines.count, (perRecord + LINE - 1) / LINE, "lines read");
        long counted = pair.lines.count;
        int onTheWire = wrapAndDeliver();
        check(pair.lines.count - counted, recordBytes / LINE, "lines of one record read");
        long dropped = pair.server.discardedBytes();
        check(write(), dropped + onTheWire, "bytes of one record written");
        System.out.printf("%s, %d-byte payload: %d plaintext bytes (%d lines) per record, %d bytes on the wire%n",
                protocol, payload, recordBytes, recordBytes / LINE, onTheWire);
    }

    private static void check(long got, long expected, String what) {
        if (got != expected) {
            throw new IllegalStateException(what + ": " + got + ", expected " + expected);
        }
    }

    /** The connection writes one record's worth of lines, which go out as one record; returns the bytes dropped so far. */
    @Benchmark
    public long write() {
        pair.server.connection().write(lines, 0, recordBytes);
        pair.server.settle();
        return pair.server.discardedBytes();
    }

    /** The client wraps one record of lines, the connection reads them; returns the lines read so far. */
    @Benchmark
    public long read() throws Exception {
        clientWrap();
        deliver();
        return pair.lines.count;
    }

    /** The client part of {@link #read} alone; returns the record's size on the wire. */
    @Benchmark
    public int clientWrap() throws Exception {
        clientPlain.position(0);
        clientNet.clear();
        SSLEngineResult r = pair.client.wrap(clientPlain, clientNet);
        return r.bytesProduced();
    }

    private void deliver() {
        clientNet.flip();
        pair.server.feed(clientNet);
    }

    private int wrapAndDeliver() throws Exception {
        int n = clientWrap();
        deliver();
        return n;
    }

    @TearDown
    public void tearDown() {
        if (pair.server.unreadBytes() != 0 || pair.server.closeReason() != null) {
            throw new IllegalStateException(pair.server.unreadBytes() + " bytes of records left unread; closed: "
                    + pair.server.closeReason());
        }
    }
}
