package io.ringside.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringside.ServerConfig;
import io.ringside.server.RingsideServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.yaml.snakeyaml.Yaml;

/**
 * The shipped deployment files agree with the daemon: config/systemd/ringside.service passes
 * {@code systemd-analyze verify} and stops with SIGTERM after longer than its drain; the Kubernetes manifests
 * probe paths the admin listener really serves, on the port it listens on, and give a pod longer than its
 * drain. Settings in the files are read with the daemon's own parser ({@link ServerConfig.Builder#applyEnvironment}).
 */
@Timeout(120)
class DeploymentFilesIT {
    private static final Path CONFIG = Path.of("..", "config");

    @Test
    void systemdUnitVerifiesAndOutlastsTheDrain() throws Exception {
        Path unit = CONFIG.resolve("systemd/ringside.service");
        Path analyze = Path.of("/usr/bin/systemd-analyze");
        assertTrue(Files.isExecutable(analyze), "systemd-analyze missing: run config/ci/install-peers.sh as root");
        Process p = new ProcessBuilder(analyze.toString(), "verify", unit.toAbsolutePath().toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "systemd-analyze verify did not finish");
        assertEquals(0, p.exitValue(), out);
        assertEquals("", out.strip(), "systemd-analyze verify warns (it exits 0 on an unknown key or a bad value)");

        Map<String, String> service = new HashMap<>();
        Map<String, String> env = new HashMap<>();
        for (String line : Files.readAllLines(unit)) {
            if (line.startsWith("Environment=")) {
                String[] kv = line.substring("Environment=".length()).split("=", 2);
                env.put(kv[0], kv[1]);
            } else if (!line.startsWith("#") && line.contains("=")) {
                String[] kv = line.split("=", 2);
                service.put(kv[0], kv[1]);
            }
        }
        ServerConfig config = ServerConfig.builder().applyEnvironment(env).build();
        assertEquals("SIGTERM", service.get("KillSignal"));
        Duration stop = Duration.ofMillis(millis(service.get("TimeoutStopSec")));
        assertTrue(stop.compareTo(config.drainDelay().plus(config.drainTimeout())) > 0,
                "TimeoutStopSec " + stop + " must exceed drain-delay + drain-timeout " + config.drainDelay().plus(config.drainTimeout()));
        assertTrue(Long.parseLong(service.get("LimitNOFILE")) > 16_000, "descriptors for max-connections (16000 by default)");
        assertNotEquals("root", service.getOrDefault("User", "root"), "a dedicated user");
        assertTrue(service.get("ExecStart").contains("-jar /opt/ringside/ringside.jar memcached"), service.get("ExecStart"));
        assertTrue(Files.readString(CONFIG.resolve("docker/Dockerfile")).contains("/opt/ringside/ringside.jar"),
                "the same jar path as the image");
        assertTrue(config.adminPort() > 0, "the unit turns the admin listener on");
    }

