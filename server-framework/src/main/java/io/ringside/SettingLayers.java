package io.ringside;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * The layers a {@link ServerConfig.Builder} reads settings from, besides typed setters: a properties file
 * (every key must name a setting) and the {@code RINGSIDE_*} environment variables.
 *
 * <p>Stateless; called on the builder's thread.
 */
final class SettingLayers {
    private SettingLayers() {
    }

    static void applyProperties(ServerConfig.Builder builder, Properties properties) {
        for (String key : properties.stringPropertyNames()) {
            builder.set(Setting.byKey(key), properties.getProperty(key));
        }
    }

    static Properties read(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return p;
    }

    static void applyEnvironment(ServerConfig.Builder builder, Map<String, String> environment) {
        for (Setting s : Setting.values()) {
            String v = environment.get(s.environmentVariable());
            if (v != null && !v.isBlank()) {
                builder.set(s, v);
            }
        }
    }
}
