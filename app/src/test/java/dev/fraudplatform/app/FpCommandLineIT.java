package dev.fraudplatform.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fp command line on a real filesystem: world build, list, verify, and clear refusals with exit codes. */
class FpCommandLineIT {
    private Path home;
    private CapturedConsole console;

    @BeforeEach
    void setUp() throws Exception {
        home = Files.createTempDirectory("fp-cli-");
        console = CapturedConsole.start(home);
    }

    @AfterEach
    void tearDown() {
        console.close();
    }

    private String stdout() {
        return console.stdout();
    }

    @Test
    void buildListVerifyAndDetectAChangedByte() throws Exception {
        assertThat(Fp.execute("world", "build", "--seed", "5", "--transactions", "2000"))
                .isZero();
        String worldId = stdout().lines().reduce((a, b) -> b).orElseThrow().trim();
        assertThat(worldId).startsWith("w-");
        assertThat(stdout()).contains("gate PASSED");

        assertThat(Fp.execute("world", "list")).isZero();
        assertThat(stdout()).contains(worldId + "  seed 5  2,000 transactions  fp-world-2  gate PASSED");

        assertThat(Fp.execute("world", "inspect", worldId)).isZero();
        assertThat(stdout())
                .contains("world " + worldId)
                .contains("fraud by typology")
                .contains("label delay")
                .contains("sample rows");

        assertThat(Fp.execute("world", "verify", worldId)).isZero();
        assertThat(stdout()).contains("every file matches its manifest");

        Path victim = TestWorlds.flipAByteOfTheFirstView(home, worldId);
        assertThat(Fp.execute("world", "verify", worldId)).isEqualTo(1);
        assertThat(stdout())
                .contains("CHANGED oracle/" + worldId + "/views/")
                .contains(victim.getFileName().toString());
    }

    @Test
    void aRunOfAnUnknownWorldIsRefusedWithOneLineAndExitCodeTwo() {
        assertThat(Fp.execute("world", "build", "--seed", "6", "--transactions", "500", "--fraud-rate", "0"))
                .isEqualTo(1);
        assertThat(stdout()).contains("gate FAILED").contains("fraud_present");
        int code = Fp.execute("run", "--world", "w-0000000000000000");
        assertThat(code).isEqualTo(2);
        String[] lines = console.stderr().trim().split("[\r\n]+");
        String message = lines[lines.length - 1];
        assertThat(message)
                .startsWith("fp: world w-0000000000000000 not found")
                .doesNotContain("\n")
                .doesNotContain("Exception");
    }

    @Test
    void aConfigFileShapesTheWorldAndFlagsOverrideIt() throws Exception {
        Path config = home.resolve("world.json");
        Files.writeString(
                config,
                "{\"seed\": 9, \"transactions\": 3000, \"typology_rates\": {\"bust_out\": 0.004}, "
                        + "\"labels\": {\"unlabelled_share\": 0.2}}");
        assertThat(Fp.execute("world", "build", "--config", config.toString(), "--typology-rate", "card_testing=0.003"))
                .isZero();
        String worldId = stdout().lines().reduce((a, b) -> b).orElseThrow().trim();
        var attrs = dev.fraudplatform.core.store.Manifest.read(
                        PlatformConfig.fromEnvironment().objectStore(), "oracle/" + worldId)
                .attributes();
        assertThat(attrs.path("seed").asLong()).isEqualTo(9);
        assertThat(attrs.path("config").path("transactions").asInt()).isEqualTo(3000);
        assertThat(attrs.path("config").path("typology_rates").path("bust_out").asDouble())
                .isEqualTo(0.004);
        assertThat(attrs.path("config")
                        .path("typology_rates")
                        .path("card_testing")
                        .asDouble())
                .isEqualTo(0.003);
        assertThat(attrs.path("config").path("labels").path("unlabelled_share").asDouble())
                .isEqualTo(0.2);

        Files.writeString(config, "{\"seed\": 9, \"fraud_rat\": 0.1}");
        assertThat(Fp.execute("world", "build", "--config", config.toString())).isEqualTo(2);
        assertThat(console.stderr())
                .contains("unknown world config field 'fraud_rat'")
                .doesNotContain("at dev.fraudplatform");
        assertThat(Fp.execute("world", "inspect", "w-0000000000000000")).isEqualTo(2);
    }

    @Test
    void runsListAndShowReadTheRunRegistry() {
        assertThat(Fp.execute("runs", "list")).isZero();
        assertThat(stdout()).contains("no runs yet");
        assertThat(Fp.execute("runs", "show", "run-19990101-deadbeef")).isEqualTo(2);
        assertThat(console.stderr()).contains("no run run-19990101-deadbeef").doesNotContain("at dev.fraudplatform");
    }

    @Test
    void auditReplayAndRunComparisonRefuseRunsTheyCannotFind() {
        assertThat(Fp.execute("audit", "replay", "--run", "run-19990101-deadbeef"))
                .isEqualTo(2);
        assertThat(console.stderr()).contains("no run run-19990101-deadbeef").doesNotContain("at dev.fraudplatform");
        assertThat(Fp.execute("runs", "compare", "run-19990101-aaaaaaaa", "run-19990101-bbbbbbbb"))
                .isEqualTo(2);
        assertThat(console.stderr()).contains("run run-19990101-aaaaaaaa has no audited decisions");
        assertThat(Fp.execute("audit", "replay")).as("--run is required").isEqualTo(2);
    }

    @Test
    void badArgumentsGetUsageNotAStackTrace() {
        assertThat(Fp.execute("world", "build", "--transactions", "lots")).isEqualTo(2);
        assertThat(console.stderr()).contains("Invalid value").doesNotContain("at dev.fraudplatform");
    }
}
