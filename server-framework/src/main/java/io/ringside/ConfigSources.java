package io.ringside;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * Where {@link ServerConfig.Builder} takes settings from besides code: a properties file and the
 * environment. Kept apart from the builder so that the builder is its typed setters.
 *
 * <p>Stateless; the builder it fills is not thread-safe.
 */
final class ConfigSources {
    private ConfigSources() {
    }

    /** Every known key of {@code properties}; an unknown key is an error (a typo must not pass silently). */
    static void applyProperties(ServerConfig.Builder b, Properties properties) {
        for (String key : properties.stringPropertyNames()) {
            b.set(Setting.byKey(key), properties.getProperty(key));
        }
    }

    /** A properties file, read as UTF-8. */
    static void loadProperties(ServerConfig.Builder b, Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        applyProperties(b, p);
    }

    /** Every {@code RINGSIDE_*} variable that names a setting; others are ignored, and so are blank ones. */
    static void applyEnvironment(ServerConfig.Builder b, Map<String, String> environment) {
        for (Setting s : Setting.values()) {
            String v = environment.get(s.environmentVariable());
            if (v != null && !v.isBlank()) {
                b.set(s, v);
            }
        }
    }
}
