package dev.fraudplatform.core.decision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.core.ingress.BusCoordinates;
import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.json.Sha256;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecisionLogDigestTest {

    private static ObjectNode features(int i) {
        ObjectNode f = Json.MAPPER.createObjectNode();
        f.put("txn_count_1h", i % 7);
        f.put("amount_z", 0.25 * i);
        f.put("merchant_country", "DE");
        return f;
    }

    private static Decision decision(int i) {
        String eventId = "evt-" + i;
        return new Decision(
                Decision.idFor("txn.authorization", eventId),
                eventId,
                "run-a",
                "card-" + (i % 5),
                "2026-03-02T14:07:" + String.format("%02d", i % 60) + ".250Z",
                DecisionAction.values()[i % DecisionAction.values().length],
                Math.round(i * 0.013 % 1 * 1e6) / 1e6,
                List.of("rule:velocity", "model:score>" + (i % 3)),
                "bundle-7",
                DegradeMode.FULL,
                "all context available",
                "sha256:" + Sha256.hex("features-" + i),
                features(i));
    }

    /** Copies a decision with one record component replaced (by a function of the builder). */
    private static Decision with(Decision d, UnaryOperator<Builder> change) {
        return change.apply(new Builder(d)).build();
    }

    private static final class Builder {
        String decisionId, eventId, platformRunId, partitionKey, eventTime, bundleId, degradeReason, featureDigest;
        DecisionAction action;
        double score;
        List<String> reasons;
        DegradeMode degradeMode;
        ObjectNode features;

        Builder(Decision d) {
            decisionId = d.decisionId();
            eventId = d.eventId();
            platformRunId = d.platformRunId();
            partitionKey = d.partitionKey();
            eventTime = d.eventTime();
            action = d.action();
            score = d.score();
            reasons = d.reasons();
            bundleId = d.bundleId();
            degradeMode = d.degradeMode();
            degradeReason = d.degradeReason();
            featureDigest = d.featureDigest();
            features = d.features();
        }

        Decision build() {
            return new Decision(
                    decisionId,
                    eventId,
                    platformRunId,
                    partitionKey,
                    eventTime,
                    action,
                    score,
                    reasons,
                    bundleId,
                    degradeMode,
                    degradeReason,
                    featureDigest,
                    features);
        }
    }

    private static String digestOf(List<Decision> decisions) {
        DecisionLogDigest log = new DecisionLogDigest();
        decisions.forEach(log::add);
        return log.finish().digest();
    }

    private static List<Decision> decisions(int n) {
        List<Decision> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(decision(i));
        return out;
    }

    // ---------------------------------------------------------------- the digest

    @Test
    void digestOfAnEmptyLogIsSha256OfNothing() {
        assertThat(new DecisionLogDigest().finish().digest())
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void digestFollowsTheDocumentedConstruction() {
        Decision a = decision(2);
        Decision b = decision(10);
        // "evt-10" sorts before "evt-2" as a string
        String expected = Sha256.hex("dec-txn.authorization-evt-10:" + b.contentDigest()
                + "\ndec-txn.authorization-evt-2:" + a.contentDigest() + "\n");
        assertThat(digestOf(List.of(a, b))).isEqualTo(expected);
        assertThat(a.contentDigest()).isEqualTo(Sha256.hex(CanonicalJson.bytes(a.deterministicContent())));
    }

    @Test
    void digestIsIndependentOfInsertionOrder() {
        List<Decision> ds = decisions(60);
        String reference = digestOf(ds);
        Random r = new Random(11);
        for (int i = 0; i < 20; i++) {
            List<Decision> shuffled = new ArrayList<>(ds);
            Collections.shuffle(shuffled, r);
            assertThat(digestOf(shuffled)).isEqualTo(reference);
        }
        List<Decision> reversed = new ArrayList<>(ds);
        Collections.reverse(reversed);
        assertThat(digestOf(reversed)).isEqualTo(reference);
        // and a missing decision does matter
        assertThat(digestOf(ds.subList(1, ds.size()))).isNotEqualTo(reference);
    }

    private static void assertChangeMatters(String what, UnaryOperator<Builder> change) {
        List<Decision> ds = decisions(10);
        String reference = digestOf(ds);
        List<Decision> changed = new ArrayList<>(ds);
        changed.set(4, with(ds.get(4), change));
        assertThat(changed.get(4).contentDigest())
                .as(what)
                .isNotEqualTo(ds.get(4).contentDigest());
        assertThat(digestOf(changed)).as(what).isNotEqualTo(reference);
    }

    private static void assertChangeIgnored(String what, UnaryOperator<Builder> change) {
        List<Decision> ds = decisions(10);
        String reference = digestOf(ds);
        List<Decision> changed = new ArrayList<>();
        for (Decision d : ds) changed.add(with(d, change));
        assertThat(changed.get(4)).as(what).isNotEqualTo(ds.get(4));
        assertThat(digestOf(changed)).as(what).isEqualTo(reference);
    }

    @Test
    void changingAnyDeterministicFieldChangesTheDigest() {
        assertChangeMatters("action", b -> {
            b.action = b.action == DecisionAction.DECLINE ? DecisionAction.APPROVE : DecisionAction.DECLINE;
            return b;
        });
        assertChangeMatters("score", b -> {
            b.score = b.score + 0.000001;
            return b;
        });
        assertChangeMatters("a reason", b -> {
            b.reasons = List.of(b.reasons.get(0), b.reasons.get(1) + "x");
            return b;
        });
        assertChangeMatters("reason order", b -> {
            b.reasons = List.of(b.reasons.get(1), b.reasons.get(0));
            return b;
        });
        assertChangeMatters("reason dropped", b -> {
            b.reasons = List.of(b.reasons.get(0));
            return b;
        });
        assertChangeMatters("degrade mode", b -> {
            b.degradeMode = DegradeMode.RULES_ONLY;
            return b;
        });
        assertChangeMatters("degrade reason", b -> {
            b.degradeReason = "model timed out";
            return b;
        });
        assertChangeMatters("feature digest", b -> {
            b.featureDigest = "sha256:" + Sha256.hex("other");
            return b;
        });
        assertChangeMatters("feature digest absent", b -> {
            b.featureDigest = null;
            return b;
        });
        assertChangeMatters("bundle", b -> {
            b.bundleId = "bundle-8";
            return b;
        });
        assertChangeMatters("decision id", b -> {
            b.decisionId = b.decisionId + "-b";
            return b;
        });
    }

    @Test
    void runIdAndEventTimeStayOutsideTheDigest() {
        assertChangeIgnored("platform_run_id", b -> {
            b.platformRunId = "run-b";
            return b;
        });
        assertChangeIgnored("event_time", b -> {
            b.eventTime = "2030-01-01T00:00:00.000Z";
            return b;
        });
        assertChangeIgnored("both", b -> {
            b.platformRunId = "run-c";
            b.eventTime = null;
            return b;
        });
    }

    @Test
    void addingTheSameDecisionTwiceIsADuplicateNotAConflict() {
        Decision d = decision(3);
        String once = digestOf(List.of(d));
        DecisionLogDigest log = new DecisionLogDigest();
        log.add(d);
        log.add(d);
        // equal deterministic content from another run is the same decision
        log.add(with(d, b -> {
            b.platformRunId = "run-replay";
            return b;
        }));
        DecisionLogDigest.Summary summary = log.finish();
        assertThat(summary.added()).isEqualTo(3);
        assertThat(summary.distinct()).isEqualTo(1);
        assertThat(summary.conflicts()).isZero();
        assertThat(summary.digest()).isEqualTo(once);
    }

    @Test
    void aSecondDifferentDecisionForOneEventIsAConflictAndTheFirstStands() {
        Decision d = decision(3);
        String before = digestOf(List.of(d, decision(4)));
        DecisionLogDigest log = new DecisionLogDigest();
        log.add(d, 1);
        log.add(decision(4), 2);
        log.add(
                with(d, b -> {
                    b.action = DecisionAction.REVIEW == b.action ? DecisionAction.DECLINE : DecisionAction.REVIEW;
                    return b;
                }),
                3);
        List<Integer> standing = new ArrayList<>();
        DecisionLogDigest.Summary summary = log.finish(standing::add);
        assertThat(summary.conflicts()).isEqualTo(1);
        assertThat(summary.conflictingIds()).containsExactly(d.decisionId());
        assertThat(summary.distinct()).isEqualTo(2);
        assertThat(summary.digest()).as("the first decision stands").isEqualTo(before);
        assertThat(standing).as("the standing decisions' tags, once each").containsExactlyInAnyOrder(1, 2);
    }

    @Test
    void aLogLargerThanItsMemoryIsMergedFromSortedChunksToTheSameDigest(@TempDir Path spill) throws Exception {
        List<Decision> ds = decisions(1_000);
        String reference = digestOf(ds);
        // Shuffled, with duplicates and conflicting copies added after their originals.
        List<Decision> input = new ArrayList<>(ds);
        Collections.shuffle(input, new Random(5));
        for (int i = 0; i < 200; i++) input.add(ds.get(i * 3));
        List<Decision> conflicting = new ArrayList<>();
        for (int i = 0; i < 30; i++)
            conflicting.add(with(ds.get(i * 7), b -> {
                b.score = b.score + 0.5;
                return b;
            }));
        input.addAll(conflicting);
        DecisionLogDigest log = new DecisionLogDigest(64, spill);
        long[] tags = new long[2];
        for (Decision d : input) log.add(d, conflicting.contains(d) ? 1 : 0);
        assertThat(Files.list(spill).toList()).as("chunks were written").hasSize(1);
        DecisionLogDigest.Summary summary = log.finish(tag -> tags[tag]++);
        assertThat(summary.digest()).isEqualTo(reference);
        assertThat(summary.added()).isEqualTo(1_230);
        assertThat(summary.distinct()).isEqualTo(1_000);
        assertThat(summary.conflicts()).isEqualTo(30);
        assertThat(tags)
                .as("every id's first decision stands, never a conflicting copy")
                .containsExactly(1_000, 0);
        assertThat(Files.list(spill).toList())
                .as("the chunks are removed once merged")
                .isEmpty();
        assertThatThrownBy(() -> log.add(ds.get(0))).isInstanceOf(IllegalStateException.class);
    }

    // ---------------------------------------------------------------- Decision

    @Test
    void decisionIdsDeriveFromEventClassAndId() {
        assertThat(Decision.idFor("txn.authorization", "evt-9")).isEqualTo("dec-txn.authorization-evt-9");
        assertThat(Decision.idFor("txn.reversal", "evt-9")).isNotEqualTo(Decision.idFor("txn.authorization", "evt-9"));
    }

    @Test
    void deterministicContentHasExactlyTheDocumentedFields() {
        List<String> names = new ArrayList<>();
        decision(1).deterministicContent().fieldNames().forEachRemaining(names::add);
        assertThat(names)
                .containsExactlyInAnyOrder(
                        "event_id",
                        "decision_id",
                        "action",
                        "score",
                        "reasons",
                        "bundle_id",
                        "degrade_mode",
                        "degrade_reason",
                        "feature_digest");
    }

    @Test
    void decisionRequiresItsDegradeModeAndReason() {
        assertThatNullPointerException()
                .isThrownBy(() -> with(decision(1), b -> {
                    b.degradeMode = null;
                    return b;
                }))
                .withMessageContaining("degrade mode");
        assertThatNullPointerException()
                .isThrownBy(() -> with(decision(1), b -> {
                    b.degradeReason = null;
                    return b;
                }))
                .withMessageContaining("reason");
    }

    @Test
    void reasonsAreCopiedDefensively() {
        List<String> reasons = new ArrayList<>(List.of("r1"));
        Decision d = with(decision(1), b -> {
            b.reasons = reasons;
            return b;
        });
        String digest = d.contentDigest();
        reasons.add("r2");
        assertThat(d.reasons()).containsExactly("r1");
        assertThat(d.contentDigest()).isEqualTo(digest);
        assertThatThrownBy(() -> d.reasons().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void decisionJsonRoundTripPreservesEverything() throws Exception {
        for (Decision d : decisions(12)) {
            byte[] wire = Json.MAPPER.writeValueAsBytes(d.toJson());
            Decision back = Decision.fromJson(Json.MAPPER.readTree(wire));
            assertThat(back.deterministicContent()).isEqualTo(d.deterministicContent());
            assertThat(back.contentDigest()).isEqualTo(d.contentDigest());
            assertThat(back).isEqualTo(d);

            // through the exact (BigDecimal) mapper and the canonical bytes, too
            Decision exact = Decision.fromJson(CanonicalJson.EXACT_MAPPER.readTree(CanonicalJson.bytes(d.toJson())));
            assertThat(exact.contentDigest()).isEqualTo(d.contentDigest());
            assertThat(exact.platformRunId()).isEqualTo(d.platformRunId());
            assertThat(exact.eventTime()).isEqualTo(d.eventTime());
        }
    }

    @Test
    void decisionJsonRoundTripKeepsAbsentOptionalFieldsAbsent() throws Exception {
        Decision d = with(decision(5), b -> {
            b.partitionKey = null;
            b.eventTime = null;
            b.featureDigest = null;
            b.features = null;
            b.reasons = List.of();
            return b;
        });
        Decision back = Decision.fromJson(Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(d.toJson())));
        assertThat(back).isEqualTo(d);
        assertThat(back.featureDigest()).isNull();
        assertThat(back.partitionKey()).isNull();
        assertThat(back.features()).isNull();
        assertThat(back.deterministicContent()).isEqualTo(d.deterministicContent());
    }

    // ---------------------------------------------------------------- AuditRecord

    @Test
    void auditRecordJsonRoundTrip() throws Exception {
        AuditRecord rec = new AuditRecord(
                decision(7),
                new BusCoordinates("fp.decisions", 5, 1_234_567_890_123L),
                1_772_460_451_250L,
                1_772_460_451_999L);
        JsonNode json = rec.toJson();
        assertThat(json.path("decision_coordinates").path("topic").asText()).isEqualTo("fp.decisions");
        assertThat(json.path("decision").path("event_id").asText()).isEqualTo("evt-7");

        AuditRecord back = AuditRecord.fromJson(Json.MAPPER.readTree(Json.MAPPER.writeValueAsBytes(json)));
        assertThat(back).isEqualTo(rec);
        assertThat(back.decision().contentDigest()).isEqualTo(rec.decision().contentDigest());
        assertThat(back.decisionCoordinates().offset()).isEqualTo(1_234_567_890_123L);
        assertThat(back.admittedAtMillis()).isEqualTo(1_772_460_451_250L);
        assertThat(back.recordedAtMillis()).isEqualTo(1_772_460_451_999L);
    }

    @Test
    void auditRecordRequiresDecisionAndCoordinates() {
        assertThatNullPointerException().isThrownBy(() -> new AuditRecord(null, new BusCoordinates("t", 0, 0), 0, 0));
        assertThatNullPointerException().isThrownBy(() -> new AuditRecord(decision(1), null, 0, 0));
    }

    @Test
    void theComposedAuditLineIsByteIdenticalToTheCanonicalRecord() {
        AuditRecord rec = new AuditRecord(
                decision(9), new BusCoordinates("fp.decisions", 3, 77L), 1_772_460_451_250L, 1_772_460_451_999L);
        byte[] decisionBytes =
                dev.fraudplatform.core.json.CanonicalJson.bytes(rec.decision().toJson());
        byte[] composed = AuditRecord.canonicalLine(
                decisionBytes, rec.decisionCoordinates(), rec.admittedAtMillis(), rec.recordedAtMillis());
        assertThat(new String(composed, java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo(dev.fraudplatform.core.json.CanonicalJson.string(rec.toJson()));
    }

    @Test
    void aShadowAuditLineIsMarkedAndByteIdenticalToItsCanonicalRecord() throws Exception {
        AuditRecord rec = new AuditRecord(
                decision(9), new BusCoordinates(Topics.SHADOW_DECISIONS, 3, 77L), 1_772_460_451_250L, 5L, true);
        byte[] decisionBytes =
                dev.fraudplatform.core.json.CanonicalJson.bytes(rec.decision().toJson());
        byte[] composed = AuditRecord.canonicalLine(
                decisionBytes, rec.decisionCoordinates(), rec.admittedAtMillis(), rec.recordedAtMillis(), true);
        String line = new String(composed, java.nio.charset.StandardCharsets.UTF_8);
        assertThat(line).isEqualTo(dev.fraudplatform.core.json.CanonicalJson.string(rec.toJson()));
        assertThat(line).endsWith(",\"shadow\":true}");
        AuditRecord back = AuditRecord.fromJson(Json.MAPPER.readTree(composed));
        assertThat(back.shadow()).isTrue();
        assertThat(back).isEqualTo(rec);
        // An active record says nothing of shadow: its bytes are those written before shadow scoring existed.
        byte[] active = AuditRecord.canonicalLine(decisionBytes, new BusCoordinates(Topics.DECISIONS, 3, 77L), 1L, 5L);
        assertThat(new String(active, java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("shadow");
        assertThat(AuditRecord.fromJson(Json.MAPPER.readTree(active)).shadow()).isFalse();
    }
}
