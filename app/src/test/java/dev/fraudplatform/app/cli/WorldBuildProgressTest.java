package dev.fraudplatform.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The world build's status line, as pure text. */
class WorldBuildProgressTest {

    @Test
    void whileGeneratingTheBarShowsTheShareTheRateAndTheTimeLeft() {
        assertThat(WorldBuildProgress.line("generating", 25_000, 100_000, 5.0))
                .isEqualTo("world [#######.......................]  25% 25,000/100,000 transactions, 5,000 rows/s,"
                        + " ETA 15 s");
    }

    @Test
    void afterGeneratingTheBarIsFullAndNamesThePhase() {
        assertThat(WorldBuildProgress.line("sealing", 100_000, 100_000, 12.4))
                .isEqualTo("world [##############################] 100,000 transactions in 12 s; sealing");
    }

    @Test
    void theBarNeverOverflowsAndAnEmptyStartIsNotADivisionByZero() {
        assertThat(WorldBuildProgress.line("gating", 150, 100, 0)).contains("[" + "#".repeat(30) + "]");
        assertThat(WorldBuildProgress.line("generating", 0, 100, 0))
                .isEqualTo("world [..............................]   0% 0/100 transactions, 0 rows/s, ETA 100 s");
    }

    @Test
    void eachUpdateGoesToTheSink() {
        List<String> lines = new ArrayList<>();
        WorldBuildProgress progress = new WorldBuildProgress(10, lines::add);
        progress.update("generating", 5);
        progress.update("labelling", 10);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("world [###############...............]  50% 5/10 transactions");
        assertThat(lines.get(1))
                .startsWith("world [##############################] 10 transactions in ")
                .endsWith("; labelling");
    }
}
