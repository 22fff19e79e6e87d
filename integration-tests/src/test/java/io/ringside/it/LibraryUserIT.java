package io.ringside.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Ringside as a library user gets it: a small project outside this reactor (its own pom, the one the
 * README shows, a handler and a test that talks to it over a socket) built by a separate {@code mvn -o}
 * against a Maven repository that holds this build's framework as {@code mvn install} lays it out.
 *
 * <p>The repository is a throw-away one: the framework comes from {@code target/library-repo}
 * (installed there by this module's pre-integration-test phase); every other artifact (Disruptor,
 * Guava, SLF4J, JUnit, the plugins) is a symbolic link into the user's local repository, so the build
 * runs offline and the real {@code ~/.m2} never sees this build's framework.
 *
 * <p>Built once as a named module ({@code requires io.ringside}: a package the framework forgot to
 * export fails the compile) and once on the class path, as most users build.
 */
@Timeout(600)
class LibraryUserIT {

    private static final String GROUP_PATH = "io/ringside";
    private static final List<String> PROJECT_FILES = List.of(
            "pom.xml",
            "src/main/java/module-info.java",
            "src/main/java/com/example/shout/ShoutHandler.java",
            "src/test/java/com/example/shout/ShoutHandlerTest.java");

    private final String version = property("ringside.version");
    private final Path installed = Path.of(property("library.repo"));
    private final Path userRepo = Path.of(property("user.repo"));
    private Path work;

    private static String property(String name) {
        String value = System.getProperty(name);
        assertTrue(value != null && !value.isBlank(), "system property " + name + " (set by integration-tests/pom.xml)");
        return value;
    }

    @BeforeEach
    void createWorkDirectory() throws IOException {
        // Outside the repository: no .mvn/ of this project is found by the user's build.
        work = Files.createTempDirectory("ringside-library-user-");
    }

    @AfterEach
    void deleteWorkDirectory() throws IOException {
        deleteTree(work); // the links into the user's repository are deleted, never followed
    }

    @Test
    void aModularProjectRequiringIoRingsideBuildsAndServesALine() throws Exception {
        Path project = copyProject(true);
        String log = buildOffline(project, throwAwayRepository());
        assertTrue(log.contains("io.ringside loaded as module io.ringside"), "not on the module path:\n" + log);
    }

    @Test
    void aClassPathProjectBuildsAndServesALine() throws Exception {
        Path project = copyProject(false);
        String log = buildOffline(project, throwAwayRepository());
        assertTrue(log.contains("io.ringside loaded as unnamed module"), "not on the class path:\n" + log);
    }

    @Test
    void thePublishedJarIsAModuleExportingOnlyTheApi() throws IOException {
        Path dir = installed.resolve(GROUP_PATH).resolve("server-framework").resolve(version);
        Path jar = dir.resolve("server-framework-" + version + ".jar");
        ModuleDescriptor module = ModuleFinder.of(jar).find("io.ringside")
                .orElseThrow(() -> new AssertionError("no module io.ringside in " + jar))
                .descriptor();
        assertFalse(module.isAutomatic(), "io.ringside must have a module-info, not only a manifest name");
        for (ModuleDescriptor.Exports e : module.exports()) {
            assertFalse(e.isQualified(), "a qualified export: " + e);
        }
        Set<String> exported = module.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
        assertEquals(Set.of("io.ringside", "io.ringside.server", "io.ringside.testing"), exported);
        assertTrue(module.packages().stream().anyMatch(p -> p.startsWith("io.ringside.internal")), module.packages().toString());

        try (ZipFile sources = new ZipFile(dir.resolve("server-framework-" + version + "-sources.jar").toFile())) {
            assertTrue(sources.getEntry("module-info.java") != null, "sources jar without module-info.java");
            assertTrue(sources.getEntry("io/ringside/LineHandler.java") != null, "sources jar without LineHandler.java");
        }
        try (ZipFile javadoc = new ZipFile(dir.resolve("server-framework-" + version + "-javadoc.jar").toFile())) {
            List<String> names = javadoc.stream().map(java.util.zip.ZipEntry::getName).collect(Collectors.toList());
            assertTrue(names.stream().anyMatch(n -> n.endsWith("io/ringside/LineHandler.html")), "javadoc without LineHandler");
            assertTrue(names.stream().noneMatch(n -> n.contains("/internal/")), "javadoc documents the internal packages");
        }
    }

