package dev.fraudplatform.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fraudplatform.world.WorldBuilder;
import dev.fraudplatform.world.WorldConfig;

/** Worlds for the integration tests: built and sealed on a platform's object store. */
final class TestWorlds {
    private TestWorlds() {}

    /** Builds the default world of {@code transactions} from {@code seed}; its validation gate must PASS. Returns its id. */
    static String passed(Platform platform, long seed, int transactions) {
        WorldBuilder.Result world = new WorldBuilder(platform.store()).build(WorldConfig.defaults(seed, transactions), WorldBuilder.Progress.NONE);
        assertThat(world.verdict().passed()).as("validation gate of world seed %d", seed).isTrue();
        return world.worldId();
    }
}
