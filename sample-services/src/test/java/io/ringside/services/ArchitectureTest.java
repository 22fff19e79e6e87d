package io.ringside.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The shape of the daemons' sources, as the framework's own ArchitectureTest checks the framework: every main class
 * stays small, and the memcached store knows nothing of the protocol above it or of the framework (so it can be
 * tested, and reused, on its own).
 */
class ArchitectureTest {
    private static final Path MAIN = Path.of("src/main/java");
    private static final int MAX_LINES = 300;
    private static final String STORE = "io.ringside.services.memcached.store";
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?([\\w.]+)\\.[A-Z]\\w*(?:\\.\\*)?;", Pattern.MULTILINE);

    @Test
    void everyMainClassIsSmall() throws IOException {
        Map<String, Integer> large = new TreeMap<>();
        List<Path> files = javaFiles(MAIN);
        assertTrue(files.size() > 40, "sources found: " + files.size());
        for (Path file : files) {
            int lines = Files.readAllLines(file).size();
            if (lines > MAX_LINES) {
                large.put(MAIN.relativize(file).toString(), lines);
            }
        }
        assertEquals(Map.of(), large, "main classes over " + MAX_LINES + " lines");
    }

    @Test
    void theStoreImportsNothingOfTheProtocolOrTheFramework() throws IOException {
        List<String> offenders = new ArrayList<>();
        List<Path> files = javaFiles(MAIN.resolve(STORE.replace('.', '/')));
        assertTrue(files.size() > 10, "store sources found: " + files.size());
        int imports = 0;
        for (Path file : files) {
            Matcher m = IMPORT.matcher(Files.readString(file));
            while (m.find()) {
                imports++;
                String pkg = m.group(1);
                if (pkg.startsWith("io.ringside") && !pkg.equals(STORE)) {
                    offenders.add(MAIN.relativize(file) + " imports " + pkg);
                }
            }
        }
        assertTrue(imports > 10, "imports seen (the pattern works): " + imports);
        assertEquals(List.of(), offenders, "the store depends only on the JDK");
    }

    private static List<Path> javaFiles(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> f.toString().endsWith(".java")).sorted().collect(Collectors.toList());
        }
    }
}
