package io.ringside.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringside.CloseReason;
import io.ringside.Setting;
import io.ringside.testing.HandlerHarness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Keeps the README true: its handler example is this module's CounterHandler, its table lists every setting. */
class ReadmeTest {
    private static final Path README = Path.of("..", "README.md");

    @Test
    void theHandlerExampleIsTheCompiledAndTestedCounterHandler() throws IOException {
        String readme = Files.readString(README);
        String source = Files.readString(Path.of("src/test/java/io/ringside/services/CounterHandler.java"))
                .replaceFirst("package io.ringside.services;\n\n", "");
        assertTrue(readme.contains("```java\n" + source + "```"), "README's handler example differs from CounterHandler.java");
    }

    @Test
    void theCounterHandlerWorksAsTheReadmeSays() {
        HandlerHarness h = new HandlerHarness(new CounterHandler());
        assertTrue(h.takeOutputAscii().startsWith("HELLO "));
        h.feed("INC").feed("R\nGET\n");
        assertEquals("OK\n1\n", h.takeOutputAscii());
        h.feed("nope\nQUIT\nINCR\n");
        assertEquals("ERROR unknown command: nope\nBYE\n", h.takeOutputAscii());
        assertEquals(CloseReason.LOCAL_CLOSE, h.closeReason());
    }

    @Test
    void theShippedPropertiesFileWritesOutEveryDefault() throws IOException {
        java.util.Properties shipped = new java.util.Properties();
        try (java.io.Reader r = Files.newBufferedReader(Path.of("..", "config", "ringside.properties"))) {
            shipped.load(r);
        }
        for (Setting s : Setting.values()) {
            if (s != Setting.PORT) { // per service, documented in a comment
                assertEquals(s.defaultValue(), shipped.getProperty(s.key()), "config/ringside.properties: " + s.key());
            }
        }
        io.ringside.ServerConfig.builder().applyProperties(shipped).build(); // every key is a known setting
    }

    @Test
    void theSettingsTableListsEverySettingWithItsDefault() throws IOException {
        String readme = Files.readString(README);
        for (Setting s : Setting.values()) {
            String row = "| `" + s.key() + "` | `" + s.environmentVariable() + "` | " + s.defaultValue() + " | ";
            assertTrue(readme.contains(row), "README lacks the row: " + row);
        }
    }
}
