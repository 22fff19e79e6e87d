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
    void theSettingsTableListsEverySettingWithItsDefault() throws IOException {
        String readme = Files.readString(README);
        for (Setting s : Setting.values()) {
            String row = "| `" + s.key() + "` | `" + s.environmentVariable() + "` | " + s.defaultValue() + " | ";
            assertTrue(readme.contains(row), "README lacks the row: " + row);
        }
    }
}