    /** The README's project: its pom, a handler, a test; {@code modular} keeps its module-info.java. */
    private Path copyProject(boolean modular) throws IOException {
        Path project = work.resolve("shout");
        for (String file : PROJECT_FILES) {
            if (!modular && file.endsWith("module-info.java")) {
                continue;
            }
            Path target = project.resolve(file);
            Files.createDirectories(target.getParent());
            try (InputStream in = LibraryUserIT.class.getResourceAsStream("/library-user/" + file)) {
                assertTrue(in != null, "test resource library-user/" + file);
                Files.copy(in, target);
            }
        }
        return project;
    }

    /**
     * A local repository for the user's build: io/ringside copied from what this build installed, every
     * other entry of the user's repository linked in (io/ringside of the user's repository never is).
     */
    private Path throwAwayRepository() throws IOException {
        Path framework = installed.resolve(GROUP_PATH).resolve("server-framework").resolve(version);
        assertTrue(Files.isRegularFile(framework.resolve("server-framework-" + version + ".pom")),
                "the framework is not installed in " + installed + " (integration-tests' pre-integration-test phase does it)");
        Path repo = work.resolve("repository");
        copyTree(installed.resolve(GROUP_PATH), repo.resolve(GROUP_PATH));
        linkMissing(userRepo, repo, repo.resolve(GROUP_PATH));
        return repo;
    }

    /**
     * Links each entry of {@code from} that {@code to} lacks, descending where {@code to} has a real
     * directory; {@code never} (this build's own group) is neither linked nor descended into.
     */
    private static void linkMissing(Path from, Path to, Path never) throws IOException {
        try (Stream<Path> entries = Files.list(from)) {
            for (Path source : (Iterable<Path>) entries::iterator) {
                Path target = to.resolve(source.getFileName().toString());
                if (target.equals(never)) {
                    continue;
                }
                if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createSymbolicLink(target, source.toAbsolutePath());
                } else if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS) && Files.isDirectory(source)) {
                    linkMissing(source, target, never);
                }
            }
        }
    }

    /** {@code mvn -o -B verify} in the project with the given local repository; returns the log. */
    private String buildOffline(Path project, Path repo) throws IOException, InterruptedException {
        String mavenHome = System.getProperty("maven.home", "");
        Path mvn = Path.of(mavenHome, "bin", "mvn");
        List<String> command = new ArrayList<>(List.of(Files.isExecutable(mvn) ? mvn.toString() : "mvn",
                "-o", "-B", "-Dstyle.color=never", "-Dmaven.repo.local=" + repo, "verify"));
        Path log = work.resolve("build.log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(project.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home")); // the JDK running this test
        pb.environment().put("MAVEN_BASEDIR", project.toString());          // no .mvn/ from above the project
        pb.environment().remove("MAVEN_ARGS");
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            fail("the user's build did not finish in 5 minutes:\n" + tail(log));
        }
        String text = Files.readString(log, StandardCharsets.UTF_8);
        System.out.println("== the library user's build (" + String.join(" ", command) + "), exit " + p.exitValue() + ":\n" + tail(log));
        assertEquals(0, p.exitValue(), "the library user's build failed:\n" + text);
        assertTrue(text.contains("Tests run: 1, Failures: 0, Errors: 0, Skipped: 0"), text);
        return text;
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** Deletes a tree without following symbolic links (a link is deleted, its target is not touched). */
    private static void deleteTree(Path root) throws IOException {
        if (root == null || !Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) { // Files.walk does not follow links
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(path);
            }
        }
    }
}
