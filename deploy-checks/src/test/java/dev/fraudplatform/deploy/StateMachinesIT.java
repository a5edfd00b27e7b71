package dev.fraudplatform.deploy;

import static dev.fraudplatform.deploy.OfflineTools.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Step Functions definitions ({@code deploy/stepfunctions}): valid Amazon States Language by {@code asl-validator},
 * and every ECS name their task states use defined by the demo Terraform under exactly that name.
 */
class StateMachinesIT {
    private static final Path MACHINES = ROOT.resolve("deploy/stepfunctions");
    private static final List<String> FILES = List.of("platform_run.asl.json", "learning.asl.json");

    @Test
    void bothDefinitionsAreValidStatesLanguage() throws Exception {
        for (String f : FILES) {
            OfflineTools.Run r = OfflineTools.run(List.of(
                    OfflineTools.bin("asl-validator"),
                    "--json-path",
                    MACHINES.resolve(f).toString()));
            assertThat(r.exit()).as(f + ": " + r.out() + r.err()).isZero();
        }
    }

    @Test
    void aDefinitionWithATransitionToNoStateIsRefused(@TempDir Path dir) throws Exception {
        JsonNode machine =
                OfflineTools.JSON.readTree(MACHINES.resolve("learning.asl.json").toFile());
        String broken = machine.toString().replaceFirst("\"Next\":\"(\\w+)\"", "\"Next\":\"NoSuchState\"");
        Path f = dir.resolve("broken.asl.json");
        Files.writeString(f, broken);
        OfflineTools.Run r = OfflineTools.run(List.of(OfflineTools.bin("asl-validator"), "--json-path", f.toString()));
        assertThat(r.exit()).as(r.out() + r.err()).isNotZero();
    }

    @Test
    void everyTaskStateRunsWhatTheDemoTerraformDefines() throws Exception {
        TerraformStack demo = OfflineTools.stack("demo", ROOT.resolve("deploy/terraform/demo"));
        for (String f : FILES) {
            StateMachineReferences refs = StateMachineReferences.of(
                    OfflineTools.JSON.readTree(MACHINES.resolve(f).toFile()));
            assertThat(refs.families()).as(f).contains("fraud-platform-orchestrator");
            assertThat(refs.clusters()).as(f).isNotEmpty();
            assertThat(refs.unresolved(demo))
                    .as(f + " references the demo Terraform does not define")
                    .isEmpty();
        }
        StateMachineReferences run = StateMachineReferences.of(OfflineTools.JSON.readTree(
                MACHINES.resolve("platform_run.asl.json").toFile()));
        assertThat(run.services()).hasSize(7);
    }
}
