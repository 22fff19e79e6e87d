package io.ringside.internal.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringside.ServerConfig;
import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The output budget's count and the per-address token buckets, without sockets. */
class ProtectionPartsTest {
    @Test
    void theBudgetCountsHoldersCrossingsAndShares() {
        OutputBudget b = new OutputBudget(1000, 5);
        assertTrue(b.enabled());
        b.add(600, 1);
        b.add(300, 1);
        assertFalse(b.over());
        assertEquals(0, b.crossings());
        assertEquals(500, b.share(), "the budget divided among the two holders");
        b.add(200, 0);
        assertTrue(b.over());
        assertEquals(1, b.crossings(), "crossed once");
        b.add(50, 0);
        assertEquals(1, b.crossings(), "still over: no new crossing");
        assertFalse(b.canResume());
        b.add(-600, -1);
        assertEquals(550, b.buffered());
        assertTrue(b.canResume(), "under three quarters of the budget");
        assertEquals(1000, b.share(), "one holder left");
        b.add(-550, -1);
        assertEquals(0, b.buffered());
    }

    @Test
    void theBudgetDefaultsToHalfTheMaxDirectMemoryAndZeroTurnsItOff() {
        long auto = OutputBudget.forConfig(ServerConfig.defaults()).limit();
        assertEquals(OutputBudget.maxDirectMemory() / 2, auto);
        assertTrue(auto > 0);
        assertSame(OutputBudget.OFF, OutputBudget.forConfig(ServerConfig.builder().maxBufferedOutputBytes(0).build()));
        assertEquals(12345, OutputBudget.forConfig(ServerConfig.builder().maxBufferedOutputBytes(12345).build()).limit());
        assertEquals(512L << 20, OutputBudget.parseJvmSize("512m"));
        assertEquals(2L << 30, OutputBudget.parseJvmSize("2g"));
        assertEquals(4096, OutputBudget.parseJvmSize("4096"));
        assertEquals(0, OutputBudget.parseJvmSize("lots"));
    }

    @Test
    void anAddressCellLivesWhileItsConnectionsDo() throws Exception {
        AddressRates rates = new AddressRates(10, 0);
        InetAddress a = InetAddress.getByName("127.0.0.2");
        AddressRates.Cell first = rates.join(a);
        assertSame(first, rates.join(a), "one cell per address, shared");
        rates.join(InetAddress.getByName("127.0.0.3"));
        assertEquals(2, rates.size());
        rates.leave(a);
        rates.leave(a);
        rates.leave(InetAddress.getByName("127.0.0.3"));
        assertEquals(0, rates.size(), "gone with the last connection");
    }

    @Test
    void aBucketAllowsOneSecondsBurstThenTheRate() {
        AtomicLong cell = new AtomicLong(Long.MIN_VALUE);
        long now = 1_000_000_000_000L;
        long cost = Protection.cost(1, 10); // 10 per second: 100 ms each
        for (int i = 0; i < 10; i++) {
            assertTrue(AddressRates.consume(cell, now, cost) <= 0, "within the burst: " + i);
        }
        assertEquals(100_000_000L, AddressRates.consume(cell, now, cost), "the 11th is 100 ms past the burst");
        assertTrue(AddressRates.consume(cell, now + 300_000_000L, cost) <= 100_000_000L, "tokens come back with time");
        assertEquals(Long.MAX_VALUE / 4, Protection.cost(Long.MAX_VALUE, 1), "no overflow on absurd input");
    }
}
