package io.ringside.loadgen;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;

/**
 * One connection of the memcached mode and the thread that drives it, with blocking I/O: connect,
 * prefill its own keys, wait for the start, then send batches of {@code depth} pipelined requests
 * and read each batch's replies, which must equal, byte for byte, the replies it computed from the
 * versions it wrote ({@link MemcachedValues}). The first wrong byte, miss, timeout or I/O error ends
 * this connection (the stream can no longer be trusted) and is reported to {@link MemcachedLoad}.
 *
 * <p>Threading: {@link #run()} runs on the connection's own thread, which alone touches its socket,
 * buffers, versions and histogram; {@link MemcachedLoad} reads the counters after joining it and,
 * while it runs, only {@link #published()}.
 */
final class MemcachedConnection implements Runnable {
    private final int id;
    private final MemcachedLoadOptions options;
    private final MemcachedLoad run;
    private final MemcachedValues values;
    private final SplittableRandom random;
    /** The keys this connection owns (i % conns == id) and the version each holds (0 = never set). */
    private final int[] ownKeys;
    private final long[] versions;
    private final byte[] value;
    private final ByteBuilder request = new ByteBuilder(4096);
    private final ByteBuilder expected = new ByteBuilder(4096);
    private final int[] pick;
    private byte[] reply = new byte[4096];
    private Socket socket;
    private OutputStream out;
    private InputStream in;
    private boolean prefillReported;

    final Histogram latencies = new Histogram(1, WorkerStats.HIGHEST_NANOS, 3);
    long requests;
    long gets;
    long sets;
    long keysRequested;
    long hits;
    String error;
    /** Measured requests so far, for the progress line; pairs with the reads in {@link MemcachedLoad}. */
    private volatile long published;

    MemcachedConnection(int id, MemcachedLoadOptions options, MemcachedLoad run, MemcachedValues values, long seed) {
        this.id = id;
        this.options = options;
        this.run = run;
        this.values = values;
        this.random = new SplittableRandom(seed);
        this.ownKeys = new int[(options.keys() - id + options.conns() - 1) / options.conns()];
        for (int j = 0; j < ownKeys.length; j++) {
            ownKeys[j] = id + j * options.conns();
        }
        this.versions = new long[ownKeys.length];
        this.value = new byte[options.valueSize()];
        this.pick = new int[options.multiGet()];
    }

    long published() {
        return published;
    }

    @Override
    public void run() {
        try {
            connect();
            if (options.prefill()) {
                prefill();
            }
            reportPrefilled();
            long[] window = run.awaitStart();
            if (window != null) {
                load(window[0], window[1]);
            }
        } catch (IOException | RuntimeException e) {
            fail(e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted");
        } finally {
            reportPrefilled(); // a failed connection must not hold the others up
            close();
            published = requests;
        }
    }

    private void reportPrefilled() {
        if (!prefillReported) {
            prefillReported = true;
            run.prefilled();
        }
    }

    private void connect() throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        int timeoutMillis = (int) Math.ceil(options.timeout() * 1000);
        socket.connect(new InetSocketAddress(options.host(), options.port()), timeoutMillis);
        socket.setSoTimeout(timeoutMillis);
        out = socket.getOutputStream();
        in = new BufferedInputStream(socket.getInputStream(), 65536);
    }

    private void prefill() throws IOException {
        for (int j = 0; j < ownKeys.length && error == null && !run.stopped(); ) {
            request.reset();
            expected.reset();
            for (int b = 0; b < options.depth() && j < ownKeys.length; b++, j++) {
                addSet(j);
            }
            exchange();
        }
    }

    private void load(long measureStart, long measureEnd) throws IOException {
        while (error == null && !run.stopped()) {
            long now = System.nanoTime();
            if (now >= measureEnd) {
                run.timeUp();
                return;
            }
            request.reset();
            expected.reset();
            int batchGets = 0;
            int batchSets = 0;
            for (int b = 0; b < options.depth(); b++) {
                if (random.nextDouble() < options.getRatio()) {
                    addGet();
                    batchGets++;
                } else {
                    addSet(random.nextInt(ownKeys.length));
                    batchSets++;
                }
            }
            long sent = System.nanoTime();
            if (!exchange()) {
                return;
            }
            long done = System.nanoTime();
            if (sent >= measureStart) {
                int n = batchGets + batchSets;
                latencies.recordValueWithCount(Math.max(1, Math.min(done - sent, WorkerStats.HIGHEST_NANOS)), n);
                requests += n;
                gets += batchGets;
                sets += batchSets;
                published = requests;
                run.addRequests(n);
            }
        }
    }

