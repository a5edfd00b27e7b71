package dev.fraudplatform.deploy;

import static dev.fraudplatform.deploy.OfflineTools.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

    /** The backticked names in the rule {@code id}'s row of POLICIES.md, after {@code from}. */
    private static Set<String> written(String policies, String id, String from, String until) {
        Matcher row = Pattern.compile("(?m)^\\| " + id + " \\|(.*)$").matcher(policies);
        assertThat(row.find()).as(id + " in POLICIES.md").isTrue();
        String text = row.group(1);
        int start = text.indexOf(from);
        assertThat(start).as(id + " names its list after \"" + from + "\"").isNotNegative();
        text = text.substring(start + from.length());
        if (until != null) text = text.substring(0, text.indexOf(until));
        Set<String> out = new TreeSet<>();
        Matcher name = Pattern.compile("`([^`]+)`").matcher(text);
        while (name.find()) out.add(name.group(1));
        return out;
    }

    @Test
    void theCodeHoldsTheRulesAndListsPoliciesMdWrites() throws Exception {
        String policies = Files.readString(TERRAFORM.resolve("POLICIES.md"));
        Set<String> ids = new TreeSet<>();
        Matcher id = Pattern.compile("(?m)^\\| (P\\d+) \\|").matcher(policies);
        while (id.find()) ids.add(id.group(1));
        assertThat(ids).as("the rules of POLICIES.md").isEqualTo(new TreeSet<>(DeployPolicies.POLICIES.keySet()));
        assertThat(written(policies, "P14", "Taggable types here:", null))
                .isEqualTo(new TreeSet<>(DeployPolicies.TAGGABLE));
        assertThat(written(policies, "P16", "allow list:", null))
                .isEqualTo(new TreeSet<>(DeployPolicies.STAR_RESOURCE_ACTIONS));
        assertThat(written(policies, "P17", "resource types (", ")"))
                .isEqualTo(new TreeSet<>(DeployPolicies.CORE_RESOURCE_TYPES));
        assertThat(policies).contains("allow list of such actions: empty");
        assertThat(DeployPolicies.ALLOWED_WILDCARD_ACTIONS).isEmpty();
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
                        "P9 budget: core: no aws_budgets_budget: the monthly cap has no alerts",
                        "P7 no-nat-gateway: core: aws_nat_gateway.egress: a NAT gateway");
    }

    @Test
    void demoOwnsNothingCoreOwnsSoDestroyingItLeavesCoreWhole() throws Exception {
        List<TerraformStack> stacks = stacks();
        TerraformStack demo = stacks.get(2);
        // P17's list of core's types covers every type core (with its bucket module) manages
        Set<String> coreTypes = new TreeSet<>();
        for (TerraformStack s : List.of(stacks.get(1), stacks.get(3)))
            s.resources().forEach(b -> coreTypes.add(b.type()));
        assertThat(coreTypes).contains("aws_ecr_repository", "aws_budgets_budget", "aws_s3_bucket");
        assertThat(coreTypes).allMatch(DeployPolicies::isCoreResourceType);
        // and demo manages none of them, reading core through its remote state
        assertThat(DeployPolicies.demoOwnsNothingOfCore(demo)).isEmpty();
        assertThat(demo.data("terraform_remote_state"))
                .extracting(TerraformStack.Block::name)
                .contains("core");
    }
}
