package dev.fraudplatform.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each written policy fails on the breach it names, with the resource named, and passes the same stack mended. The
 * stacks are small hand-written hcl2json documents (the shape {@code @cdktf/hcl2json} gives); the real stacks are held
 * to the policies by {@code TerraformPoliciesIT}.
 */
class DeployPoliciesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static TerraformStack stack(String name, String json) throws Exception {
        JsonNode file = JSON.readTree(json.replace('\'', '"'));
        return new TerraformStack(name, Map.of("main.tf", file));
    }

    private static final String TAGS = "'locals':[{'tags':{'project':'fraud-platform','stack':'core',"
            + "'environment':'${var.environment}','expiry':'none'}," + "'buckets':{'oracle':{'expire_days':14},"
            + "'archive':{'expire_days':45},'quarantine':{'expire_days':30},'evidence':{'expire_days':90}}}]";

    private static final String GUARDED_BUCKET = "'aws_s3_bucket':{'oracle':[{'bucket':'o','tags':'${local.tags}'}]},"
            + "'aws_s3_bucket_versioning':{'oracle':[{'bucket':'${aws_s3_bucket.oracle.id}',"
            + "'versioning_configuration':[{'status':'Enabled'}]}]},"
            + "'aws_s3_bucket_server_side_encryption_configuration':{'oracle':[{'bucket':'${aws_s3_bucket.oracle.id}',"
            + "'rule':[{'apply_server_side_encryption_by_default':[{'sse_algorithm':'AES256'}]}]}]},"
            + "'aws_s3_bucket_public_access_block':{'oracle':[{'bucket':'${aws_s3_bucket.oracle.id}',"
            + "'block_public_acls':true,'block_public_policy':true,'ignore_public_acls':true,"
            + "'restrict_public_buckets':true}]},"
            + "'aws_s3_bucket_lifecycle_configuration':{'oracle':[{'bucket':'${aws_s3_bucket.oracle.id}',"
            + "'rule':[{'id':'expire','status':'Enabled','expiration':[{'days':14}]}]}]}";

    private static final String BUDGET = "'aws_budgets_budget':{'monthly':[{'tags':'${local.tags}','notification':["
            + "{'threshold':10},{'threshold':20},{'threshold':28}]}]}";

    @Test
    void aGuardedBucketAndABudgetPassEveryPolicy() throws Exception {
        TerraformStack core = stack("core", "{" + TAGS + ",'resource':{" + GUARDED_BUCKET + "," + BUDGET + "}}");
        assertThat(DeployPolicies.check(List.of(core))).isEmpty();
    }

    @Test
    void aBucketWithoutItsPublicAccessBlockOrLifecycleIsNamed() throws Exception {
        String open = GUARDED_BUCKET
                .replace("'restrict_public_buckets':true", "'restrict_public_buckets':false")
                .replace("'expiration':[{'days':14}]", "'noncurrent_version_expiration':[{'noncurrent_days':3}]");
        TerraformStack core = stack("core", "{" + TAGS + ",'resource':{" + open + "," + BUDGET + "}}");
        assertThat(DeployPolicies.check(List.of(core)))
                .extracting(Object::toString)
                .containsExactlyInAnyOrder(
                        "bucket-guarded: core: aws_s3_bucket.oracle: public-access block has restrict_public_buckets not true",
                        "bucket-guarded: core: aws_s3_bucket.oracle: no lifecycle rule expires objects");
    }

    @Test
    void aBucketWithNoVersioningOrEncryptionIsNamed() throws Exception {
        TerraformStack core = stack(
                "core",
                "{" + TAGS + ",'resource':{'aws_s3_bucket':{'evidence':[{'bucket':'e','tags':'${local.tags}'}]},"
                        + BUDGET + "}}");
        assertThat(DeployPolicies.bucketsAreGuarded(core))
                .extracting(DeployPolicies.Violation::detail)
                .containsExactly(
                        "no aws_s3_bucket_versioning",
                        "no server-side encryption configuration",
                        "no public-access block",
                        "no lifecycle configuration");
    }

    @Test
    void aStackWithoutTheBudgetFailsNamingTheStack() throws Exception {
        TerraformStack core = stack("core", "{" + TAGS + ",'resource':{" + GUARDED_BUCKET + "}}");
        assertThat(DeployPolicies.check(List.of(core)))
                .extracting(Object::toString)
                .containsExactly("budget: core: no aws_budgets_budget: the monthly cap has no alerts");
        TerraformStack low = stack(
                "core", "{" + TAGS + ",'resource':{" + BUDGET.replace("{'threshold':28}", "{'threshold':30}") + "}}");
        assertThat(DeployPolicies.budget(low))
                .extracting(Object::toString)
                .containsExactly(
                        "budget: core: aws_budgets_budget.monthly: alert thresholds [10, 20, 30], need [10, 20, 28]");
    }

    @Test
    void aNatGatewayOrALoadBalancerIsNamed() throws Exception {
        TerraformStack demo = stack(
                "demo",
                "{" + TAGS + ",'resource':{'aws_nat_gateway':{'egress':[{'subnet_id':'s','tags':'${local.tags}'}]},"
                        + "'aws_lb':{'gate':[{'internal':false,'tags':'${local.tags}'}]}}}");
        var found = new java.util.ArrayList<>(DeployPolicies.noNatGateway(demo));
        found.addAll(DeployPolicies.noLoadBalancer(demo));
        assertThat(found)
                .extracting(Object::toString)
                .containsExactlyInAnyOrder(
                        "no-nat-gateway: demo: aws_nat_gateway.egress: a NAT gateway",
                        "no-load-balancer: demo: aws_lb.gate: an always-on load balancer");
    }

    @Test
    void logsKeptLongerThanAWeekOrForeverAreNamed() throws Exception {
        TerraformStack core = stack(
                "core",
                "{" + TAGS + ",'variable':{'log_days':[{'default':14}]},'resource':{'aws_cloudwatch_log_group':{"
                        + "'ok':[{'name':'a','retention_in_days':5,'tags':'${local.tags}'}],"
                        + "'long':[{'name':'b','retention_in_days':'${var.log_days}','tags':'${local.tags}'}],"
                        + "'forever':[{'name':'c','tags':'${local.tags}'}]}}}");
        assertThat(DeployPolicies.logRetention(core))
                .extracting(v -> v.where())
                .containsExactly("core: aws_cloudwatch_log_group.long", "core: aws_cloudwatch_log_group.forever");
    }

    @Test
    void anImageByTagIsNamedAndOneByDigestPasses() throws Exception {
        TerraformStack demo = stack(
                "demo",
                "{'locals':[{'image':'${var.repo}@${var.image_digest}'}],'resource':{"
                        + "'aws_ecs_task_definition':{"
                        + "'pinned':[{'family':'a','tags':'${local.tags}','container_definitions':"
                        + "'${jsonencode([{ name = \\'fp\\', image = local.image }])}'}],"
                        + "'tagged':[{'family':'b','tags':'${local.tags}','container_definitions':"
                        + "'${jsonencode([{ name = \\'fp\\', image = \\'${var.repo}:latest\\' }])}'}]}}}");
        assertThat(DeployPolicies.imagesByDigest(demo))
                .extracting(Object::toString)
                .containsExactly("image-by-digest: demo: aws_ecs_task_definition.tagged: image \"${var.repo}:latest\" "
                        + "is not pinned by digest");
    }

    @Test
    void aResourceWithoutTheFourTagsIsNamedUnlessTheProviderTagsEverything() throws Exception {
        String resources = "'resource':{'aws_ecr_repository':{'fp':[{'name':'fraud-platform','tags':{'project':'x'}}]},"
                + "'aws_s3_bucket_versioning':{'v':[{'bucket':'b'}]}}";
        assertThat(DeployPolicies.tagsEverywhere(stack("core", "{" + TAGS + "," + resources + "}")))
                .extracting(Object::toString)
                .containsExactly("tags: core: aws_ecr_repository.fp: lacks tags [environment, expiry, stack]");
        String provider = "'provider':{'aws':[{'default_tags':[{'tags':'${local.tags}'}]}]}";
        assertThat(DeployPolicies.tagsEverywhere(stack("core", "{" + TAGS + "," + provider + "," + resources + "}")))
                .isEmpty();
    }

    @Test
    void aWildcardActionIsNamedInAPolicyDocumentAndInlineJson() throws Exception {
        TerraformStack core = stack(
                "core",
                "{" + TAGS + ",'data':{'aws_iam_policy_document':{'df':[{'statement':["
                        + "{'actions':['s3:GetObject','s3:*'],'resources':['arn:aws:s3:::b/*']},"
                        + "{'not_actions':['iam:PassRole'],'resources':['*']}]}]}},"
                        + "'resource':{'aws_iam_role_policy':{'ig':[{'role':'r','policy':"
                        + "'${jsonencode({ Statement = [{ Action = \\'*\\', Effect = \\'Allow\\' }] })}'}]}}}");
        assertThat(DeployPolicies.noWildcardActions(core))
                .extracting(Object::toString)
                .containsExactlyInAnyOrder(
                        "iam-no-wildcard-action: core: data.aws_iam_policy_document.df: grants s3:*",
                        "iam-no-wildcard-action: core: data.aws_iam_policy_document.df: not_actions",
                        "iam-no-wildcard-action: core: aws_iam_role_policy.ig: grants *");
    }

    @Test
    void aBucketGuardMadeOverTheBucketsGuardsEachButOneOverOtherKeysDoesNot() throws Exception {
        String buckets = "'locals':[{'buckets':{'oracle':14,'archive':45},'others':['oracle'],'tags':{'project':'p',"
                + "'stack':'core','environment':'e','expiry':'none'}}],'resource':{"
                + "'aws_s3_bucket':{'this':[{'for_each':'${local.buckets}','bucket':'fp-${each.key}',"
                + "'tags':'${local.tags}'}]},"
                + "'aws_s3_bucket_versioning':{'this':[{'for_each':'${aws_s3_bucket.this}',"
                + "'bucket':'${each.value.id}','versioning_configuration':[{'status':'Enabled'}]}]},"
                + "'aws_s3_bucket_public_access_block':{'this':[{'for_each':'${toset(local.others)}',"
                + "'bucket':'${aws_s3_bucket.this[each.key].id}','block_public_acls':true,"
                + "'block_public_policy':true,'ignore_public_acls':true,'restrict_public_buckets':true}]}}";
        assertThat(DeployPolicies.bucketsAreGuarded(stack("core", "{" + buckets + "}")))
                .extracting(DeployPolicies.Violation::detail)
                .doesNotContain("no aws_s3_bucket_versioning")
                .contains("no public-access block");
    }

    @Test
    void aPlanesBucketKeptTooLongOrMissingIsNamed() throws Exception {
        TerraformStack core = stack(
                "core",
                "{'locals':[{'buckets':{'oracle':{'expire_days':30},'archive':{'expire_days':45},"
                        + "'evidence':{'expire_days':90}}}]}");
        assertThat(DeployPolicies.bucketExpiry(core))
                .extracting(Object::toString)
                .containsExactlyInAnyOrder(
                        "bucket-expiry: core: local.buckets.oracle: expire_days 30, need 14",
                        "bucket-expiry: core: local.buckets.quarantine: no expire_days");
    }

    @Test
    void anImageDigestVariableWithoutItsValidationIsNamed() throws Exception {
        String validated = "{'variable':{'image_digest':[{'type':'string','validation':[{'condition':"
                + "'${can(regex(^sha256:[a-f0-9]{64}$, var.image_digest))}'}]}]}}";
        assertThat(DeployPolicies.imageDigestValidated(stack("demo", validated)))
                .isEmpty();
        assertThat(DeployPolicies.imageDigestValidated(
                        stack("demo", "{'variable':{'image_digest':[{'type':'string'}]}}")))
                .extracting(Object::toString)
                .containsExactly("image-digest-validated: demo: var.image_digest: no validation to "
                        + "^sha256:[a-f0-9]{64}$: a tag could be deployed");
    }
}