    /** {@code set <key> <flags> 0 <size>}, version + 1; expects STORED. */
    private void addSet(int j) {
        long v = ++versions[j];
        int key = ownKeys[j];
        values.value(key, v, value);
        request.ascii("set ").ascii(values.key(key)).ascii(" ").ascii(Long.toString(values.flags(v)))
                .ascii(" 0 ").ascii(Integer.toString(value.length)).ascii("\r\n").bytes(value).ascii("\r\n");
        expected.ascii("STORED\r\n");
    }

    /** {@code get k1 .. kW} of distinct own keys; expects a VALUE block for each key that was set, then END. */
    private void addGet() {
        int w = pick.length;
        for (int p = 0; p < w; p++) {
            int j;
            do {
                j = random.nextInt(ownKeys.length);
            } while (contains(pick, p, j));
            pick[p] = j;
        }
        request.ascii("get");
        for (int p = 0; p < w; p++) {
            request.ascii(" ").ascii(values.key(ownKeys[pick[p]]));
        }
        request.ascii("\r\n");
        for (int p = 0; p < w; p++) {
            int j = pick[p];
            keysRequested++;
            long v = versions[j];
            if (v > 0) {
                hits++;
                values.value(ownKeys[j], v, value);
                expected.ascii("VALUE ").ascii(values.key(ownKeys[j])).ascii(" ").ascii(Long.toString(values.flags(v)))
                        .ascii(" ").ascii(Integer.toString(value.length)).ascii("\r\n").bytes(value).ascii("\r\n");
            }
        }
        expected.ascii("END\r\n");
    }

    private static boolean contains(int[] a, int n, int x) {
        for (int i = 0; i < n; i++) {
            if (a[i] == x) {
                return true;
            }
        }
        return false;
    }

    /** Sends the batch and checks its replies; false (and the error recorded) on the first difference. */
    private boolean exchange() throws IOException {
        out.write(request.array(), 0, request.length());
        out.flush();
        int n = expected.length();
        if (reply.length < n) {
            reply = new byte[Math.max(n, reply.length * 2)];
        }
        int got = 0;
        int at = -1;
        while (got < n && at < 0) { // compared as it arrives: a short reply fails at once, not by timeout
            int r = in.read(reply, got, n - got);
            if (r < 0) {
                at = got;
                break;
            }
            int m = Arrays.mismatch(reply, got, got + r, expected.array(), got, got + r);
            at = m < 0 ? -1 : got + m;
            got += r;
        }
        if (at < 0) {
            return true;
        }
        String what = at >= got ? "the connection closed after " + got + " of " + n + " expected reply bytes"
                : "wrong reply byte at offset " + at + " of the batch";
        int from = Math.max(0, at - 40);
        fail(what + ": got '" + LineCodec.printable(reply, from, Math.min(got, at + 40) - from) + "', expected '"
                + LineCodec.printable(expected.array(), from, Math.min(n, at + 40) - from) + "'");
        return false;
    }

    private void fail(String message) {
        if (error == null) {
            error = "conn " + id + ": " + message;
        }
    }

    private void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // the run is over for this connection
            }
        }
    }

    /** A growable byte array written front to back; reused for every batch. Threading: confined. */
    static final class ByteBuilder {
        private byte[] bytes;
        private int length;

        ByteBuilder(int capacity) {
            bytes = new byte[capacity];
        }

        void reset() {
            length = 0;
        }

        ByteBuilder ascii(String s) {
            ensure(s.length());
            for (int i = 0; i < s.length(); i++) {
                bytes[length++] = (byte) s.charAt(i); // ASCII only: commands, keys and numbers
            }
            return this;
        }

        ByteBuilder bytes(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, bytes, length, b.length);
            length += b.length;
            return this;
        }

        private void ensure(int more) {
            if (length + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(length + more, bytes.length * 2));
            }
        }

        byte[] array() {
            return bytes;
        }

        int length() {
            return length;
        }

        @Override
        public String toString() {
            return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
        }
    }
}