    @Test
    @SuppressWarnings("unchecked")
    void kubernetesManifestsProbeWhatTheAdminListenerServesAndOutlastTheDrain() throws Exception {
        Map<String, Object> deployment = load("deployment.yaml");
        Map<String, Object> service = load("service.yaml");
        Map<String, Object> pdb = load("pod-disruption-budget.yaml");
        assertEquals("Deployment", deployment.get("kind"));
        assertEquals("Service", service.get("kind"));
        assertEquals("PodDisruptionBudget", pdb.get("kind"));

        Map<String, Object> spec = map(deployment, "spec");
        Map<String, Object> template = map(spec, "template");
        Map<String, Object> podSpec = map(template, "spec");
        Map<String, Object> container = ((List<Map<String, Object>>) podSpec.get("containers")).get(0);
        Map<String, String> env = new LinkedHashMap<>();
        for (Map<String, Object> e : (List<Map<String, Object>>) container.get("env")) {
            env.put((String) e.get("name"), String.valueOf(e.get("value")));
        }
        ServerConfig config = ServerConfig.builder().applyEnvironment(env).build();
        long grace = ((Number) podSpec.get("terminationGracePeriodSeconds")).longValue();
        assertTrue(Duration.ofSeconds(grace).compareTo(config.drainDelay().plus(config.drainTimeout())) > 0,
                "terminationGracePeriodSeconds " + grace + " must exceed drain-delay + drain-timeout");
        assertTrue(config.drainDelay().toSeconds() >= 2, "drain-delay long enough for a readiness probe to see 503");
        assertEquals("0.0.0.0", config.adminHost(), "the kubelet probes from outside the pod's loopback");

        Map<String, Integer> ports = new HashMap<>();
        for (Map<String, Object> port : (List<Map<String, Object>>) container.get("ports")) {
            ports.put((String) port.get("name"), (Integer) port.get("containerPort"));
        }
        assertEquals(config.adminPort(), ports.get("admin"), "the admin container port is admin-port");
        Map<String, Object> ready = map(map(container, "readinessProbe"), "httpGet");
        Map<String, Object> live = map(map(container, "livenessProbe"), "httpGet");
        assertEquals("admin", ready.get("port"));
        assertEquals("admin", live.get("port"));

        // the probe paths, asked of a real server built from the manifest's settings (on free ports)
        ServerConfig local = ServerConfig.builder().applyEnvironment(env).host("127.0.0.1").port(0)
                .adminHost("127.0.0.1").adminPort(0).workers(1).build();
        try (RingsideServer server = new RingsideServer(local, () -> new io.ringside.LineHandler() {
            @Override
            public void onLine(io.ringside.Connection c, io.ringside.ByteSpan line) {
                c.writeLine(line);
            }
        }).start()) {
            int admin = server.adminAddress().orElseThrow().getPort();
            assertEquals(200, get(admin, (String) ready.get("path")), "readiness path " + ready.get("path"));
            assertEquals(200, get(admin, (String) live.get("path")), "liveness path " + live.get("path"));
            assertEquals(200, get(admin, (String) map(template, "metadata").entrySet().stream()
                    .filter(e -> e.getKey().equals("annotations")).map(e -> ((Map<String, Object>) e.getValue()).get("prometheus.io/path"))
                    .findFirst().orElseThrow()), "the scrape path");
        }

        Map<String, Object> labels = map(map(template, "metadata"), "labels");
        assertEquals(labels, map(map(spec, "selector"), "matchLabels"));
        assertEquals(labels, map(map(service, "spec"), "selector"));
        assertEquals(labels, map(map(map(pdb, "spec"), "selector"), "matchLabels"));
        for (Map<String, Object> port : (List<Map<String, Object>>) map(service, "spec").get("ports")) {
            assertTrue(ports.containsKey((String) port.get("targetPort")), "the Service targets a container port: " + port);
        }
        int replicas = (Integer) spec.get("replicas");
        int maxUnavailable = (Integer) map(pdb, "spec").get("maxUnavailable");
        assertTrue(maxUnavailable >= 1 && maxUnavailable < replicas, "the budget leaves pods serving");
        List<String> args = (List<String>) container.get("args");
        assertEquals("memcached", args.get(0));
    }

    private static long millis(String systemdTime) {
        String t = systemdTime.trim();
        if (t.endsWith("ms")) {
            return Long.parseLong(t.substring(0, t.length() - 2));
        }
        if (t.endsWith("min")) {
            return Long.parseLong(t.substring(0, t.length() - 3)) * 60_000;
        }
        if (t.endsWith("s")) {
            t = t.substring(0, t.length() - 1);
        }
        return Long.parseLong(t) * 1000; // a bare number is seconds for systemd
    }

    private static Map<String, Object> load(String name) throws IOException {
        return new Yaml().load(Files.readString(CONFIG.resolve("kubernetes").resolve(name)));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> parent, String key) {
        Object v = parent.get(key);
        assertTrue(v instanceof Map, key + " is not a mapping: " + v);
        return (Map<String, Object>) v;
    }

    private static int get(int port, String path) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
