package io.ringside.internal.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringside.internal.transport.TransportException;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.Test;

/** The TLS buffers: taken from the worker's free list only while they hold bytes, and bounded by the session. */
class TlsBuffersTest {
    private static SSLSession session() throws Exception {
        return SSLContext.getDefault().createSSLEngine().getSession();
    }

    @Test
    void anEmptyBufferGoesBackToTheFreeListAndIsReused() throws Exception {
        TlsBuffers b = new TlsBuffers(session());
        ByteBuffer in = b.netIn();
        assertTrue(in.capacity() >= session().getPacketBufferSize());
        b.releaseIdle();
        assertEquals(0, b.netInBytes());
        assertSame(in, new TlsBuffers(session()).netIn(), "the free list hands the same buffer to the next connection");
    }

    @Test
    void aBufferHoldingBytesIsKeptUntilTheyAreUsed() throws Exception {
        TlsBuffers b = new TlsBuffers(session());
        b.netIn().put(new byte[] {0x17, 0x03, 0x03, 0x00, 0x02, 1});
        b.releaseIdle();
        assertEquals(6, b.netInBytes(), "unread ciphertext stays");
        assertFalse(b.mayHoldRecord(), "a header promising 2 bytes with 1 there is no whole record");
        b.netIn().put((byte) 2);
        assertTrue(b.mayHoldRecord());

        ByteBuffer plain = b.plaintextForUnwrap(session());
        plain.put(new byte[] {'a', 'b', 'c'});
        b.plaintextUnwrapped();
        ByteBuffer dst = ByteBuffer.allocate(2);
        assertEquals(2, b.takePlaintext(dst));
        assertTrue(b.hasPlaintext(), "one byte did not fit the reader");
        assertEquals(1, b.takePlaintext(ByteBuffer.allocate(8)));
        assertFalse(b.hasPlaintext());
    }

    @Test
    void aRecordLongerThanTheSessionAllowsIsRefused() throws Exception {
        TlsBuffers b = new TlsBuffers(session());
        ByteBuffer in = b.netIn();
        while (in.hasRemaining()) {
            in.put((byte) 0x17);
        }
        assertThrows(TransportException.class, () -> b.roomForRecord(session()));
    }
}
