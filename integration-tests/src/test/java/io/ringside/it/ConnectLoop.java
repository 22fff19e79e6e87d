package io.ringside.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Clients that connect in a loop to 127.0.0.1:{@code port}, each connection sending one line and reading its
 * echo, then closing: the probe of a hand-over. Each thread binds to its own source address (127.0.0.20, .21,
 * ...), so the closed connections' TIME_WAIT ports do not run out. Every attempt ends as answered (the echo
 * came back exactly), refused (ECONNREFUSED: nothing listened) or failed (reset, end of stream or a wrong
 * reply after the connect, or a connect timeout); the first failures are kept with their reason.
 *
 * <p>Threading: {@link #start} starts the client threads; {@link #stop} and the counters from any thread.
 * Bounded: each thread stops after {@code maxPerThread} attempts, or at {@link #stop}.
 */
final class ConnectLoop {
    private static final int KEPT_FAILURES = 10;
    private static final int TIMEOUT_MILLIS = 3_000;

    final AtomicLong attempts = new AtomicLong();
    final AtomicLong answered = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    /** Of the failed: a reply came, but not the line sent (never expected of an echo daemon). */
    final AtomicLong wrong = new AtomicLong();
    final Queue<String> failures = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();

    ConnectLoop(int port, int clients, int maxPerThread) {
        for (int i = 0; i < clients; i++) {
            String source = "127.0.0." + (20 + i);
            threads.add(new Thread(() -> loop(port, source, maxPerThread), "connect-loop-" + i));
        }
    }

    ConnectLoop start() {
        threads.forEach(Thread::start);
        return this;
    }

    /** Stops the loops and waits (at most 10 s) for them. */
    void stop() throws InterruptedException {
        stopping.set(true);
        for (Thread t : threads) {
            t.join(10_000);
        }
    }

    private void loop(int port, String source, int max) {
        for (int n = 0; n < max && !stopping.get(); n++) {
            attempts.incrementAndGet();
            String line = source + " " + n;
            try (Socket s = new Socket()) {
                s.bind(new InetSocketAddress(source, 0));
                try {
                    s.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MILLIS);
                } catch (ConnectException e) {
                    refused.incrementAndGet();
                    keep("connect: " + e.getMessage());
                    continue;
                }
                s.setSoTimeout(TIMEOUT_MILLIS);
                s.getOutputStream().write((line + "\n").getBytes(StandardCharsets.US_ASCII));
                String reply = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
                if (line.equals(reply)) {
                    answered.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                    if (reply != null) {
                        wrong.incrementAndGet();
                    }
                    keep("'" + line + "' answered with " + (reply == null ? "end of stream" : "'" + reply + "'"));
                }
            } catch (IOException e) {
                failed.incrementAndGet();
                keep("'" + line + "': " + e);
            }
        }
    }

    private void keep(String failure) {
        if (failures.size() < KEPT_FAILURES) {
            failures.add(failure);
        }
    }

    /** One line: attempts, answered, refused, failed and the first failures. */
    String summary() {
        return "attempts " + attempts.get() + ", answered " + answered.get() + ", refused " + refused.get()
                + ", failed " + failed.get() + " (wrong replies " + wrong.get() + ")" + (failures.isEmpty() ? "" : ", first failures: " + failures);
    }
}
