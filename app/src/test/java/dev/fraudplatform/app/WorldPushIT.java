package dev.fraudplatform.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fraudplatform.core.store.Manifest;
import dev.fraudplatform.testkit.servers.S3Servers;
import dev.fraudplatform.world.WorldBuilder;
import dev.fraudplatform.world.WorldConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code fp --profile P world push W} on a real S3 API server (s3proxy): a world sealed on this machine lands, sealed,
 * in the profile's store, in the oracle's own bucket when the profile gives the oracle one ({@code s3.bucket.oracle});
 * a second push changes nothing; an unknown world is refused in one line.
 */
class WorldPushIT {

    @Test
    void aSealedWorldIsPushedToTheOraclesBucketOnceAndAnUnknownOneIsRefused() throws Exception {
        // Given a world sealed in this machine's store, and a profile with a main bucket and an oracle bucket
        Path home = Files.createTempDirectory("fp-world-push-");
        String worldId = new WorldBuilder(PlatformConfig.from(Map.of("FP_HOME", home.toString()), null)
                        .localStore())
                .build(WorldConfig.defaults(5, 300), WorldBuilder.Progress.NONE)
                .worldId();
        S3Servers.S3Bucket main = S3Servers.freshBucket();
        S3Servers.S3Bucket oracle = S3Servers.freshBucket();
        Path profile = home.resolve("pushed.properties");
        Files.writeString(
                profile,
                String.join(
                        "\n",
                        "store=s3",
                        "s3.endpoint=" + main.endpoint(),
                        "s3.bucket=" + main.bucket(),
                        "s3.bucket.oracle=" + oracle.bucket(),
                        "s3.path.style=true",
                        "s3.credentials=env",
                        ""));
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("FP_HOME", home.toString());
        env.put("FP_S3_ACCESS_KEY_ID", main.accessKeyId());
        env.put("FP_S3_SECRET_ACCESS_KEY", main.secretAccessKey());
        env.remove("FP_PROFILE");

        // When it is pushed, twice
        Path log = home.resolve("push.log");
        for (int i = 0; i < 2; i++)
            assertThat(push(log, env, profile, worldId))
                    .as(Files.readString(log))
                    .isZero();

        // Then it is sealed in the oracle's bucket, not in the main one, and re-hashes there
        PlatformConfig config = PlatformConfig.from(env, profile.toString());
        var store = config.objectStore();
        String manifest = WorldBuilder.prefix(worldId) + "/" + Manifest.FILE_NAME;
        assertThat(Manifest.verify(store, WorldBuilder.prefix(worldId))).isEmpty();
        assertThat(S3Servers.bucketDir(oracle.bucket()).resolve(manifest)).exists();
        assertThat(S3Servers.bucketDir(main.bucket()).resolve(manifest)).doesNotExist();
        assertThat(Files.readString(log)).contains("world " + worldId + " sealed in");

        // And a world this machine does not have is refused in one line, exit 2
        Path bad = home.resolve("bad.log");
        assertThat(push(bad, env, profile, "w-0000000000000000")).isEqualTo(2);
        List<String> lines =
                Files.readAllLines(bad).stream().filter(l -> !l.isBlank()).toList();
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).contains("world w-0000000000000000 not found");
    }

    private static int push(Path log, Map<String, String> env, Path profile, String worldId) throws Exception {
        Process p = FpProcess.start(log, env, "--profile", profile.toString(), "world", "push", worldId);
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        return p.exitValue();
    }
}
