package io.ringside.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Keeps the README's "Using Ringside as a library" section equal to the project LibraryUserIT builds. */
class LibraryReadmeTest {
    private static final Path README = Path.of("..", "README.md");

    private static String userPom() throws IOException {
        try (InputStream in = LibraryReadmeTest.class.getResourceAsStream("/library-user/pom.xml")) {
            assertTrue(in != null, "test resource library-user/pom.xml");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void theUsersPomCarriesThisBuildsVersions() throws IOException {
        assertFalse(Pattern.compile("@[A-Za-z.-]+@").matcher(userPom()).find(), "an unfiltered @placeholder@ in:\n" + userPom());
    }

    @Test
    void theReadmeShowsTheUsersPomThatLibraryUserItBuilds() throws IOException {
        String readme = Files.readString(README);
        assertTrue(readme.contains("```xml\n" + userPom() + "```\n"),
                "README's minimal pom.xml differs from integration-tests/src/test/resources/library-user/pom.xml "
                        + "(after filtering):\n" + userPom());
    }

    @Test
    void theReadmesDependencySnippetNamesThisVersion() throws IOException {
        Matcher m = Pattern.compile("<artifactId>server-framework</artifactId>\\s*<version>([^<]+)</version>").matcher(userPom());
        assertTrue(m.find(), userPom());
        String snippet = "```xml\n<dependency>\n  <groupId>io.ringside</groupId>\n  <artifactId>server-framework</artifactId>\n"
                + "  <version>" + m.group(1) + "</version>\n</dependency>\n```\n";
        assertTrue(Files.readString(README).contains(snippet), "README lacks the dependency snippet:\n" + snippet);
    }
}
