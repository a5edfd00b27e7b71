package dev.fraudplatform.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fraudplatform.core.decision.DecisionIdSort;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShadowScoringTest {

    @Test
    void everyDecisionIsCountedAgainstItsShadowDecisionsInBoundedMemory(@TempDir Path spill) {
        // Chunks of 3: the ids of one decision land in different chunks and still meet in the merge.
        DecisionIdSort ids = new DecisionIdSort(3, spill);
        for (int i = 0; i < 20; i++) ids.add("dec-" + i, new byte[0], ShadowScoring.ACTIVE);
        // an active decision audited twice is one decision
        ids.add("dec-4", new byte[0], ShadowScoring.ACTIVE);
        for (int i = 0; i < 20; i++) {
            if (i == 7 || i == 11) continue; // two without a shadow decision
            ids.add("dec-" + i, new byte[0], ShadowScoring.SHADOW);
        }
        ids.add("dec-3", new byte[0], ShadowScoring.SHADOW); // one with two
        ids.add("dec-99", new byte[0], ShadowScoring.SHADOW); // one of no decision

        ShadowScoring.IdCounts counts = ShadowScoring.IdCounts.of(ids);

        assertThat(counts.decisions).isEqualTo(20);
        assertThat(counts.withoutShadow).isEqualTo(2);
        assertThat(counts.duplicated).isEqualTo(1);
        assertThat(counts.shadowWithoutActive).isEqualTo(1);
    }
}
