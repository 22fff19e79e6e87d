package io.ringside.internal.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP/1.1 listener: {@code GET /metrics} (a page written by the caller), {@code GET /health/live}
 * (200 while the process serves it) and {@code GET /health/ready} (200 while the server takes new connections,
 * 503 from the moment its drain is requested). {@code HEAD} is answered as {@code GET} without a body; other
 * methods get 405, other paths 404, a page that fails to render 500 (logged).
 *
 * <p>The JDK's {@code com.sun.net.httpserver} (module jdk.httpserver) parses the requests; its exchanges run on
 * one thread of their own, {@code ringside-admin}, never on a worker loop, so a slow scrape cannot delay a
 * connection. Threading: {@link #bind}, {@link #start} and {@link #stop} on the server's lifecycle thread;
 * {@link #localAddress} on any thread.
 */
public final class AdminListener {
    private static final Logger LOG = LoggerFactory.getLogger(AdminListener.class);
    private static final byte[] NONE = new byte[0];

    /** Writes the metrics page; called on the admin thread at each scrape. */
    @FunctionalInterface
    public interface Page {
        void write(OutputStream out) throws IOException;
    }

    private final HttpServer http;
    private final ExecutorService thread;
    private final String contentType;
    private final Page metrics;
    private final BooleanSupplier ready;

    private AdminListener(HttpServer http, String contentType, Page metrics, BooleanSupplier ready) {
        this.http = http;
        this.contentType = contentType;
        this.metrics = metrics;
        this.ready = ready;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "ringside-admin");
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(thread);
        http.createContext("/", this::handle);
    }

    /**
     * Binds {@code host:port} (0: a free port); nothing is served before {@link #start}.
     *
     * @throws IOException when the address cannot be bound
     */
    public static AdminListener bind(String host, int port, String contentType, Page metrics, BooleanSupplier ready)
            throws IOException {
        return new AdminListener(HttpServer.create(new InetSocketAddress(host, port), 64), contentType, metrics, ready);
    }

    public void start() {
        http.start();
    }

    public InetSocketAddress localAddress() {
        return http.getAddress();
    }

    /** Closes the listener and its open exchanges at once; idempotent. */
    public void stop() {
        http.stop(0);
        thread.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            boolean head = method.equals("HEAD");
            if (!head && !method.equals("GET")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                send(exchange, 405, "text/plain; charset=utf-8", text("only GET and HEAD are served\n"), false);
                return;
            }
            switch (exchange.getRequestURI().getPath()) {
                case "/metrics":
                    send(exchange, 200, contentType, render(), head);
                    break;
                case "/health/live":
                    send(exchange, 200, "text/plain; charset=utf-8", text("live\n"), head);
                    break;
                case "/health/ready":
                    boolean r = ready.getAsBoolean();
                    send(exchange, r ? 200 : 503, "text/plain; charset=utf-8", text(r ? "ready\n" : "not ready\n"), head);
                    break;
                default:
                    send(exchange, 404, "text/plain; charset=utf-8", text("not found; try /metrics, /health/live, /health/ready\n"), head);
                    break;
            }
        } catch (PageException e) {
            LOG.warn("the metrics page failed: {}", e.getCause().toString(), e.getCause());
            sendQuietly(exchange, 500, text("metrics page failed\n"));
        }
    }

    private byte[] render() {
        ByteArrayOutputStream page = new ByteArrayOutputStream(16 * 1024);
        try {
            metrics.write(page);
        } catch (IOException | RuntimeException e) {
            throw new PageException(e);
        }
        return page.toByteArray();
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body, boolean head) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        if (head) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body.length == 0 ? NONE : body);
        }
    }

    private static void sendQuietly(HttpExchange exchange, int status, byte[] body) {
        try (exchange) {
            send(exchange, status, "text/plain; charset=utf-8", body, false);
        } catch (IOException | RuntimeException e) {
            LOG.debug("could not send the error reply", e);
        }
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A failure of the page itself (not of the exchange): answered with 500. */
    private static final class PageException extends RuntimeException {
        PageException(Throwable cause) {
            super(cause);
        }
    }
}
