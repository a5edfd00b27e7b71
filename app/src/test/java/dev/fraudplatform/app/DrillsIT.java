package dev.fraudplatform.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.json.Sha256;
import dev.fraudplatform.core.run.RunState;
import dev.fraudplatform.decision.bundle.DecisionBundle;
import dev.fraudplatform.ops.ConformanceReport;
import java.io.FileNotFoundException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every incident drill on one platform (embedded broker and PostgreSQL, the join plane on the real Redis at
 * FP_TEST_REDIS_URL), each a run of one world with its fault injected while it streams. Each asserts its outcome in
 * the run's conformance report as written to the evidence, not only in memory. The bundle carries a model, so
 * decisions are FULL unless something is missing: the drills can show every degrade mode.
 *
 * <p>The broker restart and the gate crash come last: the gate crash replaces the in-process gate with a process.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DrillsIT {
    @TempDir
    static Path home;

    static Platform platform;
    static String worldId;

    @BeforeAll
    static void start() throws Exception {
        platform = Platform.start(PlatformConfig.from(Map.of(
                        "FP_HOME",
                        home.toString(),
                        "FP_LANES",
                        "1",
                        "FP_REDIS_URL",
                        System.getenv().getOrDefault("FP_TEST_REDIS_URL", "redis://127.0.0.1:6379")))
                .withTopology(1, 1));
        platform.startRoles(rulesWithModel());
        worldId = TestWorlds.passed(platform, 17, 3_000);
    }

    @AfterAll
    static void stop() {
        if (platform != null) platform.close();
    }

    @Test
    @Order(1)
    void duplicatesResentMidRunOnlyAddDuplicateReceipts() throws Exception {
        JsonNode report = drill(Drills.Kind.DUPLICATES);
        long duplicates =
                report.path("counts").path("receipts").path("DUPLICATE").asLong();
        assertThat(duplicates)
                .isBetween(
                        report.path("counts").path("sent").asLong() / 12,
                        report.path("counts").path("sent").asLong() / 8);
        assertThat(report.path("counts").path("receipts").has("QUARANTINED")).isFalse();
    }

    @Test
    @Order(2)
    void alteredPayloadsUnderExistingIdsAreQuarantinedAndTheOriginalsStand() throws Exception {
        JsonNode report = drill(Drills.Kind.INTEGRITY);
        assertThat(report.path("quarantine_by_reason")
                        .path("INTEGRITY_MISMATCH")
                        .asLong())
                .isPositive();
        assertThat(report.path("quarantine_by_reason").size()).isEqualTo(1);
    }

    @Test
    @Order(3)
    void droppedContextGivesPartialContextDecisionsThatNameIt() throws Exception {
        JsonNode report = drill(Drills.Kind.MISSING_CONTEXT);
        long partial =
                report.path("decisions_by_degrade_mode").path("PARTIAL_CONTEXT").asLong();
        assertThat(partial)
                .isPositive()
                .isEqualTo(report.path("counts")
                        .path("decisions_with_missing_context")
                        .asLong());
        assertThat(report.path("decisions_by_degrade_mode").path("FULL").asLong())
                .isPositive();
    }

    @Test
    @Order(4)
    void aPausedJoinPlaneDegradesAfterABoundedWaitAndRecovers() throws Exception {
        JsonNode report = drill(Drills.Kind.LAG);
        assertThat(report.path("decisions_by_degrade_mode").path("FAIL_SAFE").asLong())
                .isPositive();
    }

    @Test
    @Order(5)
    void aBrokerRestartedMidRunLosesNothingAndAppliesNothingTwice() throws Exception {
        drill(Drills.Kind.BROKER_RESTART);
    }

    @Test
    @Order(6)
    void aGateKilledMidRunAndRestartedLosesNothingAndAdmitsNothingTwice() throws Exception {
        JsonNode report = drill(Drills.Kind.IG_CRASH);
        assertThat(report.path("counts").path("receipts").path("ADMITTED").asLong())
                .isEqualTo(Drills.worldEvents(platform.store(), worldId));
    }

    /** Runs a drill; asserts it passed, as written in its evidence, with every expectation, law and check met. */
    private static JsonNode drill(Drills.Kind kind) throws Exception {
        ConformanceReport result = Drills.run(platform, worldId, kind, s -> {});
        String runId = result.run().platformRunId();
        System.out.println("drill " + kind.cliName() + ":\n"
                + result.toText()); // the expectations and what was seen, in the build log
        assertThat(result.passed()).as(result.toText()).isTrue();
        assertThat(platform.runs().state(runId)).contains(RunState.COMPLETED);
        JsonNode report = Json.MAPPER.readTree(
                platform.store().read(ConformanceReport.evidenceKey(runId, "drill-" + kind.cliName() + ".json")));
        assertThat(report.path("passed").asBoolean()).isTrue();
        assertThat(report.path("drill").path("name").asText()).isEqualTo(kind.cliName());
        assertThat(report.path("drill").path("expectations").size()).isGreaterThanOrEqualTo(3);
        report.path("drill")
                .path("expectations")
                .forEach(e -> assertThat(e.path("passed").asBoolean())
                        .as(e.toString())
                        .isTrue());
        report.path("checks")
                .forEach(c -> assertThat(c.path("passed").asBoolean())
                        .as(c.toString())
                        .isTrue());
        String html = new String(
                platform.store().read(ConformanceReport.evidenceKey(runId, "drill-" + kind.cliName() + ".html")),
                StandardCharsets.UTF_8);
        assertThat(html).contains("id=\"drill\"").contains(kind.cliName());
        return report;
    }

    /** rules-v1 with a one-tree XGBoost model on the amount: FULL decisions when nothing is missing. */
    static DecisionBundle rulesWithModel() throws Exception {
        int features = DecisionBundle.builtIn("rules-v1").featureNames().size();
        byte[] model =
                ("{\"learner\":{\"learner_model_param\":{\"base_score\":\"[5E-1]\",\"num_class\":\"0\",\"num_feature\":\""
                                + features
                                + "\",\"num_target\":\"1\"},\"objective\":{\"name\":\"binary:logistic\"},\"gradient_booster\":{\"name\":\"gbtree\",\"model\":{\"trees\":[{"
                                + "\"left_children\":[1,-1,-1],\"right_children\":[2,-1,-1],\"split_indices\":[0,0,0],\"split_conditions\":[50000,-2.0,2.0],"
                                + "\"default_left\":[1,0,0],\"split_type\":[0,0,0]}]}}}}")
                        .getBytes(StandardCharsets.UTF_8);
        ObjectNode n;
        try (InputStream in = DecisionBundle.class.getResourceAsStream("/bundles/rules-v1/bundle.json")) {
            n = (ObjectNode) Json.MAPPER.readTree(in);
        }
        n.put("bundle_id", "rules-v1-drill-model");
        n.putObject("model")
                .put("file", "model.json")
                .put("sha256", Sha256.hex(model))
                .put("weight", 0.6);
        return DecisionBundle.parse(Json.MAPPER.writeValueAsBytes(n), name -> {
            if (!name.equals("model.json")) throw new FileNotFoundException(name);
            return model;
        });
    }
}
