package io.ringside.bench.netty;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.Version;
import java.io.File;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/**
 * A Netty 4.1 TLS line-echo server, the reference {@code bench/tls-compare.sh} measures Ringside's TLS
 * listener against. It is what a competent Netty user writes for Ringside's echo mode: {@code SslHandler} on
 * the JDK's {@code SSLEngine} ({@link SslProvider#JDK}), a {@link LineBasedFrameDecoder} (line terminator
 * kept, as Ringside's LF echo keeps it), each line written back as it is decoded and one flush per read
 * batch ({@code channelReadComplete}). One event-loop thread does everything (accept and I/O: one
 * {@code NioEventLoopGroup(1)}, or {@code EpollEventLoopGroup(1)} with {@code --transport epoll}); the
 * handshake's delegated tasks run on it too (Netty's default for the JDK provider). The cipher suites are the
 * JDK's own defaults in the JDK's order, not Netty's list (which prefers AES-128), so both servers negotiate
 * the same suite with the same client; the suite of each handshake is logged at the first handshake.
 *
 * <p>Options: {@code --port P --cert PEM --key PEM [--host 127.0.0.1] [--transport nio|epoll]
 * [--protocols TLSv1.3,TLSv1.2] [--max-line-bytes 8192]}. It prints {@code listening on HOST:PORT} once
 * bound and runs until killed.
 *
 * <p>Threading: {@link #main} starts the event loop and waits for its channel to close; the handlers run on
 * the event-loop thread.
 */
public final class NettyTlsEcho {
    private NettyTlsEcho() {
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("netty-tls-echo: " + e.getMessage());
            System.err.println("usage: netty-tls-echo --port P --cert CERT.pem --key KEY.pem [--host H] "
                    + "[--transport nio|epoll] [--protocols TLSv1.3,TLSv1.2] [--max-line-bytes N]");
            System.exit(2);
            return;
        }
        SslContext ssl = SslContextBuilder.forServer(new File(o.cert), new File(o.key))
                .sslProvider(SslProvider.JDK)
                .protocols(o.protocols)
                .ciphers(jdkDefaultCipherSuites(), IdentityCipherSuiteFilter.INSTANCE)
                .build();
        boolean epoll = o.transport.equals("epoll");
        if (epoll && !Epoll.isAvailable()) {
            System.err.println("netty-tls-echo: the epoll transport is not available: " + Epoll.unavailabilityCause());
            System.exit(2);
        }
        EventLoopGroup group = epoll ? new EpollEventLoopGroup(1) : new NioEventLoopGroup(1);
        Class<? extends ServerChannel> serverChannel = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        LineEcho echo = new LineEcho();
        HandshakeLog handshakes = new HandshakeLog();
        try {
            ServerBootstrap b = new ServerBootstrap()
                    .group(group, group)
                    .channel(serverChannel)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast("tls", ssl.newHandler(ch.alloc()));
                            ch.pipeline().addLast("handshake", handshakes);
                            ch.pipeline().addLast("lines", new LineBasedFrameDecoder(o.maxLineBytes, false, true));
                            ch.pipeline().addLast("echo", echo);
                        }
                    });
            ChannelFuture bound = b.bind(new InetSocketAddress(o.host, o.port)).sync();
            Channel ch = bound.channel();
            System.out.printf(Locale.ROOT, "netty-tls-echo: netty %s, %s transport, JDK SSLEngine, protocols %s: listening on %s%n",
                    nettyVersion(),
                    epoll ? "epoll" : "nio", String.join(",", o.protocols), ch.localAddress());
            System.out.flush();
            ch.closeFuture().sync();
        } finally {
            group.shutdownGracefully();
        }
    }

    private static String nettyVersion() {
        Version v = Version.identify().get("netty-handler");
        return v == null ? "(version unknown)" : v.artifactVersion();
    }

    /** The JDK's default enabled cipher suites for a server engine, in its order of preference. */
    private static List<String> jdkDefaultCipherSuites() throws Exception {
        SSLEngine engine = SSLContext.getDefault().createSSLEngine();
        engine.setUseClientMode(false);
        return Arrays.asList(engine.getEnabledCipherSuites());
    }

    /** Writes each line back as decoded; flushes once per read batch; closes on a too-long line or an I/O error. */
    @ChannelHandler.Sharable
    static final class LineEcho extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof TooLongFrameException) {
                ctx.writeAndFlush(ctx.alloc().buffer().writeBytes("ERROR line too long\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
                        .addListener(f -> ctx.close());
                return;
            }
            ctx.close();
        }
    }

    /**
     * Logs the protocol and suite of the first handshake, and the first few failed ones (the benchmark script's port
     * probe, which connects and closes, is one); passes the events on.
     */
    @ChannelHandler.Sharable
    static final class HandshakeLog extends ChannelInboundHandlerAdapter {
        private boolean first = true;
        private long failures;

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof SslHandshakeCompletionEvent) {
                SslHandshakeCompletionEvent e = (SslHandshakeCompletionEvent) evt;
                if (!e.isSuccess()) {
                    if (failures++ < 5) {
                        System.out.println("netty-tls-echo: handshake failed: " + e.cause());
                    }
                } else if (first) {
                    first = false;
                    SSLEngine engine = ctx.pipeline().get(io.netty.handler.ssl.SslHandler.class).engine();
                    System.out.println("netty-tls-echo: first handshake: " + engine.getSession().getProtocol() + " "
                            + engine.getSession().getCipherSuite());
                }
            }
            ctx.fireUserEventTriggered(evt);
        }
    }

    /** The command line, parsed. */
    static final class Options {
        String host = "127.0.0.1";
        int port = -1;
        String cert;
        String key;
        String transport = "nio";
        String[] protocols = {"TLSv1.3", "TLSv1.2"};
        int maxLineBytes = 8192;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String name = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(name + " needs a value");
                }
                String v = args[++i];
                switch (name) {
                    case "--host": o.host = v; break;
                    case "--port": o.port = number(name, v, 1, 65535); break;
                    case "--cert": o.cert = v; break;
                    case "--key": o.key = v; break;
                    case "--transport":
                        if (!v.equals("nio") && !v.equals("epoll")) {
                            throw new IllegalArgumentException("--transport nio|epoll: " + v);
                        }
                        o.transport = v;
                        break;
                    case "--protocols": o.protocols = v.split(","); break;
                    case "--max-line-bytes": o.maxLineBytes = number(name, v, 1, 64 << 20); break;
                    default: throw new IllegalArgumentException("unknown option " + name);
                }
            }
            if (o.port < 0 || o.cert == null || o.key == null) {
                throw new IllegalArgumentException("--port, --cert and --key are required");
            }
            if (!new File(o.cert).canRead() || !new File(o.key).canRead()) {
                throw new IllegalArgumentException("cannot read " + o.cert + " or " + o.key);
            }
            return o;
        }

        private static int number(String name, String v, int min, int max) {
            try {
                int n = Integer.parseInt(v);
                if (n < min || n > max) {
                    throw new IllegalArgumentException(name + " must be " + min + ".." + max + ": " + v);
                }
                return n;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " is not a number: " + v);
            }
        }
    }
}
