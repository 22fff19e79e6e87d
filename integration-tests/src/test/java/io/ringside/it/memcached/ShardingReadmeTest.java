package io.ringside.it.memcached;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Keeps the README's "Sharding over several memcached daemons" recipe equal to what
 * {@link MemcachedShardIT} runs: the nutcracker YAML is the one {@link Nutcracker#yaml} writes for the
 * test (with the README's ports), and the client snippet uses the test's locator and weights.
 *
 * <p>Threading: the test thread.
 */
class ShardingReadmeTest {
    private static final Path README = Path.of("..", "README.md");

    /** The README's example: three daemons on 11211-11213, one auto-eject pool on 22121. */
    static String readmeYaml() {
        List<Nutcracker.Server> servers = List.of(
                new Nutcracker.Server("shard-1", "127.0.0.1", 11211, 1),
                new Nutcracker.Server("shard-2", "127.0.0.1", 11212, 1),
                new Nutcracker.Server("shard-3", "127.0.0.1", 11213, 1));
        return Nutcracker.yaml(List.of(new Nutcracker.Pool("ringside", 22121, true)), servers);
    }

    @Test
    void theReadmeShowsTheNutcrackerConfigTheTestWrites() throws IOException {
        String yaml = readmeYaml();
        assertTrue(yaml.contains("distribution: ketama\n") && yaml.contains("hash: md5\n")
                && yaml.contains("auto_eject_hosts: true\n") && yaml.contains("   - 127.0.0.1:11213:1 shard-3\n"), yaml);
        assertTrue(Files.readString(README).contains("```yaml\n" + yaml + "```\n"),
                "README lacks the nutcracker config MemcachedShardIT uses:\n" + yaml);
    }

    @Test
    void theReadmesClientSnippetUsesTheTestsLocatorAndWeights() throws IOException {
        String readme = Files.readString(README);
        int w = MemcachedShardIT.CLIENT_WEIGHT;
        String weights = "new int[] {" + w + ", " + w + ", " + w + "}";
        assertTrue(readme.contains(weights), "README's client snippet lacks the weights " + weights);
        assertTrue(readme.contains("builder.setSessionLocator(new KetamaMemcachedSessionLocator());"),
                "README's client snippet lacks xmemcached's ketama locator");
    }
}
