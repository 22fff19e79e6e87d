package io.ringside.internal.accept;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** The per-address connect rate: a second's burst, then the rate; other addresses apart; memory bounded. */
class ConnectRateTest {
    @Test
    void aBurstThenTheRatePerAddress() throws Exception {
        ConnectRate rate = new ConnectRate(5);
        InetAddress a = InetAddress.getByName("127.0.0.2");
        long now = 5_000_000_000L;
        for (int i = 0; i < 5; i++) {
            assertTrue(rate.tryAcquire(a, now), "burst " + i);
        }
        assertFalse(rate.tryAcquire(a, now), "the sixth in the same instant");
        assertTrue(rate.tryAcquire(InetAddress.getByName("127.0.0.3"), now), "another address has its own bucket");
        assertFalse(rate.tryAcquire(a, now + 100_000_000L), "100 ms later: no token back yet");
        assertTrue(rate.tryAcquire(a, now + 200_000_000L), "200 ms later: one token back");
        assertTrue(new ConnectRate(0).tryAcquire(a, now) && !new ConnectRate(0).enabled(), "0: no limit");
    }

    @Test
    void aFloodFromManyAddressesIsForgottenOnceTheirBucketsAreFull() throws Exception {
        ConnectRate rate = new ConnectRate(10);
        long now = 0;
        for (int i = 0; i < 20_000; i++) {
            now += 1_000_000; // 1,000 new addresses per second
            byte[] ip = {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i};
            assertTrue(rate.tryAcquire(InetAddress.getByAddress(ip), now));
        }
        assertTrue(rate.size() <= 1024 + 2_000, "about a second's worth of addresses kept: " + rate.size());
    }
}
