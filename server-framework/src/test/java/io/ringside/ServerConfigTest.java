package io.ringside;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigTest {

    @Test
    void layersOverrideInOrder(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("ringside.properties");
        Files.writeString(file, "port=7001\nmax-line-bytes=4k\nworkers=3\n");
        ServerConfig c = ServerConfig.builder()
                .loadProperties(file)
                .applyEnvironment(Map.of("RINGSIDE_PORT", "7002", "RINGSIDE_DRAIN_TIMEOUT", "2s", "UNRELATED", "x"))
                .set(Setting.WORKERS, "5")
                .build();
        assertEquals(7002, c.port());
        assertEquals(4096, c.maxLineBytes());
        assertEquals(5, c.workers());
        assertEquals(2000, c.drainTimeout().toMillis());
        assertEquals("127.0.0.1", c.host());
    }

    @Test
    void defaultsAreSafe() {
        ServerConfig c = ServerConfig.defaults();
        assertEquals("127.0.0.1", c.host(), "loopback unless binding everywhere is chosen");
        assertEquals(Runtime.getRuntime().availableProcessors(), c.workers());
        assertEquals(EndOfLine.LF, c.endOfLine());
        assertTrue(c.outputLowWatermark() < c.outputHighWatermark() && c.outputHighWatermark() <= c.outputHardCap());
    }

    @Test
    void badValuesGiveOneLineErrorsNamingTheSetting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.builder().set(Setting.PORT, "70000"));
        assertEquals("invalid port '70000': must be between 0 and 65535", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ServerConfig.builder().set(Setting.MAX_LINE_BYTES, "lots"));
        assertEquals("invalid max-line-bytes 'lots': not a number", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ServerConfig.builder().set(Setting.END_OF_LINE, "CR"));
        assertTrue(e.getMessage().startsWith("invalid end-of-line 'CR'"));
        e = assertThrows(IllegalArgumentException.class, () -> ServerConfig.builder()
                .set(Setting.OUTPUT_LOW_WATERMARK, "1m").set(Setting.OUTPUT_HIGH_WATERMARK, "64k").build());
        assertEquals("output-low-watermark must be below output-high-watermark", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ServerConfig.builder().set(Setting.RING_SIZE, "1000").build());
        assertEquals("ring-size must be a power of two", e.getMessage());
        java.util.Properties p = new java.util.Properties();
        p.setProperty("max-lien-bytes", "10");
        e = assertThrows(IllegalArgumentException.class, () -> ServerConfig.builder().applyProperties(p));
        assertEquals("unknown setting 'max-lien-bytes'", e.getMessage());
    }

    @Test
    void unitsOfSizesAndDurations() {
        ServerConfig c = ServerConfig.builder()
                .set(Setting.OUTPUT_HARD_CAP, "8m").set(Setting.DRAIN_TIMEOUT, "1m").set(Setting.READ_BUFFER_BYTES, "1024").build();
        assertEquals(8L << 20, c.outputHardCap());
        assertEquals(60_000, c.drainTimeout().toMillis());
        assertEquals(1024, c.readBufferBytes());
        assertEquals("RINGSIDE_MAX_LINE_BYTES", Setting.MAX_LINE_BYTES.environmentVariable());
        assertEquals("max-line-bytes", Setting.MAX_LINE_BYTES.key());
    }
}
