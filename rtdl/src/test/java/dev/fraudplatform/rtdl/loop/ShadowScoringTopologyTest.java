package dev.fraudplatform.rtdl.loop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.decision.bundle.DecisionBundle;
import dev.fraudplatform.decision.bundle.TestBundles;
import dev.fraudplatform.decision.scoring.DecisionFabric;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * Shadow scoring on TopologyTestDriver: with a bundle in shadow, every active decision has one shadow decision of
 * the same frame on {@code fp.decisions.shadow} only, and the active decisions are byte for byte those of the loop
 * without a shadow.
 */
class ShadowScoringTopologyTest {
    private static final Instant T = Instant.parse("2026-03-01T10:00:00.000Z");

    /** rules-v1 under another id with lower thresholds: it declines and reviews what rules-v1 lets through. */
    static DecisionBundle stricterShadow() {
        try {
            ObjectNode n = (ObjectNode) Json.MAPPER.readTree(TestBundles.rulesV1());
            n.put("bundle_id", "rules-v1-strict");
            ObjectNode th = (ObjectNode) n.path("thresholds");
            for (String mode : List.of("FULL", "PARTIAL_CONTEXT", "RULES_ONLY"))
                th.putObject(mode).put("decline", 0.40).put("review", 0.20).put("step_up", 0.10);
            return DecisionBundle.parse(Json.MAPPER.writeValueAsBytes(n));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A card-testing burst on one account, a large new-device purchase on another, quiet traffic on a third. */
    private static final Consumer<LoopDriver> TRAFFIC = d -> {
        d.send(d.txn("e1", "acct-1", T, 5_000).set("device_id", "dev-home"));
        d.send(d.txn("e2", "acct-1", T.plusSeconds(60), 120).set("device_id", "dev-new"));
        d.send(d.txn("e3", "acct-1", T.plusSeconds(90), 130).set("device_id", "dev-new"));
        d.send(d.txn("e4", "acct-1", T.plusSeconds(120), 140).set("device_id", "dev-new"));
        d.send(d.txn("e5", "acct-2", T.plusSeconds(130), 2_000));
        d.send(d.txn("e6", "acct-2", T.plusSeconds(200), 90_000).set("device_id", "dev-other"));
        d.send(d.txn("e7", "acct-3", T.plusSeconds(210), 1_500).set("mcc", "7995"));
        // a transaction the loop cannot read whole still gets its decisions, active and shadow
        d.send(d.txn("e8", "acct-3", T.plusSeconds(220), 1_500).set("flow_id", "flow-never"));
        d.advanceWallClock(Duration.ofSeconds(30));
    };

    private static List<TestRecord<String, byte[]>> run(
            DecisionTopology.Settings settings, List<TestRecord<String, byte[]>> shadowOut) {
        try (LoopDriver d = new LoopDriver(DecisionBundle.builtIn("rules-v1"), settings)) {
            TRAFFIC.accept(d);
            List<TestRecord<String, byte[]>> active = d.decisionRecords();
            shadowOut.addAll(d.shadowRecords());
            return active;
        }
    }

    @Test
    void everyActiveDecisionHasOneShadowDecisionOnTheShadowTopicOnly() {
        DecisionBundle shadow = stricterShadow();
        List<TestRecord<String, byte[]>> shadowRecords = new ArrayList<>();
        List<TestRecord<String, byte[]>> active =
                run(DecisionTopology.Settings.defaults().withShadow(new DecisionFabric(shadow)), shadowRecords);

        assertThat(active).hasSize(8);
        assertThat(shadowRecords).hasSize(active.size());
        List<String> changedActions = new ArrayList<>();
        for (int i = 0; i < active.size(); i++) {
            JsonNode a = json(active.get(i).value());
            JsonNode s = json(shadowRecords.get(i).value());
            assertThat(active.get(i).headers().lastHeader(Topics.HEADER_SHADOW))
                    .as("an active decision is not marked shadow")
                    .isNull();
            Header mark = shadowRecords.get(i).headers().lastHeader(Topics.HEADER_SHADOW);
            assertThat(mark).as("every shadow decision is marked").isNotNull();
            assertThat(new String(mark.value(), StandardCharsets.UTF_8)).isEqualTo("rules-v1-strict");
            // the same frame: same decision id, event, features and score; the shadow bundle's id and thresholds
            assertThat(s.path("decision_id").asText())
                    .isEqualTo(a.path("decision_id").asText());
            assertThat(s.path("feature_digest").asText())
                    .isEqualTo(a.path("feature_digest").asText());
            assertThat(s.path("score").asDouble()).isEqualTo(a.path("score").asDouble());
            assertThat(s.path("missing_context")).isEqualTo(a.path("missing_context"));
            assertThat(a.path("bundle_id").asText()).isEqualTo("rules-v1");
            assertThat(s.path("bundle_id").asText()).isEqualTo("rules-v1-strict");
            assertThat(shadowRecords.get(i).key()).isEqualTo(active.get(i).key());
            if (!s.path("action").asText().equals(a.path("action").asText()))
                changedActions.add(a.path("event_id").asText());
        }
        assertThat(changedActions)
                .as("lower thresholds change some actions: the shadow bundle really decides")
                .isNotEmpty();
        assertThat(json(active.get(7).value()).path("missing_context").size())
                .as("the forced frame (its flow's context never came) is decided by both")
                .isPositive();
    }

    @Test
    void activeDecisionsAreByteIdenticalWithAndWithoutAShadow() {
        List<TestRecord<String, byte[]>> none = new ArrayList<>();
        List<TestRecord<String, byte[]>> without = run(DecisionTopology.Settings.defaults(), none);
        List<TestRecord<String, byte[]>> shadowRecords = new ArrayList<>();
        List<TestRecord<String, byte[]>> with = run(
                DecisionTopology.Settings.defaults().withShadow(new DecisionFabric(stricterShadow())), shadowRecords);

        assertThat(none).as("no shadow, no shadow decisions").isEmpty();
        assertThat(shadowRecords).hasSize(8);
        assertThat(with).hasSameSizeAs(without).hasSize(8);
        for (int i = 0; i < with.size(); i++) {
            assertThat(with.get(i).key()).isEqualTo(without.get(i).key());
            assertThat(with.get(i).value()).isEqualTo(without.get(i).value());
            assertThat(with.get(i).timestamp()).isEqualTo(without.get(i).timestamp());
            assertThat(with.get(i).headers()).isEqualTo(without.get(i).headers());
        }
    }

    private static JsonNode json(byte[] b) {
        try {
            return Json.MAPPER.readTree(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
