package io.ringside;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The shape the README's architecture section promises, checked on the sources: no import cycle between
 * the framework's packages, nothing outside the framework's public packages imports its internals, and
 * every main class stays small.
 */
class ArchitectureTest {
    private static final Path MAIN = Path.of("src/main/java");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?(io\\.ringside(?:\\.[a-z0-9]+)*)\\.[A-Z]", Pattern.MULTILINE);
    private static final Pattern QUALIFIED = Pattern.compile("\\b(io\\.ringside(?:\\.[a-z0-9]+)*)\\.[A-Z]\\w*");
    private static final int MAX_LINES = 300;
    /** An import of, or a qualified reference to, a type in the internals (string literals removed first). */
    private static final Pattern INTERNAL_USE = Pattern.compile("\\bio\\.ringside\\.internal(?:\\.[a-z0-9]+)*\\.[A-Z]");

    @Test
    void noImportCycleBetweenTheFrameworksPackages() throws IOException {
        Map<String, Set<String>> graph = packageGraph(MAIN);
        assertTrue(graph.size() >= 8, "packages found: " + graph.keySet());
        List<String> cycle = findCycle(graph);
        assertEquals(List.of(), cycle, "import cycle between packages");
    }

    @Test
    void onlyTheFrameworksOwnPackagesImportItsInternals() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (Path root : List.of(Path.of("src/test/java"), Path.of("../sample-services/src"), Path.of("../integration-tests/src"),
                Path.of("../benchmarks/src"))) {
            for (Path file : javaFiles(root)) {
                String text = codeOnly(Files.readString(file));
                boolean ownPackageTest = text.contains("package io.ringside.internal");
                if (!ownPackageTest && INTERNAL_USE.matcher(text).find()) {
                    offenders.add(file.toString());
                }
            }
        }
        assertEquals(List.of(), offenders, "import io.ringside.internal from outside the framework (only tests in those packages may)");
    }

    @Test
    void everyMainClassIsSmall() throws IOException {
        Map<String, Integer> large = new TreeMap<>();
        for (Path file : javaFiles(MAIN)) {
            int lines = Files.readAllLines(file).size();
            if (lines > MAX_LINES) {
                large.put(MAIN.relativize(file).toString(), lines);
            }
        }
        assertEquals(Map.of(), large, "main classes over " + MAX_LINES + " lines");
    }

    /** Package -> the framework packages its files refer to (imports and qualified names). */
    static Map<String, Set<String>> packageGraph(Path root) throws IOException {
        Map<String, Set<String>> graph = new HashMap<>();
        for (Path file : javaFiles(root)) {
            String text = stripComments(Files.readString(file));
            String pkg = packageOf(text);
            if (pkg == null) {
                continue; // module-info
            }
            Set<String> deps = graph.computeIfAbsent(pkg, p -> new TreeSet<>());
            for (Pattern p : List.of(IMPORT, QUALIFIED)) {
                Matcher m = p.matcher(text);
                while (m.find()) {
                    if (!m.group(1).equals(pkg)) {
                        deps.add(m.group(1));
                    }
                }
            }
        }
        return graph;
    }

    /** The source without comments, string and char literals (what is left is code). */
    static String codeOnly(String source) {
        StringBuilder code = new StringBuilder(source.length());
        for (int i = 0; i < source.length(); i++) {
            char ch = source.charAt(i);
            if (ch == '/' && source.startsWith("//", i)) {
                i = Math.max(i, source.indexOf('\n', i) - 1);
                if (i < 0) {
                    break;
                }
            } else if (ch == '/' && source.startsWith("/*", i)) {
                i = source.indexOf("*/", i + 2) + 1;
                if (i <= 0) {
                    break;
                }
            } else if (ch == '"' || ch == '\'') {
                int j = i + 1;
                while (j < source.length() && source.charAt(j) != ch) {
                    j += source.charAt(j) == '\\' ? 2 : 1;
                }
                code.append(ch).append(ch);
                i = j;
            } else {
                code.append(ch);
            }
        }
        return code.toString();
    }

    /** The source without comments (javadoc links are not dependencies). */
    static String stripComments(String source) {
        return source.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
    }

    private static String packageOf(String source) {
        Matcher m = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE).matcher(source);
        return m.find() ? m.group(1) : null;
    }

    /** A cycle as a list of packages (first repeated at the end), or an empty list. */
    static List<String> findCycle(Map<String, Set<String>> graph) {
        Map<String, Integer> state = new HashMap<>(); // 1 visiting, 2 done
        List<String> path = new ArrayList<>();
        for (String start : new TreeSet<>(graph.keySet())) {
            List<String> cycle = visit(start, graph, state, path);
            if (!cycle.isEmpty()) {
                return cycle;
            }
        }
        return List.of();
    }

    private static List<String> visit(String node, Map<String, Set<String>> graph, Map<String, Integer> state, List<String> path) {
        Integer s = state.get(node);
        if (s != null && s == 2) {
            return List.of();
        }
        if (s != null) {
            List<String> cycle = new ArrayList<>(path.subList(path.indexOf(node), path.size()));
            cycle.add(node);
            return cycle;
        }
        state.put(node, 1);
        path.add(node);
        for (String next : graph.getOrDefault(node, Set.of())) {
            List<String> cycle = visit(next, graph, state, path);
            if (!cycle.isEmpty()) {
                return cycle;
            }
        }
        path.remove(path.size() - 1);
        state.put(node, 2);
        return List.of();
    }

    private static List<Path> javaFiles(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> f.toString().endsWith(".java")).sorted().collect(Collectors.toList());
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
