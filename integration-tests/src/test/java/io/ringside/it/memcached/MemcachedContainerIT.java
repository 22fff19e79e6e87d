package io.ringside.it.memcached;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * The daemon image the build made ({@code config/docker}) running the {@code memcached} subcommand on
 * the host network and a free port, driven by xmemcached: a short session with every value checked
 * ({@link XmemcachedSession}), then a clean stop. Always against the image, whatever
 * {@code memcached.target} says. No Docker means failure, never a skip.
 */
@Timeout(300)
class MemcachedContainerIT {
    static final String IMAGE = System.getProperty("ringside.image", "ringside/daemon:latest");

    @BeforeAll
    static void dockerMustBeThere() {
        assertTrue(DockerClientFactory.instance().isDockerAvailable(),
                "Docker is required for the container tests and cannot be reached (run config/docker/ensure-docker.sh)");
    }

    @Test
    void theImageRunsMemcachedForARealClient() throws Exception {
        int port = MemcachedTarget.freePort();
        try (GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(IMAGE))
                .withNetworkMode("host")
                .withEnv("JAVA_OPTS", "-Xmx256m")
                .withCommand("memcached", "-p", Integer.toString(port), "-l", "127.0.0.1", "-t", "2", "-m", "64")
                .waitingFor(Wait.forLogMessage(".*listening on 127\\.0\\.0\\.1:" + port + ".*", 1)
                        .withStartupTimeout(Duration.ofSeconds(60)))) {
            c.start();
            try (XmemcachedSession session = new XmemcachedSession("127.0.0.1", port)) {
                session.basics();
                session.casRules();
                session.counters();
                session.wideMultiGet();
                byte[] every = new byte[256];
                for (int i = 0; i < every.length; i++) {
                    every[i] = (byte) i;
                }
                assertTrue(session.client.set("container-bin", 0, every));
                assertArrayEquals(every, session.rawGet("container-bin"));
            }
            c.getDockerClient().stopContainerCmd(c.getContainerId()).withTimeout(30).exec();
            Long exit = c.getDockerClient().inspectContainerCmd(c.getContainerId()).exec().getState().getExitCodeLong();
            String log = c.getLogs();
            System.out.println("memcached container log:\n" + log);
            assertEquals(0L, exit, log);
            assertFalse(log.contains("Exception"), log);
            assertFalse(log.contains(" ERROR "), log);
        }
    }
}
