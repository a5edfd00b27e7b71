package dev.fraudplatform.deploy;

import static dev.fraudplatform.deploy.OfflineTools.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Terraform in {@code deploy/terraform}, parsed by {@code @cdktf/hcl2json} (no Terraform binary is reachable
 * here), held to the written policies ({@code deploy/terraform/POLICIES.md}, {@link DeployPolicies}); and the
 * policies shown to fail on a stack that breaks them, naming the resource.
 */
class TerraformPoliciesIT {
    private static final Path TERRAFORM = ROOT.resolve("deploy/terraform");
    private static final List<String> STACKS = List.of("bootstrap", "core", "demo", "modules/private_bucket");

    private static List<TerraformStack> stacks() throws Exception {
        List<TerraformStack> out = new ArrayList<>();
        for (String s : STACKS) out.add(OfflineTools.stack(s, TERRAFORM.resolve(s)));
        return out;
    }

    @Test
    void everyTerraformFileParses() throws Exception {
        int files = 0;
        for (String s : STACKS) {
            List<Path> tf = OfflineTools.terraformFiles(TERRAFORM.resolve(s));
            assertThat(tf).as(s).isNotEmpty();
            assertThat(OfflineTools.parse(tf)).as(s).hasSize(tf.size());
            files += tf.size();
        }
        assertThat(files).isGreaterThanOrEqualTo(15);
    }

    @Test
    void theStacksHoldEveryWrittenPolicy() throws Exception {
        List<TerraformStack> stacks = stacks();
        assertThat(DeployPolicies.check(stacks)).as("policy violations").isEmpty();
        // and the policies had something to hold: the stacks are not empty shells
        TerraformStack core = stacks.get(1);
        assertThat(core.resources("aws_budgets_budget")).hasSize(1);
        assertThat(core.resources("aws_cloudwatch_log_group")).isNotEmpty();
        assertThat(stacks.get(3).resources("aws_s3_bucket")).hasSize(1);
        assertThat(stacks.get(2).resources("aws_ecs_task_definition")).isNotEmpty();
    }

    @Test
    void theWrittenPoliciesNameEveryRuleTheTestHolds() throws Exception {
        String written = Files.readString(TERRAFORM.resolve("POLICIES.md"));
        for (String rule :
                List.of("NAT", "budget", "retention", "digest", "expiry", "public_access_block", "lifecycle"))
            assertThat(written).containsIgnoringCase(rule);
    }

    @Test
    void aCoreWithoutItsBudgetAndWithANatGatewayFailsNamingBoth(@TempDir Path dir) throws Exception {
        // Given core as it is, but for the file that holds the budget, and with a NAT gateway added
        Path core = TERRAFORM.resolve("core");
        for (Path f : OfflineTools.terraformFiles(core)) {
            String text = Files.readString(f);
            if (text.contains("\"aws_budgets_budget\"")) {
                text = text.replaceAll(
                        "(?s)resource \"aws_budgets_budget\" \"(\\w+)\" \\{.*?\n}\n",
                        "# the budget was removed here\n");
                assertThat(text).doesNotContain("\"aws_budgets_budget\"");
            }
            Files.writeString(dir.resolve(f.getFileName()), text);
        }
        Files.writeString(
                dir.resolve("egress.tf"),
                "resource \"aws_nat_gateway\" \"egress\" {\n  subnet_id = \"subnet-1\"\n  tags = local.tags\n}\n");
        // When the policies are held to it
        List<DeployPolicies.Violation> found = DeployPolicies.check(List.of(OfflineTools.stack("core", dir)));
        // Then both are named, the resource by its address
        assertThat(found)
                .extracting(Object::toString)
                .contains(
                        "budget: core: no aws_budgets_budget: the monthly cap has no alerts",
                        "no-nat-gateway: core: aws_nat_gateway.egress: a NAT gateway");
    }

    @Test
    void demoOwnsNothingCoreOwnsSoDestroyingItLeavesCoreWhole() throws Exception {
        List<TerraformStack> stacks = stacks();
        TerraformStack core = stacks.get(1), demo = stacks.get(2);
        Set<String> coreTypes = new TreeSet<>();
        core.resources().forEach(b -> coreTypes.add(b.type()));
        Set<String> shared = new TreeSet<>();
        demo.resources().forEach(b -> {
            if (Set.of(
                            "aws_s3_bucket",
                            "aws_ecr_repository",
                            "aws_budgets_budget",
                            "aws_cloudwatch_log_group",
                            "aws_ssm_parameter",
                            "aws_dynamodb_table")
                    .contains(b.type())) shared.add(b.address());
        });
        assertThat(shared).as("demo resources of the kinds core keeps").isEmpty();
        assertThat(demo.data("terraform_remote_state"))
                .as("demo reads core's outputs")
                .isNotEmpty();
        assertThat(coreTypes).contains("aws_ecr_repository", "aws_budgets_budget");
    }
}
