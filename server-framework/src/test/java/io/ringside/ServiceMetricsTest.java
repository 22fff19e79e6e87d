package io.ringside;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringside.server.RingsideServer;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A service's own values on /metrics: read at each scrape; a failing or misnamed source is left out, the rest served. */
@Timeout(60)
class ServiceMetricsTest {

    @Test
    void aSourcesValuesAreReadAtEachScrapeAndBadSourcesAreLeftOut() throws Exception {
        ServerConfig config = ServerConfig.builder().port(0).adminPort(0).workers(1).build();
        AtomicLong items = new AtomicLong(3);
        try (RingsideServer server = new RingsideServer(config, HostileClientsTest.EchoHandler::new).start()) {
            server.addServiceMetrics(out -> {
                out.gauge("cache_items", "Items in the cache.", items.get());
                out.counter("cache_hits", "Lookups that found their key.", 42);
            });
            server.addServiceMetrics(out -> {
                out.gauge("half_done", "Reported before the failure: left out with it.", 1);
                throw new IllegalStateException("a broken source");
            });
            server.addServiceMetrics(out -> out.counter("bad_total", "A counter named with its suffix.", 1));
            server.addServiceMetrics(out -> out.gauge("ringside_mine", "A framework name.", 1));
            server.addServiceMetrics(out -> out.gauge("cache_items", "A name already on the page.", 1));
            server.addServiceMetrics(out -> out.gauge("bad-name", "Not a Prometheus name.", 1));
            assertThrows(NullPointerException.class, () -> server.addServiceMetrics(null));

            PrometheusText page = PrometheusText.parse(AdminListenerTest.get(server, "/metrics").body());
            assertEquals(3, page.value("cache_items"));
            assertEquals("gauge", page.types.get("cache_items"));
            assertEquals(42, page.value("cache_hits_total"));
            assertEquals("counter", page.types.get("cache_hits_total"));
            assertEquals("Lookups that found their key.", page.help.get("cache_hits_total"));
            for (String absent : new String[] {"half_done", "bad_total", "bad_total_total", "ringside_mine"}) {
                assertFalse(page.has(absent), absent + " must be left out");
            }
            assertTrue(page.has("ringside_opened_total"), "the framework's own values are still served");

            items.set(5);
            assertEquals(5, PrometheusText.parse(AdminListenerTest.get(server, "/metrics").body()).value("cache_items"),
                    "read again at the next scrape");
        }
    }
}
