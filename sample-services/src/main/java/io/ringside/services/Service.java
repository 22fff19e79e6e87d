package io.ringside.services;

import io.ringside.services.echo.EchoHandler;
import io.ringside.services.rot13.Rot13Handler;
import java.util.Locale;

/** The daemons this jar runs, one subcommand each. Thread-safe (immutable). */
enum Service {
    // Both handlers are stateless: one shared instance serves every connection (16 bytes less per connection).
    ECHO(ServiceWiring.shared(new EchoHandler()), 40712, "Reply each line unchanged (byte-exact)."),
    ROT13(ServiceWiring.shared(new Rot13Handler()), 40713, "Reply each line ROT13'd (the libevent book's example, port 40713)."),
    MEMCACHED(new MemcachedServiceWiring(), 11211, "A memcached 1.6 compatible cache (text protocol), a drop-in for"
            + " memcached's common options: -p -l -m -c -t -I -R -o idle_timeout=N -v -u -U 0."),
    PROXY(new ProxyServiceWiring(), 40714, "A byte-transparent TCP relay (libevent's le-proxy): --listen HOST:PORT"
            + " --to HOST:PORT; back-pressure both ways, half-close passed through.");

    final ServiceWiring wiring;
    final int defaultPort;
    final String description;

    Service(ServiceWiring wiring, int defaultPort, String description) {
        this.wiring = wiring;
        this.defaultPort = defaultPort;
        this.description = description;
    }

    String command() {
        return name().toLowerCase(Locale.ROOT);
    }
}
