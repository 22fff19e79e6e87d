package io.ringside.services;

import io.ringside.HandlerFactory;
import io.ringside.services.echo.EchoHandler;
import io.ringside.services.rot13.Rot13Handler;
import java.util.Locale;

/** The daemons this jar runs, one subcommand each. Thread-safe (immutable). */
enum Service {
    // Both handlers are stateless: one shared instance serves every connection (16 bytes less per connection).
    ECHO(shared(new EchoHandler()), 40712, "Reply each line unchanged (byte-exact)."),
    ROT13(shared(new Rot13Handler()), 40713, "Reply each line ROT13'd (the libevent book's example, port 40713).");

    final HandlerFactory factory;
    final int defaultPort;
    final String description;

    Service(HandlerFactory factory, int defaultPort, String description) {
        this.factory = factory;
        this.defaultPort = defaultPort;
        this.description = description;
    }

    private static HandlerFactory shared(io.ringside.LineHandler stateless) {
        return () -> stateless;
    }

    String command() {
        return name().toLowerCase(Locale.ROOT);
    }
}
