package io.ringside.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringside.loadgen.LoadGenerator;
import io.ringside.loadgen.LoadOptions;
import io.ringside.loadgen.LoadReport;
import io.ringside.loadgen.ReplyMode;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The daemon as operators run it: a separate process, real sockets, signals. */
@Timeout(300)
class DaemonProcessIT {

    private static void assertCleanLog(String log) {
        assertFalse(log.contains(" ERROR "), log);
        assertFalse(log.contains("Exception"), log);
        assertFalse(log.contains("\tat "), log);
    }

    @ParameterizedTest
    @EnumSource(value = ReplyMode.class)
    void thousandConnectionsPipeliningGetEveryByteBack(ReplyMode mode) throws Exception {
        try (DaemonProcess d = DaemonProcess.start(0, mode.name().toLowerCase(java.util.Locale.ROOT), "--workers", "2")) {
            LoadOptions options = LoadOptions.builder(d.port).conns(1000).depth(8).size(32).seconds(4).mode(mode).quiet(true).build();
            LoadReport report = LoadGenerator.run(options);
            System.out.println(mode + ": " + report.summary());
            assertTrue(report.ok(), report.summary());
            assertEquals(0, report.errors());
            assertTrue(report.requests() > 8000, report.summary());
            assertEquals(0, d.terminate(30));
            assertCleanLog(d.log());
        }
    }

    @Test
    void aThreadDumpShowsOneAcceptorAndTheWorkersByName() throws Exception {
        try (DaemonProcess d = DaemonProcess.start(0, "rot13", "--workers", "3")) {
            String dump = d.threadDump();
            assertEquals(1, count(dump, "\"ringside-acceptor\""), dump);
            for (int i = 0; i < 3; i++) {
                assertEquals(1, count(dump, "\"ringside-worker-" + i + "\""), dump);
            }
            assertEquals(0, count(dump, "\"ringside-worker-3\""), dump);
            assertEquals(0, d.terminate(30));
        }
    }

    private static int count(String text, String needle) {
        Matcher m = Pattern.compile(Pattern.quote(needle)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void sigtermUnderLoadAnswersEveryReceivedLineThenExitsZero() throws Exception {
        try (DaemonProcess d = DaemonProcess.start(0, "echo", "--workers", "2", "--drain-timeout", "20s")) {
            int conns = 300;
            int lines = 64;
            StringBuilder batch = new StringBuilder();
            for (int i = 0; i < lines; i++) {
                batch.append(String.format("%05d:%026d\n", i, i));
            }
            byte[] bytes = batch.toString().getBytes(StandardCharsets.US_ASCII);
            List<Socket> sockets = new ArrayList<>();
            for (int i = 0; i < conns; i++) {
                Socket s = new Socket("127.0.0.1", d.port);
                s.setSoTimeout(30_000);
                sockets.add(s);
            }
            for (Socket s : sockets) {
                s.getOutputStream().write(bytes); // mid-pipeline: nothing read back yet
            }
            d.process.destroy(); // SIGTERM
            for (Socket s : sockets) {
                InputStream in = s.getInputStream();
                assertEquals(batch.toString(), new String(in.readAllBytes(), StandardCharsets.US_ASCII), "replies, then EOF");
                s.close();
            }
            assertEquals(0, d.awaitExit(30));
            try (Socket late = new Socket()) {
                late.connect(new InetSocketAddress("127.0.0.1", d.port), 2000);
                throw new AssertionError("still listening after SIGTERM");
            } catch (ConnectException refused) {
                // the listener is closed
            }
            String log = d.log();
            assertTrue(log.contains("stopped: every connection drained"), log);
            assertCleanLog(log);
        }
    }

    @Test
    void aSecondSigtermExitsAtOnceDuringADrainThatCannotFinish() throws Exception {
        try (DaemonProcess d = DaemonProcess.start(0, "echo", "--workers", "1", "--drain-timeout", "120s");
             SocketChannel stuck = SocketChannel.open(new InetSocketAddress("127.0.0.1", d.port))) {
            stuck.configureBlocking(false);
            ByteBuffer lines = ByteBuffer.wrap("x".repeat(31).concat("\n").repeat(200_000).getBytes(StandardCharsets.US_ASCII));
            for (int stalls = 0; stalls < 100 && lines.hasRemaining(); ) {
                stalls = stuck.write(lines) == 0 ? stalls + 1 : 0;
                Thread.sleep(stalls == 0 ? 0 : 10);
            }
            d.process.destroy(); // first SIGTERM: the drain waits for a client that never reads
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (!d.log().contains("draining") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(d.process.isAlive(), "the drain should still be waiting for the stuck client");
            d.process.destroy(); // second SIGTERM
            assertEquals(143, d.awaitExit(20));
            assertTrue(d.log().contains("second SIGTERM during the drain: exiting now"), d.log());
        }
    }

    @Test
    void outOfDescriptorsPausesAcceptingWithoutSpinningAndResumesWhenDescriptorsFree() throws Exception {
        try (DaemonProcess d = DaemonProcess.start(64, "echo", "--workers", "1")) {
            List<Socket> first = new ArrayList<>();
            List<Socket> waiting = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                Socket s = new Socket("127.0.0.1", d.port); // completes in the kernel backlog even when not accepted
                s.setSoTimeout(30_000);
                s.getOutputStream().write(("hello " + i + "\n").getBytes(StandardCharsets.US_ASCII));
                (i < 40 ? first : waiting).add(s);
            }
            for (int i = 0; i < first.size(); i++) {
                assertEquals("hello " + i + "\n", readLine(first.get(i)), "already-open connections are served");
            }
            Thread.sleep(500); // let the acceptor hit EMFILE
            long ticksBefore = d.threadCpuTicks("ringside-accept");
            Thread.sleep(2000);
            long ticks = d.threadCpuTicks("ringside-accept") - ticksBefore;
            assertTrue(ticks < 50, "the acceptor used " + ticks + " CPU ticks in 2 s while out of descriptors");
            String log = d.log();
            assertTrue(log.contains("accept failed"), log);
            assertTrue(count(log, "accept failed") <= 10, "accept warnings must be rate-limited:\n" + log);
            for (Socket s : first) {
                s.close(); // free descriptors: the rest must be accepted now
            }
            for (int i = 0; i < waiting.size(); i++) {
                Socket s = waiting.get(i);
                assertEquals("hello " + (i + 40) + "\n", readLine(s));
                s.close();
            }
            assertEquals(0, d.terminate(30));
        }
    }

    private static String readLine(Socket s) throws IOException {
        StringBuilder b = new StringBuilder();
        InputStream in = s.getInputStream();
        int c;
        while ((c = in.read()) != -1) {
            b.append((char) c);
            if (c == '\n') {
                break;
            }
        }
        return b.toString();
    }
}
