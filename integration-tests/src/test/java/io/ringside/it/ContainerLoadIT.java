package io.ringside.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringside.loadgen.LoadGenerator;
import io.ringside.loadgen.LoadOptions;
import io.ringside.loadgen.LoadReport;
import io.ringside.loadgen.ReplyMode;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * The echo and ROT13 daemons in containers of the image the build made ({@code config/docker}), on the
 * host network, under load from the project's load generator. No Docker means failure, never a skip.
 */
@Timeout(600)
class ContainerLoadIT {
    static final String IMAGE = System.getProperty("ringside.image", "ringside/daemon:latest");

    @BeforeAll
    static void dockerMustBeThere() {
        assertTrue(DockerClientFactory.instance().isDockerAvailable(),
                "Docker is required for the container tests and cannot be reached (run config/docker/ensure-docker.sh)");
    }

    private static GenericContainer<?> daemon(ReplyMode mode, int port) {
        return new GenericContainer<>(DockerImageName.parse(IMAGE))
                .withNetworkMode("host")
                .withEnv("RINGSIDE_PORT", Integer.toString(port))
                .withEnv("JAVA_OPTS", "-Xmx256m")
                .withCommand(mode.name().toLowerCase(Locale.ROOT), "--host", "127.0.0.1", "--workers", "2")
                .waitingFor(Wait.forLogMessage(".*listening on 127\\.0\\.0\\.1:" + port + ".*", 1)
                        .withStartupTimeout(Duration.ofSeconds(60)));
    }

    private static void assertCleanLog(String log) {
        assertFalse(log.contains(" ERROR "), log);
        assertFalse(log.contains("Exception"), log);
        assertFalse(log.contains("\tat "), log);
    }

    @ParameterizedTest
    @EnumSource(ReplyMode.class)
    void loadChurnAndADrainingStop(ReplyMode mode) throws Exception {
        int port = DaemonProcess.freePort();
        try (GenericContainer<?> c = daemon(mode, port)) {
            c.start();
            System.out.println("container " + c.getContainerId().substring(0, 12) + " (" + mode + ") listening on 127.0.0.1:" + port);

            LoadReport load = LoadGenerator.run(LoadOptions.builder(port).conns(500).depth(8).size(32)
                    .requests(200_000).seconds(60).mode(mode).quiet(true).build());
            System.out.println("container load (" + mode + "): " + load.summary());
            assertTrue(load.ok(), load.summary());
            assertTrue(load.requests() >= 200_000, load.summary());

            LoadReport churn = LoadGenerator.run(LoadOptions.builder(port).conns(20).churn(true).size(32)
                    .requests(5_000).seconds(60).mode(mode).quiet(true).build());
            System.out.println("container churn (" + mode + "): " + churn.summary());
            assertTrue(churn.ok(), churn.summary());
            assertTrue(churn.requests() >= 5_000, churn.summary());

            List<Socket> sockets = new ArrayList<>();
            String batch = "Hello, World\n".repeat(100);
            for (int i = 0; i < 100; i++) {
                Socket s = new Socket("127.0.0.1", port);
                s.setSoTimeout(30_000);
                s.getOutputStream().write(batch.getBytes(StandardCharsets.US_ASCII));
                sockets.add(s);
            }
            String expected = mode == ReplyMode.ECHO ? batch : "Uryyb, Jbeyq\n".repeat(100);
            c.getDockerClient().stopContainerCmd(c.getContainerId()).withTimeout(30).exec();
            for (Socket s : sockets) {
                InputStream in = s.getInputStream();
                assertEquals(expected, new String(in.readAllBytes(), StandardCharsets.US_ASCII), "every line sent before stop answered");
                s.close();
            }
            Long exit = c.getDockerClient().inspectContainerCmd(c.getContainerId()).exec().getState().getExitCodeLong();
            String log = c.getLogs();
            System.out.println("container log (" + mode + "):\n" + log);
            assertEquals(0L, exit, log);
            assertTrue(log.contains("stopped: every connection drained"), log);
            assertCleanLog(log);
        }
    }
}
