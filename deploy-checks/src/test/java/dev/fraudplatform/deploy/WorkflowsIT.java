package dev.fraudplatform.deploy;

import static dev.fraudplatform.deploy.OfflineTools.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The GitHub Actions workflows ({@code .github/workflows}), each valid by {@code action-validator}. */
class WorkflowsIT {
    private static final Path WORKFLOWS = ROOT.resolve(".github/workflows");

    @Test
    void ciImageAndInfraWorkflowsAreValid() throws Exception {
        for (String name : List.of("ci.yml", "image.yml", "infra.yml")) {
            Path f = WORKFLOWS.resolve(name);
            assertThat(f).exists();
            OfflineTools.Run r = OfflineTools.run(List.of(OfflineTools.bin("action-validator"), f.toString()));
            assertThat(r.exit()).as(name + ": " + r.out() + r.err()).isZero();
        }
        String infra = Files.readString(WORKFLOWS.resolve("infra.yml"));
        assertThat(infra).contains("environment:").contains("workflow_dispatch").contains("pull_request");
        assertThat(Files.readString(WORKFLOWS.resolve("image.yml"))).contains("digest");
    }

    @Test
    void aWorkflowWithAMisspelledKeyIsRefused(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("broken.yml");
        Files.writeString(f, Files.readString(WORKFLOWS.resolve("ci.yml")).replaceFirst("runs-on:", "run-on:"));
        OfflineTools.Run r = OfflineTools.run(List.of(OfflineTools.bin("action-validator"), f.toString()));
        assertThat(r.exit()).as(r.out() + r.err()).isNotZero();
    }
}
