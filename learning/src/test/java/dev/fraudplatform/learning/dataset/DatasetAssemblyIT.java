package dev.fraudplatform.learning.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.labels.LabelAssertion;
import dev.fraudplatform.core.labels.LabelSource;
import dev.fraudplatform.core.labels.LabelStore;
import dev.fraudplatform.core.labels.LabelSubject;
import dev.fraudplatform.core.labels.LabelValue;
import dev.fraudplatform.decision.bundle.DecisionBundle;
import dev.fraudplatform.decision.scoring.DecisionFabric;
import dev.fraudplatform.learning.features.OfflineFeatureShadow;
import dev.fraudplatform.substrate.objectstore.FilesystemObjectStore;
import dev.fraudplatform.substrate.postgres.PostgresDatabase;
import dev.fraudplatform.substrate.postgres.PostgresLabelStore;
import dev.fraudplatform.testkit.servers.EmbeddedServers;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dataset's labels are the Label Store's as-of answers at the cutoff, on a real PostgreSQL Label Store: a label
 * observed after the cutoff never reaches a row, whatever its source or effective time, and an assertion a later,
 * higher-ranked source overturns counts as it stood at the cutoff.
 */
class DatasetAssemblyIT {
    private static final String RUN = "run-dataset";
    private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
    private static final Instant CUTOFF = T0.plus(Duration.ofDays(10));
    private static PostgresDatabase db;
    private static LabelStore labels;
    private static FilesystemObjectStore store;
    private static final DecisionBundle RULES = DecisionBundle.builtIn("rules-v1");

    @BeforeAll
    static void featuresAndLabels() throws Exception {
        db = EmbeddedServers.freshPostgresDatabase();
        labels = new PostgresLabelStore(db.dataSource());
        store = new FilesystemObjectStore(Files.createTempDirectory("fp-dataset-"));
        // Four decided transactions, t1..t4, one minute apart; t2 large enough for the high_amount rule
        DecisionFabric fabric = new DecisionFabric(RULES);
        OfflineFeatureShadow.run(
                store,
                RUN,
                OfflineFeatureShadow.Mode.STRICT,
                out -> {
                    for (int i = 1; i <= 4; i++) {
                        ObjectNode f = Json.MAPPER.createObjectNode();
                        f.put("amount_minor", i == 2 ? 90_000 : 1_000 * i);
                        f.put("txn_count_1h", i);
                        out.accept(fabric.decide(
                                RUN,
                                "txn.authorization",
                                "wabcd-t" + i,
                                "acct-1",
                                T0.plus(Duration.ofMinutes(i)).toString(),
                                f,
                                null));
                    }
                },
                out -> {});
        // t1: fraud, known before the cutoff. t2: fraud, known only after. t3: legitimate before, a chargeback (fraud)
        // after. t4: an investigator's fraud ruling effective before the cutoff but observed after it.
        labels.append(List.of(
                label("a1", "t1", LabelSource.ISSUER_CHARGEBACK, LabelValue.FRAUD, T0, CUTOFF.minusSeconds(60)),
                label("a2", "t2", LabelSource.ISSUER_CHARGEBACK, LabelValue.FRAUD, T0, CUTOFF.plusMillis(1)),
                label("a3", "t3", LabelSource.CUSTOMER, LabelValue.LEGITIMATE, T0, CUTOFF.minus(Duration.ofDays(1))),
                label("a4", "t3", LabelSource.ISSUER_CHARGEBACK, LabelValue.FRAUD, T0, CUTOFF.plus(Duration.ofDays(3))),
                label("a5", "t4", LabelSource.INVESTIGATOR, LabelValue.FRAUD, T0, CUTOFF.plus(Duration.ofDays(1)))));
    }

    @AfterAll
    static void close() {
        if (db != null) db.close();
    }

    private static LabelAssertion label(
            String id, String txn, LabelSource source, LabelValue value, Instant effective, Instant observed) {
        return new LabelAssertion(
                RUN,
                id,
                LabelSubject.transaction(txn),
                "acct-1",
                "card-1",
                value,
                null,
                source,
                "CHARGEBACK",
                null,
                effective,
                observed,
                null,
                source == LabelSource.INVESTIGATOR ? "case:c9" : "event:" + id,
                null,
                null,
                1_000L);
    }

    private static Map<String, Integer> labelsAt(Instant cutoff) {
        Dataset d = DatasetAssembly.assemble(
                store,
                RUN,
                labels,
                cutoff,
                List.of("amount_minor", "txn_count_1h"),
                RULES,
                e -> e.substring(e.indexOf('-') + 1),
                t -> "t1".equals(t) ? "stolen_card_cnp" : null);
        java.util.Map<String, Integer> out = new java.util.TreeMap<>();
        for (int i = 0; i < d.size(); i++) out.put(d.eventId(i), d.label(i));
        return out;
    }

    @Test
    void noLabelObservedAfterTheCutoffReachesARow() {
        assertThat(labelsAt(CUTOFF))
                .containsExactlyEntriesOf(
                        new java.util.TreeMap<>(Map.of("wabcd-t1", 1, "wabcd-t2", 0, "wabcd-t3", 0, "wabcd-t4", 0)));
        // known later, the same rows take the labels that stand then
        assertThat(labelsAt(CUTOFF.plus(Duration.ofDays(5))))
                .containsExactlyEntriesOf(
                        new java.util.TreeMap<>(Map.of("wabcd-t1", 1, "wabcd-t2", 1, "wabcd-t3", 1, "wabcd-t4", 1)));
    }

    @Test
    void rowsCarryTheirFeaturesTheRulesBaselineAndTheTypologyOfTheirFraud() {
        Dataset d = DatasetAssembly.assemble(
                store,
                RUN,
                labels,
                CUTOFF,
                List.of("amount_minor", "txn_count_1h"),
                RULES,
                e -> e.substring(e.indexOf('-') + 1),
                t -> "t1".equals(t) ? "stolen_card_cnp" : null);
        assertThat(d.size()).isEqualTo(4);
        assertThat(d.eventId(1)).isEqualTo("wabcd-t2");
        assertThat(d.feature(1, 0)).isEqualTo(90_000f);
        assertThat(d.rulesScore(1)).isEqualTo(0.15); // high_amount fires, nothing else
        assertThat(d.rulesScore(0)).isEqualTo(0.0);
        assertThat(d.typology(0)).isEqualTo("stolen_card_cnp");
        assertThat(d.typology(2)).isNull();
        // the cutoff before any label: nothing to learn from, refused
        assertThatThrownBy(() -> labelsAt(T0.minusSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no transaction labels known at");
        // a feature the loop never computed for the run: a schema mismatch, refused
        assertThatThrownBy(() -> DatasetAssembly.assemble(
                        store,
                        RUN,
                        labels,
                        CUTOFF,
                        List.of("amount_minor", "no_such_feature"),
                        RULES,
                        e -> e,
                        t -> null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no_such_feature");
    }
}
