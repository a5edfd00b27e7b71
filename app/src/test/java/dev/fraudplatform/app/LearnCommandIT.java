package dev.fraudplatform.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.registry.BundleState;
import dev.fraudplatform.core.registry.RegistryEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code fp learn} end to end on the embedded wiring: a small world is run (archived), its features recomputed with
 * parity, its dataset assembled with as-of labels, a model trained and judged out of time, its replay proof made, and
 * the bundle registered as a candidate; run again, every step is found done; bad input is refused in one line; {@code
 * fp backtest} judges the candidate over the world's history.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LearnCommandIT {
    static Path home;
    static String worldId;
    static String runId;
    static String bundleId;
    private static CapturedConsole console;

    private static int fp(String... args) {
        console = CapturedConsole.start(home);
        try {
            return Fp.execute(args);
        } finally {
            console.close();
        }
    }

    @BeforeAll
    static void world() throws Exception {
        home = Files.createTempDirectory("fp-learn-");
        assertThat(fp("world", "build", "--seed", "5", "--transactions", "8000"))
                .as(console.stderr())
                .isZero();
        Matcher m = Pattern.compile("world (w-[0-9a-f]+) built").matcher(console.stdout());
        assertThat(m.find()).as(console.stdout()).isTrue();
        worldId = m.group(1);
    }

    @AfterAll
    static void clear() {
        System.clearProperty("fp.home");
    }

    @Test
    @Order(1)
    void aWorldIsLearnedFromStepByStepAndItsModelRegisteredAsACandidate() throws Exception {
        assertThat(fp("learn", "--world", worldId))
                .as(console.stdout() + console.stderr())
                .isZero();
        String out = console.stdout();
        assertThat(out).contains("has no archived completed run; running it");
        assertThat(out)
                .containsPattern("step 2/5 OFS: [0-9,]+ decisions recomputed, lowest feature match rate 100.0000%");
        assertThat(out).contains("parity holds").contains("reconciled");
        Matcher run = Pattern.compile("run (run-[0-9a-z-]+) READY").matcher(out);
        assertThat(run.find()).isTrue();
        runId = run.group(1);
        Matcher bundle =
                Pattern.compile("step 5/5 registry: (\\S+) is CANDIDATE").matcher(out);
        assertThat(bundle.find()).as(out).isTrue();
        bundleId = bundle.group(1);

        System.setProperty("fp.home", home.toString());
        PlatformConfig cfg = PlatformConfig.fromEnvironment();
        try (AdminStores stores = AdminStores.open(cfg)) {
            RegistryEntry entry = stores.bundleRegistry().entry(bundleId).orElseThrow();
            assertThat(entry.state()).isEqualTo(BundleState.CANDIDATE);
            JsonNode evidence = Json.MAPPER
                    .readTree(cfg.objectStore().read("bundles/" + bundleId + "/bundle.json"))
                    .path("evidence");
            assertThat(evidence.path("parity").path("passed").asBoolean()).isTrue();
            assertThat(evidence.path("replay_proof").path("reconciled").asBoolean())
                    .isTrue();
            assertThat(evidence.path("replay_proof").path("digest").asText())
                    .isEqualTo(
                            evidence.path("replay_proof").path("second_digest").asText());
            assertThat(evidence.path("metrics").path("window").path("digest").asText())
                    .hasSize(64);
            assertThat(evidence.path("metrics")
                            .path("active_on_window")
                            .path("bundle_id")
                            .asText())
                    .as("no bundle is active in the registry: judged against the shipped default on the same window")
                    .isEqualTo(RunBundles.BUILT_IN_DEFAULT);
            assertThat(evidence.path("metrics").path("test").path("bundle").has("recall_at_1pct_fpr"))
                    .isTrue();
        }
        // the step outputs are kept in the object store, so another machine resumes from them
        assertThat(cfg.objectStore().list("learning/" + runId + "/"))
                .anyMatch(k -> k.matches("learning/" + runId + "/[0-9a-f]{12}/model.json"))
                .anyMatch(k -> k.matches("learning/" + runId + "/[0-9a-f]{12}/evaluation.html"))
                .anyMatch(k -> k.matches("learning/" + runId + "/[0-9a-f]{12}/bundle/bundle.json"));
        assertThat(cfg.objectStore().exists("ofs/" + runId + "/parity.json")).isTrue();
    }

    @Test
    @Order(2)
    void learningTheSameRunAgainFindsEveryStepDone() {
        assertThat(fp("learn", "--run", runId)).as(console.stderr()).isZero();
        assertThat(console.stdout())
                .contains("(archived)")
                .contains("(model reused)")
                .contains("step 5/5 registry: " + bundleId + " is CANDIDATE");
    }

    @Test
    @Order(3)
    void badInputIsRefusedInOneLine() {
        for (List<String> args : List.of(
                List.of("learn", "--run", runId, "--label-cutoff", "2000-01-01T00:00:00Z"),
                List.of("learn", "--run", "run-nope"),
                List.of("learn", "--world", "w-0000000000000000"),
                List.of("learn", "ofs", "--run", "run-nope"),
                List.of("learn"),
                List.of("backtest", "--bundle", "no-such-bundle", "--world", worldId))) {
            assertThat(fp(args.toArray(new String[0])))
                    .as(args + ": " + console.stderr())
                    .isEqualTo(2);
            assertThat(console.stderr().strip())
                    .startsWith("fp: ")
                    .doesNotContain("\n")
                    .doesNotContain("Exception");
        }
        fp("learn", "ofs", "--run", "run-nope");
        assertThat(console.stderr()).contains("no run run-nope");
        fp("learn");
        assertThat(console.stderr()).contains("fp learn needs --world ID or --run RUN_ID");
        fp("learn", "--run", runId, "--label-cutoff", "2000-01-01T00:00:00Z");
        assertThat(console.stderr()).contains("no transaction labels known at 2000-01-01T00:00:00Z");
    }

    @Test
    @Order(4)
    void theCandidateIsBacktestedOverTheWorldsHistory() {
        int code = fp("backtest", "--bundle", bundleId, "--world", worldId);
        assertThat(code)
                .as("stdout %s stderr %s", console.stdout(), console.stderr())
                .isZero();
        assertThat(console.stdout())
                .contains("backtest of " + bundleId + " over world " + worldId + " (run " + runId + ")")
                .containsPattern("bundle +ROC-AUC 0\\.\\d+")
                .containsPattern("rules +ROC-AUC 0\\.\\d+")
                .contains("FULL=");
        assertThat(fp("learn", "ofs", "--run", runId)).as(console.stderr()).isZero();
        assertThat(console.stdout()).contains("PARITY HOLDS").contains("lowest feature match rate 100.0000%");
    }
}
