package io.ringside.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The memcached mode against {@link MemcachedTestServer}: a right server passes, every fault is caught. */
@Timeout(60)
class MemcachedLoadTest {

    private static MemcachedReport run(MemcachedLoadOptions o) {
        MemcachedReport r = MemcachedLoad.run(o, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        System.out.println(r.summary());
        return r;
    }

    @Test
    void aCorrectServerPassesWithEveryRequestVerified() throws Exception {
        try (MemcachedTestServer s = new MemcachedTestServer(0, 0)) {
            MemcachedReport r = run(MemcachedLoadOptions.builder(s.port()).conns(3).depth(4).keys(300).multiGet(10)
                    .getRatio(0.7).valueSize(1024).requests(3000).seconds(20).quiet(true).build());
            assertTrue(r.ok(), r.summary());
            assertEquals("request bound", r.endReason(), r.summary());
            assertTrue(r.requests() >= 3000, r.summary());
            assertEquals(r.requests(), r.gets() + r.sets());
            assertTrue(r.gets() > 0 && r.sets() > 0, r.summary());
            assertEquals(r.gets() * 10, r.keysRequested(), "10 keys per get");
            assertEquals(r.keysRequested(), r.hits(), "prefilled: every key read was there");
        }
    }

    @Test
    void theServersCpuTimeInTheWindowIsMeasuredWhenItsPidIsGiven() throws Exception {
        try (MemcachedTestServer s = new MemcachedTestServer(0, 0)) {
            long pid = ProcessHandle.current().pid(); // the test server runs in this process
            MemcachedReport r = MemcachedLoad.run(MemcachedLoadOptions.builder(s.port()).conns(2).depth(4).keys(200)
                    .seconds(1).warmup(0.2).quiet(true).build(), new PrintStream(new ByteArrayOutputStream(), true,
                    StandardCharsets.UTF_8), pid);
            assertTrue(r.ok(), r.summary());
            assertTrue(r.cpu().serverSeconds() > 0, r.summary());
            assertTrue(r.cpu().serverSeconds() <= r.measuredSeconds() * Runtime.getRuntime().availableProcessors() + 0.5,
                    "at most every core for the window: " + r.summary());
            assertTrue(r.cpu().selfSeconds() > 0, r.summary());
            assertTrue(r.summary().contains("us/request"), r.summary());
            assertTrue(r.toJson().contains("\"server_us_per_request\":"), r.toJson());
        }
        try (MemcachedTestServer s = new MemcachedTestServer(0, 0)) {
            MemcachedReport r = run(MemcachedLoadOptions.builder(s.port()).conns(1).keys(10).requests(100).seconds(5)
                    .quiet(true).build());
            assertEquals(-1, r.cpu().serverSeconds(), "no pid: not measured");
            assertTrue(r.summary().contains("give --server-pid"), r.summary());
        }
    }

    @Test
    void aTimeBoundWithoutPrefillCountsMissesOfUnsetKeysAsRight() throws Exception {
        try (MemcachedTestServer s = new MemcachedTestServer(0, 0)) {
            MemcachedReport r = run(MemcachedLoadOptions.builder(s.port()).conns(2).keys(100_000).prefill(false)
                    .seconds(0.5).quiet(true).build());
            assertTrue(r.ok(), r.summary());
            assertEquals("time bound", r.endReason());
            assertTrue(r.hits() < r.keysRequested(), r.summary());
        }
    }

    @Test
    void oneFlippedBitInOneValueFailsTheRun() throws Exception {
        try (MemcachedTestServer s = new MemcachedTestServer(500, 0)) {
            MemcachedReport r = run(MemcachedLoadOptions.builder(s.port()).conns(2).keys(200).requests(5000)
                    .seconds(20).quiet(true).build());
            assertFalse(r.ok(), r.summary());
            assertEquals(1, r.errors().size(), r.summary());
            assertTrue(r.errors().get(0).contains("wrong reply byte"), r.summary());
        }
    }

    @Test
    void aLostSetIsCaughtWhenTheKeyIsReadBack() throws Exception {
        // set number 50 is in the prefill (100 keys, each set once); only gets follow, so it is read back
        try (MemcachedTestServer s = new MemcachedTestServer(0, 50)) {
            MemcachedReport r = run(MemcachedLoadOptions.builder(s.port()).conns(1).keys(100).getRatio(1.0)
                    .requests(20_000).seconds(20).quiet(true).build());
            assertFalse(r.ok(), r.summary());
            assertTrue(r.errors().get(0).contains("wrong reply byte"), r.summary());
        }
    }

    @Test
    void aServerThatIsNotThereIsAnErrorNotAHang() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        MemcachedReport r = run(MemcachedLoadOptions.builder(port).conns(2).seconds(1).timeout(2).quiet(true).build());
        assertFalse(r.ok(), r.summary());
        assertEquals(2, r.errors().size(), r.summary());
    }

    @Test
    void badOptionsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> MemcachedLoadOptions.builder(1).keys(5).multiGet(10).build());
        assertThrows(IllegalArgumentException.class, () -> MemcachedLoadOptions.builder(1).getRatio(1.5).build());
        assertThrows(IllegalArgumentException.class, () -> MemcachedLoadOptions.builder(1).seconds(0).requests(0).build());
        assertThrows(IllegalArgumentException.class, () -> MemcachedLoadOptions.builder(1)
                .host(java.net.InetAddress.getLoopbackAddress()).valueSize(2 << 20).build());
    }
}
