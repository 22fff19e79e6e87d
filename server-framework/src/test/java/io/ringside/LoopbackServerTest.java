package io.ringside;

import io.ringside.server.RingsideServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;

/** Base of the socket tests: a server on 127.0.0.1 with a free port, stopped after each test. */
abstract class LoopbackServerTest {
    protected RingsideServer server;

    /** Starts a 2-worker server with {@code settings} given as pairs: Setting name, value. */
    protected InetSocketAddress start(HandlerFactory factory, String... settings) throws IOException {
        ServerConfig.Builder b = ServerConfig.builder().set(Setting.PORT, "0").set(Setting.WORKERS, "2");
        for (int i = 0; i < settings.length; i += 2) {
            b.set(Setting.valueOf(settings[i]), settings[i + 1]);
        }
        server = new RingsideServer(b.build(), factory).start();
        return server.localAddress();
    }

    /** The TLS listener's address (the server must have one). */
    protected InetSocketAddress tlsAddress() {
        return server.tlsAddress().orElseThrow();
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.stop();
        }
    }

    /** Waits (at most 20 s) for a condition the server reaches asynchronously, such as a counter. */
    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }
}
