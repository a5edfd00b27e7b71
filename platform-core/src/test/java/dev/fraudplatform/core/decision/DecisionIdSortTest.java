package dev.fraudplatform.core.decision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecisionIdSortTest {

    @Test
    void entriesComeInIdOrderAndOneIdsEntriesInTheOrderAddedAcrossChunks(@TempDir Path spill) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 300; i++) ids.add("dec-txn.authorization-evt-" + i);
        Collections.shuffle(ids, new Random(3));
        DecisionIdSort sort = new DecisionIdSort(7, spill);
        // every id twice, the second copy added long after the first and tagged apart, with content of either length
        int tag = 0;
        for (String id : ids) sort.add(id, new byte[] {1, 2, 3}, tag++);
        for (String id : ids) sort.add(id, new byte[0], 1_000 + tag++);
        assertThat(Files.list(spill).toList()).as("chunks were written").hasSize(1);

        List<DecisionIdSort.Entry> out = new ArrayList<>();
        sort.forEachSorted(out::add);

        assertThat(sort.added()).isEqualTo(600);
        assertThat(out).hasSize(600);
        List<String> expected = new ArrayList<>(ids);
        Collections.sort(expected);
        for (int i = 0; i < expected.size(); i++) {
            DecisionIdSort.Entry first = out.get(2 * i);
            DecisionIdSort.Entry second = out.get(2 * i + 1);
            assertThat(first.id()).isEqualTo(expected.get(i));
            assertThat(second.id()).isEqualTo(expected.get(i));
            assertThat(first.content()).containsExactly(1, 2, 3);
            assertThat(second.content()).isEmpty();
            assertThat(first.tag()).as("the first added comes first").isLessThan(1_000);
            assertThat(second.tag()).isGreaterThanOrEqualTo(1_000);
        }
        assertThat(Files.list(spill).toList())
                .as("the chunks are removed once merged")
                .isEmpty();
        assertThatThrownBy(() -> sort.add("dec-x", new byte[0], 0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> sort.forEachSorted(e -> {})).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closingBeforeSortingRemovesTheChunks(@TempDir Path spill) throws Exception {
        DecisionIdSort sort = new DecisionIdSort(2, spill);
        for (int i = 0; i < 9; i++) sort.add("dec-" + i, new byte[32], i);
        assertThat(Files.list(spill).toList()).hasSize(1);
        sort.close();
        assertThat(Files.list(spill).toList()).isEmpty();
    }
}
