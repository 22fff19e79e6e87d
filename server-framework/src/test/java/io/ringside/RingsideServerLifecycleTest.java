package io.ringside;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringside.server.RingsideServer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The server's lifecycle against callers on other threads: stats() during start(), localAddress() during stop(). */
@Timeout(120)
class RingsideServerLifecycleTest {

    /**
     * stats() is callable from any thread at any time; while start() builds 64 workers it must neither
     * throw (a list growing under its iteration: ConcurrentModificationException) nor see part of them.
     */
    @Test
    void statsWhileTheServerStartsOnAnotherThreadSeesNoWorkersOrAllOfThem() throws Exception {
        int workers = 64;
        ServerConfig config = ServerConfig.builder().port(0).workers(workers).offloadThreads(1).build();
        for (int round = 0; round < 5; round++) {
            RingsideServer server = new RingsideServer(config, HostileClientsTest.EchoHandler::new);
            AtomicBoolean done = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Integer> sizesSeen = Collections.synchronizedList(new ArrayList<>());
            Thread reader = new Thread(() -> {
                try {
                    for (long calls = 0; !done.get() && calls < 50_000_000L; calls++) {
                        int n = server.stats().workers().size();
                        if (n != 0 && n != workers) {
                            throw new AssertionError("stats() saw " + n + " of " + workers + " workers");
                        }
                        if (sizesSeen.isEmpty() || sizesSeen.get(sizesSeen.size() - 1) != n) {
                            sizesSeen.add(n);
                        }
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }, "test-stats-reader");
            reader.start();
            try {
                server.start();
                assertEquals(workers, server.stats().workers().size());
            } finally {
                done.set(true);
                reader.join(30_000);
                assertTrue(server.stop(Duration.ofSeconds(5)));
            }
            assertNull(failure.get(), "round " + round + ": stats() failed while start() ran");
            assertTrue(!sizesSeen.isEmpty(), "the reader ran");
        }
    }

    /**
     * A handler that asks for the server's address while the server stops (in onClose, which the drain
     * calls, and in onLine) must get it at once: stop() must not hold a lock that localAddress() needs,
     * or the worker blocks in the handler until the drain deadline.
     */
    @Test
    void stopWhileHandlersCallLocalAddressDrainsEveryConnectionCleanly() throws Exception {
        AtomicReference<RingsideServer> holder = new AtomicReference<>();
        List<String> closes = Collections.synchronizedList(new ArrayList<>());
        HandlerFactory factory = () -> new LineHandler() {
            @Override
            public void onLine(Connection c, ByteSpan line) {
                c.writeLine(Integer.toString(holder.get().localAddress().getPort()));
            }

            @Override
            public void onClose(Connection c, CloseReason reason) {
                InetSocketAddress address = holder.get().localAddress();
                closes.add(reason + "@" + address.getPort());
            }
        };
        ServerConfig config = ServerConfig.builder().port(0).workers(2).build();
        RingsideServer server = new RingsideServer(config, factory);
        holder.set(server);
        server.start();
        int port = server.localAddress().getPort();
        int clients = 6;
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                Socket s = new Socket(server.localAddress().getAddress(), port);
                s.setSoTimeout(10_000);
                sockets.add(s);
                s.getOutputStream().write("port?\n".getBytes(StandardCharsets.US_ASCII));
                String expected = port + "\n";
                assertEquals(expected, new String(s.getInputStream().readNBytes(expected.length()), StandardCharsets.US_ASCII));
            }
            assertEquals(clients, server.stats().openConnections());

            boolean clean = server.stop(Duration.ofSeconds(3));

            List<String> atReturn = List.copyOf(closes);
            assertEquals(clients, atReturn.size(), "every handler's onClose had returned when stop() did: " + atReturn);
            for (String close : atReturn) {
                assertEquals(CloseReason.SERVER_STOP + "@" + port, close, "drained, not closed at the deadline");
            }
            assertEquals(0, server.stats().closed(CloseReason.DRAIN_TIMEOUT));
            assertTrue(clean, "stop() reports a clean drain");
        } finally {
            server.stop();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}
