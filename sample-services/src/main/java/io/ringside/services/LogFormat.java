package io.ringside.services;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.joran.spi.JoranException;
import java.util.Locale;
import java.util.Map;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * The daemon's log line format, {@code text} or {@code json} ({@code --log-format}, else the
 * {@code RINGSIDE_LOG_FORMAT} environment variable, else text). The shipped {@code logback.xml} picks its
 * appender by {@code ${RINGSIDE_LOG_FORMAT}}; an option that differs from what Logback started with sets the
 * system property of that name (which Logback reads before the environment) and reloads the configuration.
 * Main thread only, before the server starts (and before any service changes a logger's level).
 */
final class LogFormat {
    static final String VARIABLE = "RINGSIDE_LOG_FORMAT";

    private LogFormat() {
    }

    /**
     * Applies the format chosen by {@code option} (may be null) or {@code env}.
     *
     * @throws IllegalArgumentException with a one-line message for a format other than text or json
     */
    static void apply(String option, Map<String, String> env) {
        String fromEnv = env.get(VARIABLE);
        String chosen = option != null ? option : fromEnv;
        String format = chosen == null || chosen.isBlank() ? "text" : chosen.trim().toLowerCase(Locale.ROOT);
        if (!format.equals("text") && !format.equals("json")) {
            throw new IllegalArgumentException("invalid log-format '" + chosen + "': expected text or json");
        }
        String started = System.getProperty(VARIABLE, fromEnv == null || fromEnv.isBlank() ? "text" : fromEnv.trim());
        if (format.equals(started)) {
            return;
        }
        System.setProperty(VARIABLE, format);
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (factory instanceof LoggerContext) {
            LoggerContext context = (LoggerContext) factory;
            context.reset();
            try {
                new ContextInitializer(context).autoConfig();
            } catch (JoranException e) {
                throw new IllegalArgumentException("cannot reload the logging configuration: " + e.getMessage(), e);
            }
        }
    }
}
