package io.ringside;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The idle timeout of a raw connection counts bytes in either direction (a relay streaming one way is not idle);
 * a line connection's counts only received lines. Margins are ten times the tick, so a slow machine cannot flip it.
 */
@Timeout(60)
class RawIdleTimeoutTest extends LoopbackServerTest {
    private static final int TICKS = 25;
    private static final Duration TICK = Duration.ofMillis(100);

    /** Writes one byte per tick, TICKS times, from a timer on its worker; records its close reason. */
    static final class Streamer extends LineHandler {
        final boolean raw;
        final List<CloseReason> closes;
        int sent;

        Streamer(boolean raw, List<CloseReason> closes) {
            this.raw = raw;
            this.closes = closes;
        }

        @Override
        public void onOpen(Connection c) {
            if (raw) {
                c.readRaw();
            }
            c.schedule(TICK, () -> tick(c));
        }

        private void tick(Connection c) {
            c.write(new byte[] {'s'});
            if (++sent < TICKS) {
                c.schedule(TICK, () -> tick(c));
            }
        }

        @Override
        public void onLine(Connection c, ByteSpan line) {
        }

        @Override
        public void onBlock(Connection c, ByteSpan chunk, boolean last) {
        }

        @Override
        public void onClose(Connection c, CloseReason reason) {
            closes.add(reason);
        }
    }

    @Test
    void aRawConnectionThatOnlySendsOrOnlyReceivesIsNotIdleALineConnectionThatOnlySendsIs() throws Exception {
        List<CloseReason> closes = new CopyOnWriteArrayList<>();
        boolean[] raw = {true};
        InetSocketAddress address = start(() -> new Streamer(raw[0], closes), "IDLE_TIMEOUT", "1s", "WORKERS", "1");
        try (Socket s = new Socket(address.getAddress(), address.getPort())) {
            s.setSoTimeout(20_000);
            InputStream in = s.getInputStream();
            assertEquals(TICKS, in.readNBytes(TICKS).length, "every tick's byte arrived, 2.5 s of output only");
            assertEquals(List.of(), closes, "output alone kept the raw connection from its 1 s idle timeout");
            OutputStream out = s.getOutputStream();
            for (int i = 0; i < TICKS; i++) {
                out.write('r'); // input alone, one byte per tick
                Thread.sleep(TICK.toMillis());
            }
            assertEquals(List.of(), closes, "input alone kept it open too");
            assertEquals(-1, in.read(), "then, silent both ways, it reached the idle timeout");
        }
        await(() -> closes.size() == 1, "the close");
        assertEquals(List.of(CloseReason.IDLE_TIMEOUT), closes);

        raw[0] = false;
        try (Socket s = new Socket(address.getAddress(), address.getPort())) {
            s.setSoTimeout(20_000);
            byte[] all = s.getInputStream().readAllBytes(); // ends at the idle timeout, long before the last tick
            assertTrue(all.length < TICKS, "a line connection sending only is idle: " + all.length + " bytes came");
        }
        await(() -> closes.size() == 2, "the second close");
        assertEquals(CloseReason.IDLE_TIMEOUT, closes.get(1));
    }
}
