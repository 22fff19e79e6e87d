package io.ringside.loadgen;

import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The TLS side of one generator connection ({@code --tls}): a client {@link SSLEngine} over the
 * non-blocking socket. Reads decrypt every whole record into the caller's buffer (which must hold at
 * least a packet: 64 KiB does); writes send the handshake's records first, then the queued lines
 * encrypted. Delegated tasks run inline: the generator's threads are its own.
 *
 * <p>It trusts any server certificate: the generator checks every byte that comes back, not who sent
 * it (the TLS tests check certificates with s_client and the JDK's own trust).
 *
 * <p>Every connection makes a full handshake: the engine is created without a peer host and port, and the
 * JDK's client session cache has nothing to resume for such an engine ({@code SSLSessionContextImpl.get}
 * returns null for host null and port -1), so neither a TLS 1.2 session id nor a TLS 1.3 ticket is offered
 * and {@code --churn --tls} measures full handshakes.
 *
 * <p>Threading: not thread-safe; owned by its connection's worker thread.
 */
final class ClientTls {
    private static final SSLContext TRUST_ANY = trustAny();
    private static final ByteBuffer[] NONE = {ByteBuffer.allocate(0)};

    private final SSLEngine engine;
    /** Ciphertext read and not yet decrypted (fill mode). */
    private final ByteBuffer netIn;
    /** Ciphertext wrapped and not yet written (drain mode). */
    private ByteBuffer netOut;
    private boolean established;
    /** Whether {@link #takeEstablished} has reported the handshake's end. */
    private boolean reported;
    private boolean begun;

    /** A client engine offering {@code protocol} only, or TLS 1.3 and 1.2 when it is null. */
    ClientTls(String protocol) {
        engine = TRUST_ANY.createSSLEngine(); // no peer host and port: no session resumption (see the class comment)
        engine.setUseClientMode(true);
        if (protocol != null) {
            engine.setEnabledProtocols(new String[] {protocol});
        }
        int packet = engine.getSession().getPacketBufferSize();
        netIn = ByteBuffer.allocate(packet);
        netOut = ByteBuffer.allocate(packet).limit(0);
    }

    boolean established() {
        return established;
    }

    /** True once, on the first call after the handshake ended (the worker counts handshakes with it). */
    boolean takeEstablished() {
        if (!established || reported) {
            return false;
        }
        reported = true;
        return true;
    }

    /** The negotiated protocol and cipher suite, e.g. "TLSv1.3 TLS_AES_256_GCM_SHA384" (once established). */
    String negotiated() {
        return engine.getSession().getProtocol() + " " + engine.getSession().getCipherSuite();
    }

    /** Whether ciphertext waits for the socket's room. */
    boolean pendingOut() {
        return netOut.hasRemaining();
    }

    /** Reads the socket and decrypts into {@code dst}: plaintext bytes, or -1 when the server closed. */
    int read(SocketChannel channel, ByteBuffer dst) throws IOException {
        int n = channel.read(netIn);
        int start = dst.position();
        netIn.flip();
        try {
            for (int step = 0; step < 1_000; step++) {
                runTasks();
                if (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                    if (!wrapHandshake(channel)) {
                        break; // the socket is full: the rest goes with the next write
                    }
                    continue;
                }
                if (!netIn.hasRemaining()) {
                    break;
                }
                SSLEngineResult r = engine.unwrap(netIn, dst);
                noteFinished(r);
                if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                    return dst.position() > start ? dst.position() - start : -1;
                }
                if (r.getStatus() != SSLEngineResult.Status.OK) {
                    break; // underflow: the rest of a record comes later; overflow cannot happen with 64 KiB
                }
            }
        } finally {
            netIn.compact();
        }
        runTasks();
        return n < 0 && dst.position() == start ? -1 : dst.position() - start;
    }

    /**
     * Writes the pending ciphertext, the handshake's records, then (once established) {@code plain}
     * encrypted, as far as the socket takes them. Returns the plaintext bytes taken from {@code plain}.
     */
    int write(SocketChannel channel, ByteBuffer plain) throws IOException {
        if (!begun) {
            engine.beginHandshake(); // the ClientHello goes out below
            begun = true;
        }
        int taken = 0;
        for (int step = 0; step < 1_000; step++) {
            while (netOut.hasRemaining()) {
                if (channel.write(netOut) == 0) {
                    return taken;
                }
            }
            runTasks();
            boolean handshake = engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP;
            if (!handshake && (!established || !plain.hasRemaining())) {
                return taken;
            }
            netOut.clear();
            int before = plain.position();
            SSLEngineResult r = handshake ? engine.wrap(NONE, netOut) : engine.wrap(plain, netOut);
            netOut.flip();
            taken += plain.position() - before;
            noteFinished(r);
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                throw new IOException("TLS closed by the server");
            }
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                netOut = ByteBuffer.allocate(engine.getSession().getPacketBufferSize() * 2).limit(0);
            }
        }
        return taken;
    }

    /** Whether ciphertext read is still undecrypted (the caller reads again after a write made room). */
    boolean pendingIn() {
        return netIn.position() > 0;
    }

    /** One handshake record (the client's Finished, a KeyUpdate answer); false when ciphertext still waits. */
    private boolean wrapHandshake(SocketChannel channel) throws IOException {
        while (netOut.hasRemaining()) {
            if (channel.write(netOut) == 0) {
                return false;
            }
        }
        netOut.clear();
        SSLEngineResult r = engine.wrap(NONE, netOut);
        netOut.flip();
        noteFinished(r);
        channel.write(netOut);
        return r.getStatus() == SSLEngineResult.Status.OK;
    }

    /** Best effort: a close_notify in one non-blocking write before the socket closes. */
    void closeQuietly(SocketChannel channel) {
        try {
            engine.closeOutbound();
            netOut.clear();
            engine.wrap(NONE, netOut);
            netOut.flip();
            channel.write(netOut);
        } catch (IOException | RuntimeException ignored) {
            // the socket closes next whatever happened here
        }
    }

    private void noteFinished(SSLEngineResult r) {
        if (r.getHandshakeStatus() == HandshakeStatus.FINISHED
                || (!established && engine.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING)) {
            established = true;
        }
    }

    private void runTasks() {
        for (Runnable t = engine.getDelegatedTask(); t != null; t = engine.getDelegatedTask()) {
            t.run();
        }
    }

    private static SSLContext trustAny() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {new TrustAny()}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS in this JDK", e);
        }
    }

    /** Accepts every server certificate (see the class comment). */
    private static final class TrustAny extends X509ExtendedTrustManager {
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType) { }
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType) { }
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) { }
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) { }
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) { }
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) { }
        @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
    }
}
