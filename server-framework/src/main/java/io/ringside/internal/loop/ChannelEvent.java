package io.ringside.internal.loop;

import java.nio.channels.SocketChannel;

/**
 * A reusable hand-off ring slot: one accepted channel on its way from the acceptor to a worker.
 *
 * <p>Written by the acceptor before publish, read and cleared by the worker after poll; the ring's
 * sequence publication orders the two.
 */
final class ChannelEvent {
    SocketChannel channel;
    /** The peer's address when admission looked it up, else null (looked up lazily). */
    java.net.InetSocketAddress remote;
    /** What the channel's listener puts between the socket and the connection. */
    io.ringside.internal.transport.TransportFactory transports;
}
