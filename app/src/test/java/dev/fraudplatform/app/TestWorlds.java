package dev.fraudplatform.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fraudplatform.world.WorldBuilder;
import dev.fraudplatform.world.WorldConfig;

/** Worlds for the integration tests: built and sealed on a platform's object store. */
final class TestWorlds {
    private TestWorlds() {}

    /** Flips one bit of the first stream-view file of a sealed world under {@code home}'s store; returns that file. */
    static java.nio.file.Path flipAByteOfTheFirstView(java.nio.file.Path home, String worldId)
            throws java.io.IOException {
        java.nio.file.Path victim;
        try (java.util.stream.Stream<java.nio.file.Path> files =
                java.nio.file.Files.walk(home.resolve("store/oracle/" + worldId + "/views"))) {
            victim = files.filter(java.nio.file.Files::isRegularFile)
                    .sorted()
                    .findFirst()
                    .orElseThrow();
        }
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(victim.toFile(), "rw")) {
            f.seek(10);
            int b = f.read();
            f.seek(10);
            f.write(b ^ 1);
        }
        return victim;
    }

    /** Builds the default world of {@code transactions} from {@code seed}; its validation gate must PASS. Returns its id. */
    static String passed(Platform platform, long seed, int transactions) {
        WorldBuilder.Result world = new WorldBuilder(platform.store())
                .build(WorldConfig.defaults(seed, transactions), WorldBuilder.Progress.NONE);
        assertThat(world.verdict().passed())
                .as("validation gate of world seed %d", seed)
                .isTrue();
        return world.worldId();
    }
}
