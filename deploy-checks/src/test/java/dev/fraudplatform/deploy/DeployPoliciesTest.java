package dev.fraudplatform.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each written policy (POLICIES.md P1 to P22) fails on the breach it names, with the resource named, and passes the
 * same stack mended. The stacks are small hand-written hcl2json documents (the shape {@code @cdktf/hcl2json} gives; a
 * {@code '} stands for a {@code "}); the real stacks are held to the policies by {@code TerraformPoliciesIT}.
 */
class DeployPoliciesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static TerraformStack stack(String name, String json) throws Exception {
        JsonNode file = JSON.readTree(json.replace('\'', '"'));
        return new TerraformStack(name, Map.of("main.tf", file));
    }

    /** {@code json} with {@code from}, found once, replaced: a breach not made would prove nothing. */
    private static String breach(String json, String from, String to) {
        assertThat(json.split(java.util.regex.Pattern.quote(from), -1))
                .as("the text a breach replaces, once: " + from)
                .hasSize(2);
        return json.replace(from, to);
    }

    private static List<String> found(List<DeployPolicies.Violation> violations) {
        return violations.stream().map(Object::toString).toList();
    }

    // --- a conforming core ---

    private static final String TAGS = "'locals':[{'tags':{'project':'fraud-platform','stack':'core',"
            + "'environment':'${var.environment}','expiry':'none'}," + "'buckets':{'oracle':{'expire_days':14},"
            + "'archive':{'expire_days':45},'quarantine':{'expire_days':30},'evidence':{'expire_days':90}}}]";

    private static final String CORE_SETTINGS = "'provider':{'aws':[{'default_tags':[{'tags':'${local.tags}'}]}]},"
            + "'terraform':[{'backend':{'s3':[{'key':'core/terraform.tfstate'}]}}],"
            + "'variable':{'log_days':[{'default':5,'validation':[{'condition':'${contains([1, 3, 5, 7], var.log_days)}'}]}]}";

    private static final String GUARDED_BUCKET = "'aws_s3_bucket':{'oracle':[{'bucket':'o','tags':'${local.tags}'}]},"
            + "'aws_s3_bucket_versioning':{'oracle':[{'bucket':'${aws_s3_bucket.oracle.id}',"
            + "'versioning_configuration':[{'status':'Enabled'}]}]},"
            + "'aws_s3_bucket_server_side_encryption_configuration':{'oracle':[{'bucket':'${aws_s3_bucket.oracle.id}',"
            + "'rule':[{'apply_server_side_encryption_by_default':[{'sse_algorithm':'AES256'}]}]}]},"
            + "'aws_s3_bucket_public_access_block':{'oracle':[{'bucket':'${aws_s3_bucket.oracle.id}',"
            + "'block_public_acls':true,'block_public_policy':true,'ignore_public_acls':true,"
            + "'restrict_public_buckets':true}]},"
            + "'aws_s3_bucket_ownership_controls':{'oracle':[{'bucket':'${aws_s3_bucket.oracle.id}',"
            + "'rule':[{'object_ownership':'BucketOwnerEnforced'}]}]},"
            + "'aws_s3_bucket_lifecycle_configuration':{'oracle':[{'bucket':'${aws_s3_bucket.oracle.id}',"
            + "'rule':[{'id':'expire','status':'Enabled','expiration':[{'days':14}],"
            + "'noncurrent_version_expiration':[{'noncurrent_days':7}],"
            + "'abort_incomplete_multipart_upload':[{'days_after_initiation':1}]}]}]}";

    private static String notification(int threshold, String type) {
        return "{'threshold':" + threshold + ",'notification_type':'" + type + "','threshold_type':'ABSOLUTE_VALUE',"
                + "'comparison_operator':'GREATER_THAN'}";
    }

    private static final String BUDGET = "'aws_budgets_budget':{'monthly':[{'budget_type':'COST','time_unit':'MONTHLY',"
            + "'tags':'${local.tags}','notification':[" + notification(10, "ACTUAL") + ","
            + notification(20, "ACTUAL") + "," + notification(28, "ACTUAL") + "," + notification(28, "FORECASTED")
            + "]}]}";

    private static final String ANOMALY = "'aws_ce_anomaly_monitor':{'services':[{'monitor_type':'DIMENSIONAL',"
            + "'monitor_dimension':'SERVICE','tags':'${local.tags}'}]},"
            + "'aws_ce_anomaly_subscription':{'email':[{'tags':'${local.tags}',"
            + "'threshold_expression':[{'dimension':[{'key':'ANOMALY_TOTAL_IMPACT_ABSOLUTE'}]}],"
            + "'dynamic':{'subscriber':[{'for_each':'${toset(var.alert_emails)}',"
            + "'content':[{'type':'EMAIL','address':'${subscriber.value}'}]}]}}]}";

    private static final String LOGS_AND_SECRETS = "'aws_cloudwatch_log_group':{'role':[{'name':'a',"
            + "'retention_in_days':'${var.log_days}','tags':'${local.tags}'}]},"
            + "'aws_ssm_parameter':{'secret':[{'type':'SecureString','value':'CHANGE_ME','tags':'${local.tags}',"
            + "'lifecycle':[{'ignore_changes':['${value}']}]}]}";

    /** ECR login and ECS Exec: the two grants on resources "*" the allow list holds, one in a dynamic statement. */
    private static final String IAM = "'data':{'aws_iam_policy_document':{'execution':[{"
            + "'statement':[{'actions':['ecr:GetAuthorizationToken'],'resources':['*']},"
            + "{'actions':['ecr:BatchGetImage'],'resources':['${aws_ecr_repository.fp.arn}']}],"
            + "'dynamic':{'statement':[{'for_each':'${local.exec}','content':[{'actions':["
            + "'ssmmessages:CreateControlChannel','ssmmessages:OpenDataChannel'],'resources':['*']}]}]}}]}}";

    /** local.s3_grants as core writes it: one grant per need of the code. */
    private static String grants() {
        Map<String, List<String>> byRole = new java.util.TreeMap<>();
        for (DeployPolicies.S3Need n : DeployPolicies.S3_NEEDS)
            byRole.computeIfAbsent(n.role(), r -> new java.util.ArrayList<>())
                    .add("{'bucket':'" + n.bucket() + "','prefixes':['" + n.prefix() + "'],'write':" + n.write() + "}");
        return "'s3_grants':{"
                + byRole.entrySet().stream()
                        .map(e -> "'" + e.getKey() + "':[" + String.join(",", e.getValue()) + "]")
                        .collect(java.util.stream.Collectors.joining(","))
                + "}";
    }

    /** The task roles' S3 listing (free of conditions) and fp doctor's probe, the one delete. */
    private static final String TASK_POLICY = "'task':[{'dynamic':{'statement':[{'for_each':"
            + "'${toset([for g in local.s3_grants[each.key] : g.bucket])}','content':[{'sid':'List',"
            + "'actions':['s3:ListBucket'],'resources':['${local.bucket_arns[statement.value]}']}]}]},"
            + "'statement':[{'sid':'DoctorProbe','actions':['s3:PutObject','s3:GetObject','s3:DeleteObject'],"
            + "'resources':'${[for b in local.probe_buckets : \\'${local.bucket_arns[b]}/_probe/*\\']}'}]}]";

    private static String core() {
        return "{" + TAGS.replace("'buckets':{", grants() + ",'buckets':{") + "," + CORE_SETTINGS + ","
                + IAM.replace("'execution':[{", TASK_POLICY + ",'execution':[{") + ",'resource':{" + GUARDED_BUCKET
                + "," + BUDGET + "," + ANOMALY + "," + LOGS_AND_SECRETS + "}}";
    }

    // --- a conforming demo ---

    private static final String DEMO = "{'locals':[{'tags':{'project':'fraud-platform','stack':'demo',"
            + "'environment':'${var.environment}','expiry':'${var.expiry}'},"
            + "'environment':[{'name':'FP_PROFILE','value':'dev_min'}]}],"
            + "'variable':{'expiry':[{'validation':[{'condition':"
            + "'${can(regex(\\'^\\\\d{4}-\\\\d{2}-\\\\d{2}$\\', var.expiry))}'}]}],"
            + "'image_digest':[{'validation':[{'condition':"
            + "'${can(regex(\\'^sha256:[a-f0-9]{64}$\\', var.image_digest))}'}]}],"
            + "'demo_running':[{'default':false}]},"
            + "'provider':{'aws':[{'default_tags':[{'tags':'${local.tags}'}]}]},"
            + "'terraform':[{'backend':{'s3':[{'key':'demo/terraform.tfstate'}]}}],"
            + "'data':{'terraform_remote_state':{'core':[{'backend':'s3','config':{'key':'core/terraform.tfstate'}}]}},"
            + "'resource':{"
            + "'aws_ecs_cluster':{'demo':[{'name':'fraud-platform-demo','tags':'${local.tags}',"
            + "'setting':[{'name':'containerInsights','value':'disabled'}]}]},"
            + "'aws_ecs_task_definition':{'fp':[{'family':'fp','tags':'${local.tags}','container_definitions':"
            + "'${jsonencode([{ name = \\'fp\\', image = \\'${var.repo}@${var.image_digest}\\',"
            + " environment = concat(local.environment, [{ name = \\'FP_HOME\\', value = \\'/tmp\\' }]),"
            + " secrets = [{ name = \\'FP_PG_PASSWORD\\', valueFrom = var.pg_password_arn }] }])}'}]},"
            + "'aws_ecs_service':{'ig':[{'name':'fraud-platform-ig','tags':'${local.tags}',"
            + "'desired_count':'${var.demo_running ? var.desired_count : 0}'}]},"
            + "'aws_db_instance':{'pg':[{'instance_class':'db.t4g.micro','skip_final_snapshot':true,"
            + "'deletion_protection':false,'multi_az':false,'publicly_accessible':false,"
            + "'backup_retention_period':0,'tags':'${local.tags}'}]}}}";

    @Test
    void aConformingCoreAndDemoPassEveryPolicy() throws Exception {
        assertThat(DeployPolicies.check(List.of(stack("core", core()), stack("demo", DEMO))))
                .isEmpty();
    }

    @Test
    void s3GrantsThatMissWhatTheCodeDoesOrGoBeyondItAreNamed() throws Exception {
        String conforming = core();
        // the orchestrator may only read audit/, where fp run writes the audit manifest
        String readOnlyAudit = breach(
                conforming,
                "'prefixes':['evidence/'],'write':true},{'bucket':'evidence','prefixes':['audit/'],'write':true}",
                "'prefixes':['evidence/'],'write':true},{'bucket':'evidence','prefixes':['audit/'],'write':false}");
        assertThat(found(DeployPolicies.s3GrantsFitTheCode(stack("core", readOnlyAudit))))
                .containsExactly(
                        "P22 s3-grants-fit-the-code: core: local.s3_grants.orchestrator: no grant for write on "
                                + "evidence audit/ (fp run seals the audit manifest)");
        // a grant no code needs: the orchestrator reading quarantined payloads
        String extra = breach(
                conforming,
                "'orchestrator':[",
                "'orchestrator':[{'bucket':'quarantine','prefixes':['quarantine/'],'write':false},");
        assertThat(found(DeployPolicies.s3GrantsFitTheCode(stack("core", extra))))
                .containsExactly("P22 s3-grants-fit-the-code: core: local.s3_grants.orchestrator: read on quarantine "
                        + "quarantine/ that no code of the role needs");
        // listing narrowed by a prefix condition, and a delete where evidence lives
        String narrowed = breach(
                breach(
                        conforming,
                        "'actions':['s3:ListBucket'],",
                        "'actions':['s3:ListBucket'],'condition':[{'test':'StringLike','variable':'s3:prefix'}],"),
                "/_probe/*",
                "/evidence/*");
        assertThat(found(DeployPolicies.s3GrantsFitTheCode(stack("core", narrowed))))
                .containsExactlyInAnyOrder(
                        "P22 s3-grants-fit-the-code: core: statement List: s3:ListBucket under a condition: S3 then "
                                + "answers a missing key with 403, not 404",
                        "P22 s3-grants-fit-the-code: core: statement DoctorProbe: s3:DeleteObject beyond _probe/: "
                                + "evidence is append-only",
                        "P22 s3-grants-fit-the-code: core: no statement grants s3:ListBucket on the buckets the roles "
                                + "read");
        assertThat(DeployPolicies.s3GrantsFitTheCode(stack("core", conforming))).isEmpty();
    }

    @Test
    void checkHoldsEveryWrittenPolicy() throws Exception {
        // Given a core and a demo that break each of P1 to P22 at least once
        TerraformStack core = stack(
                "core",
                "{" + TAGS + ",'data':{'aws_iam_policy_document':{'x':[{'statement':[{'actions':['s3:*'],"
                        + "'resources':['*']}]}]}},'resource':{'aws_s3_bucket':{'b':[{'tags':'${local.tags}'}]},"
                        + "'aws_s3_bucket_lifecycle_configuration':{'l':[{'rule':[{'status':'Enabled',"
                        + "'expiration':[{'days':120}]}]}]},'aws_nat_gateway':{'n':[{}]},'aws_lb':{'l':[{}]},"
                        + "'aws_cloudwatch_log_group':{'g':[{'tags':'${local.tags}'}]},"
                        + "'aws_ssm_parameter':{'p':[{'type':'String'}]}}}");
        TerraformStack demo = stack(
                "demo",
                "{'resource':{'aws_ecs_task_definition':{'t':[{'container_definitions':"
                        + "'${jsonencode([{ image = \\'fp:latest\\' }])}'}]},'aws_iam_role':{'r':[{}]},"
                        + "'aws_db_instance':{'d':[{}]},'aws_ecs_cluster':{'c':[{}]}}}");
        // When every policy is held to them, then every policy of POLICIES.md finds its breach
        assertThat(DeployPolicies.check(List.of(core, demo)).stream()
                        .map(v -> v.policy().split(" ")[0])
                        .collect(java.util.stream.Collectors.toSet()))
                .containsExactlyInAnyOrderElementsOf(DeployPolicies.POLICIES.keySet());
    }

    // --- P1 to P6: buckets ---

    @Test
    void aBucketWithoutItsPublicAccessBlockOrLifecycleIsNamed() throws Exception {
        String open = breach(
                breach(GUARDED_BUCKET, "'restrict_public_buckets':true", "'restrict_public_buckets':false"),
                "'abort_incomplete_multipart_upload':[{'days_after_initiation':1}]",
                "'filter':[{}]");
        TerraformStack core = stack("core", "{" + TAGS + ",'resource':{" + open + "}}");
        assertThat(found(DeployPolicies.bucketsAreGuarded(core)))
                .containsExactly(
                        "P3 bucket-not-public: core: aws_s3_bucket.oracle: public-access block has "
                                + "restrict_public_buckets not literally true",
                        "P4 bucket-lifecycle: core: aws_s3_bucket.oracle: no Enabled lifecycle rule holds "
                                + "expiration.days, noncurrent_version_expiration, abort_incomplete_multipart_upload "
                                + "(the nearest lacks abort_incomplete_multipart_upload)");
    }

    @Test
    void aBucketWithNoGuardsIsNamedForEach() throws Exception {
        TerraformStack core = stack(
                "core",
                "{" + TAGS + ",'resource':{'aws_s3_bucket':{'evidence':[{'bucket':'e','tags':'${local.tags}'}]}}}");
        assertThat(DeployPolicies.bucketsAreGuarded(core))
                .extracting(v -> v.policy() + ": " + v.detail())
                .containsExactly(
                        "P1 bucket-versioned: no aws_s3_bucket_versioning",
                        "P2 bucket-encrypted: no server-side encryption configuration",
                        "P3 bucket-not-public: no public-access block",
                        "P4 bucket-lifecycle: no lifecycle configuration",
                        "P5 bucket-owner-enforced: no aws_s3_bucket_ownership_controls");
    }

    @Test
    void anotherAlgorithmAFlagThatIsOnlyAVariableOrWritersOwningObjectsAreNamed() throws Exception {
        String weak = breach(
                breach(
                        breach(GUARDED_BUCKET, "'sse_algorithm':'AES256'", "'sse_algorithm':'aws:kms:dsse'"),
                        "'block_public_policy':true",
                        "'block_public_policy':'${var.block}'"),
                "'BucketOwnerEnforced'",
                "'ObjectWriter'");
        TerraformStack core =
                stack("core", "{" + TAGS + ",'variable':{'block':[{'default':true}]},'resource':{" + weak + "}}");
        assertThat(found(DeployPolicies.bucketsAreGuarded(core)))
                .containsExactly(
                        "P2 bucket-encrypted: core: aws_s3_bucket.oracle: sse_algorithm aws:kms:dsse, need AES256 or "
                                + "aws:kms",
                        "P3 bucket-not-public: core: aws_s3_bucket.oracle: public-access block has block_public_policy "
                                + "not literally true",
                        "P5 bucket-owner-enforced: core: aws_s3_bucket.oracle: object_ownership is not "
                                + "BucketOwnerEnforced");
        assertThat(DeployPolicies.bucketsAreGuarded(
                        stack("core", "{" + TAGS + ",'resource':{" + GUARDED_BUCKET + "}}")))
                .isEmpty();
    }

    @Test
    void onlyTheStateBucketMayKeepItsCurrentObjectsAndADisabledRuleCountsForNothing() throws Exception {
        String keeps = breach(GUARDED_BUCKET, "'expiration':[{'days':14}],", "");
        assertThat(DeployPolicies.bucketsAreGuarded(stack("bootstrap", "{'resource':{" + keeps + "}}")))
                .isEmpty();
        assertThat(found(DeployPolicies.bucketsAreGuarded(stack("core", "{'resource':{" + keeps + "}}"))))
                .containsExactly("P4 bucket-lifecycle: core: aws_s3_bucket.oracle: no Enabled lifecycle rule holds "
                        + "expiration.days, noncurrent_version_expiration, abort_incomplete_multipart_upload (the "
                        + "nearest lacks expiration.days)");
        String disabled = breach(GUARDED_BUCKET, "'status':'Enabled','expiration'", "'status':'Disabled','expiration'");
        assertThat(found(DeployPolicies.bucketsAreGuarded(stack("core", "{'resource':{" + disabled + "}}"))))
                .containsExactly("P4 bucket-lifecycle: core: aws_s3_bucket.oracle: no Enabled lifecycle rule");
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
        assertThat(found(DeployPolicies.bucketExpiry(core)))
                .containsExactlyInAnyOrder(
                        "P6 bucket-expiry: core: local.buckets.oracle: expire_days 30, need 14",
                        "P6 bucket-expiry: core: local.buckets.quarantine: no expire_days");
    }

    @Test
    void expiryPastNinetyDaysOrUnboundedOrNotFromThePlanesIsNamed() throws Exception {
        // Given a module whose expire_days validation allows a year, a lifecycle of 120 days, and a call of the module
        // that does not take each plane's days
        String module = "{'variable':{'expire_days':[{'validation':[{'condition':"
                + "'${var.expire_days >= 1 && var.expire_days <= 365}'}]}]},'resource':{"
                + "'aws_s3_bucket_lifecycle_configuration':{'this':[{'rule':[{'status':'Enabled',"
                + "'expiration':[{'days':'${var.expire_days}'}]}]}]}}}";
        String core = "{" + TAGS + ",'module':{'bucket':[{'source':'../modules/private_bucket',"
                + "'for_each':'${local.buckets}','expire_days':30}]},'resource':{"
                + "'aws_s3_bucket_lifecycle_configuration':{'long':[{'rule':[{'status':'Enabled',"
                + "'expiration':[{'days':120}]}]}]}}}";
        // Then each is named
        assertThat(found(DeployPolicies.bucketExpiry(stack("modules/private_bucket", module))))
                .containsExactly(
                        "P6 bucket-expiry: modules/private_bucket: aws_s3_bucket_lifecycle_configuration.this: "
                                + "expiration.days var.expire_days's validation allows 1..365, need 1..90");
        assertThat(found(DeployPolicies.bucketExpiry(stack("core", core))))
                .containsExactly(
                        "P6 bucket-expiry: core: aws_s3_bucket_lifecycle_configuration.long: expiration.days 120, need "
                                + "1..90",
                        "P6 bucket-expiry: core: module.bucket: expire_days is not each.value.expire_days for_each "
                                + "over local.buckets");
        // and mended, nothing is
        assertThat(DeployPolicies.bucketExpiry(stack("modules/private_bucket", breach(module, "<= 365", "<= 90"))))
                .isEmpty();
        assertThat(DeployPolicies.bucketExpiry(stack(
                        "core",
                        breach(
                                breach(
                                        core,
                                        "'${local.buckets}','expire_days':30",
                                        "'${local.buckets}','expire_days':'${each.value.expire_days}'"),
                                "'days':120",
                                "'days':60"))))
                .isEmpty();
    }

    // --- P7 to P11: costs ---

    @Test
    void aNatGatewayALoadBalancerOrATargetGroupIsNamed() throws Exception {
        TerraformStack demo = stack(
                "demo",
                "{" + TAGS + ",'resource':{'aws_nat_gateway':{'egress':[{'subnet_id':'s','tags':'${local.tags}'}]},"
                        + "'aws_lb':{'gate':[{'internal':false,'tags':'${local.tags}'}]},"
                        + "'aws_lb_target_group':{'gate':[{'port':8081}]}}}");
        List<DeployPolicies.Violation> violations = new ArrayList<>(DeployPolicies.noNatGateway(demo));
        violations.addAll(DeployPolicies.noLoadBalancer(demo));
        assertThat(found(violations))
                .containsExactlyInAnyOrder(
                        "P7 no-nat-gateway: demo: aws_nat_gateway.egress: a NAT gateway",
                        "P8 no-load-balancer: demo: aws_lb.gate: an always-on load balancer",
                        "P8 no-load-balancer: demo: aws_lb_target_group.gate: an always-on load balancer");
    }

    @Test
    void aStackWithoutTheBudgetFailsNamingTheStack() throws Exception {
        TerraformStack core = stack("core", "{" + TAGS + ",'resource':{" + GUARDED_BUCKET + "}}");
        assertThat(found(DeployPolicies.budget(core)))
                .containsExactly("P9 budget: core: no aws_budgets_budget: the monthly cap has no alerts");
    }

    @Test
    void aBudgetOfTheWrongKindOrWithoutTheForecastAlertIsNamed() throws Exception {
        String wrong = breach(
                breach(
                        breach(BUDGET, notification(28, "FORECASTED"), notification(30, "FORECASTED")),
                        "'time_unit':'MONTHLY'",
                        "'time_unit':'ANNUALLY'"),
                "{'threshold':10,'notification_type':'ACTUAL','threshold_type':'ABSOLUTE_VALUE'",
                "{'threshold':10,'notification_type':'ACTUAL','threshold_type':'PERCENTAGE'");
        assertThat(found(DeployPolicies.budget(stack("core", "{" + TAGS + ",'resource':{" + wrong + "}}"))))
                .containsExactly(
                        "P9 budget: core: aws_budgets_budget.monthly: time_unit is ANNUALLY, need MONTHLY",
                        "P9 budget: core: aws_budgets_budget.monthly: notification 10 ACTUAL: threshold_type is "
                                + "PERCENTAGE, need ABSOLUTE_VALUE",
                        "P9 budget: core: aws_budgets_budget.monthly: alerts [10 ACTUAL, 20 ACTUAL, 28 ACTUAL, 30 "
                                + "FORECASTED], need [10 ACTUAL, 20 ACTUAL, 28 ACTUAL, 28 FORECASTED]");
    }

    @Test
    void aMissingAnomalyMonitorOrASubscriptionThatEmailsNoOneIsNamed() throws Exception {
        String noMonitor = breach(
                breach(ANOMALY, "'aws_ce_anomaly_monitor'", "'aws_ce_anomaly_monitor_unused'"),
                "'type':'EMAIL'",
                "'type':'SNS'");
        assertThat(found(DeployPolicies.costAnomalyAlerts(stack("core", "{'resource':{" + noMonitor + "}}"))))
                .containsExactly(
                        "P10 cost-anomaly-alerts: core: no aws_ce_anomaly_monitor",
                        "P10 cost-anomaly-alerts: core: aws_ce_anomaly_subscription.email: no EMAIL subscriber");
        assertThat(DeployPolicies.costAnomalyAlerts(stack("core", "{'resource':{" + ANOMALY + "}}")))
                .isEmpty();
    }

    @Test
    void logsKeptLongerThanAWeekOrForeverAreNamed() throws Exception {
        TerraformStack core = stack(
                "core",
                "{" + TAGS + ",'variable':{'log_days':[{'default':14}],"
                        + "'wide':[{'default':5,'validation':[{'condition':'${var.wide >= 1 && var.wide <= 30}'}]}],"
                        + "'week':[{'default':5,'validation':[{'condition':'${contains([1, 3, 5, 7], var.week)}'}]}]},"
                        + "'resource':{'aws_cloudwatch_log_group':{"
                        + "'ok':[{'name':'a','retention_in_days':5,'tags':'${local.tags}'}],"
                        + "'validated':[{'name':'v','retention_in_days':'${var.week}','tags':'${local.tags}'}],"
                        + "'long':[{'name':'b','retention_in_days':'${var.log_days}','tags':'${local.tags}'}],"
                        + "'wide':[{'name':'w','retention_in_days':'${var.wide}','tags':'${local.tags}'}],"
                        + "'forever':[{'name':'c','tags':'${local.tags}'}]}}}");
        assertThat(found(DeployPolicies.logRetention(core)))
                .containsExactly(
                        "P11 log-retention: core: aws_cloudwatch_log_group.long: retention_in_days var.log_days has no "
                                + "validation bounding it to 1..7",
                        "P11 log-retention: core: aws_cloudwatch_log_group.wide: retention_in_days var.wide's "
                                + "validation allows 1..30, need 1..7",
                        "P11 log-retention: core: aws_cloudwatch_log_group.forever: no retention_in_days: the logs are "
                                + "kept forever");
    }

    // --- P12 to P14: images and tags ---

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
        assertThat(found(DeployPolicies.imagesByDigest(demo)))
                .containsExactly("P12 image-by-digest: demo: aws_ecs_task_definition.tagged: image "
                        + "\"${var.repo}:latest\" is not pinned by digest");
    }

    @Test
    void anImageDigestVariableWithoutItsValidationIsNamed() throws Exception {
        String validated = "{'variable':{'image_digest':[{'type':'string','validation':[{'condition':"
                + "'${can(regex(^sha256:[a-f0-9]{64}$, var.image_digest))}'}]}]}}";
        assertThat(DeployPolicies.imageDigestValidated(stack("demo", validated)))
                .isEmpty();
        assertThat(found(DeployPolicies.imageDigestValidated(
                        stack("demo", "{'variable':{'image_digest':[{'type':'string'}]}}"))))
                .containsExactly("P12 image-by-digest: demo: var.image_digest: no validation to "
                        + "^sha256:[a-f0-9]{64}$: a tag could be deployed");
    }

    @Test
    void defaultTagsNotFromLocalTagsOrLocalTagsOfAnotherStackAreNamed() throws Exception {
        // Given demo with core's local.tags (stack core, expiry none) and a provider whose default tags are a map
        String demo = breach(
                breach(
                        DEMO,
                        "'stack':'demo','environment':'${var.environment}','expiry':'${var.expiry}'",
                        "'stack':'core','environment':'${var.environment}','expiry':'none'"),
                "'default_tags':[{'tags':'${local.tags}'}]",
                "'default_tags':[{'tags':{'project':'fraud-platform'}}]");
        assertThat(found(DeployPolicies.defaultTags(stack("demo", demo))))
                .containsExactly(
                        "P13 default-tags: demo: provider.aws: default_tags is not tags = local.tags",
                        "P13 default-tags: demo: local.tags: stack is core, need demo",
                        "P13 default-tags: demo: local.tags: expiry is \"none\", need var.expiry");
        // and a demo whose expiry is not validated as a date, and a root stack with no provider at all
        assertThat(found(DeployPolicies.defaultTags(stack("demo", breach(DEMO, "\\\\d{4}", "[0-9]+")))))
                .containsExactly("P13 default-tags: demo: var.expiry: no validation to ^\\d{4}-\\d{2}-\\d{2}$");
        assertThat(found(DeployPolicies.defaultTags(stack(
                        "bootstrap",
                        "{'locals':[{'tags':{'project':'fraud-platform',"
                                + "'stack':'bootstrap','environment':'dev','expiry':'none'}}]}"))))
                .containsExactly("P13 default-tags: bootstrap: no provider \"aws\" with default_tags");
        assertThat(DeployPolicies.defaultTags(stack("demo", DEMO))).isEmpty();
    }

    @Test
    void aResourceWhoseTagsAreNotLocalTagsIsNamedEvenWhenTheProviderTagsEverything() throws Exception {
        String provider = "'provider':{'aws':[{'default_tags':[{'tags':'${local.tags}'}]}]}";
        String resources = "'resource':{'aws_ecr_repository':{'fp':[{'name':'fraud-platform','tags':{'project':'x'}}]},"
                + "'aws_vpc':{'demo':[{'tags':'${merge(local.tags, { Name = \\'demo\\' })}'}]},"
                + "'aws_security_group':{'tasks':[{'name':'t'}]},"
                + "'aws_s3_bucket_versioning':{'v':[{'bucket':'b'}]}}";
        assertThat(found(DeployPolicies.tagsEverywhere(
                        stack("core", "{" + TAGS + "," + provider + "," + resources + "}"))))
                .containsExactly(
                        "P14 tags: core: aws_ecr_repository.fp: tags are {\"project\":\"x\"}, need local.tags or "
                                + "merge(local.tags, ...)",
                        "P14 tags: core: aws_security_group.tasks: no tags, need local.tags or merge(local.tags, ...)");
    }

    @Test
    void aModulesTagsVariableThatDoesNotRequireTheFourKeysIsNamed() throws Exception {
        String module = "{'variable':{'tags':[{'validation':[{'condition':"
                + "'${alltrue([for k in [\\'project\\', \\'stack\\', \\'environment\\'] : contains(keys(var.tags), k)])}'"
                + "}]}]},'resource':{'aws_s3_bucket':{'this':[{'bucket':'b','tags':'${var.tags}'}]}}}";
        assertThat(found(DeployPolicies.tagsEverywhere(stack("modules/private_bucket", module))))
                .containsExactly("P14 tags: modules/private_bucket: var.tags: validation does not require [expiry]");
        assertThat(DeployPolicies.tagsEverywhere(stack(
                        "modules/private_bucket",
                        breach(module, "\\'environment\\']", "\\'environment\\', \\'expiry\\']"))))
                .isEmpty();
    }

    // --- P15 and P16: IAM ---

    @Test
    void aWildcardActionIsNamedInAPolicyDocumentADynamicStatementAndInlineJson() throws Exception {
        TerraformStack core = stack(
                "core",
                "{" + TAGS + ",'data':{'aws_iam_policy_document':{'df':[{'statement':["
                        + "{'actions':['s3:GetObject','s3:*'],'resources':['arn:aws:s3:::b/*']},"
                        + "{'not_actions':['iam:PassRole'],'resources':['arn:aws:iam::1:role/r']}],"
                        + "'dynamic':{'statement':[{'for_each':'${local.x}','content':[{'actions':['iam:*'],"
                        + "'resources':['arn:aws:iam::1:role/r']}]}]}}]}},"
                        + "'resource':{'aws_iam_role_policy':{'ig':[{'role':'r','policy':"
                        + "'${jsonencode({ Statement = [{ Action = \\'*\\', Effect = \\'Allow\\', "
                        + "Resource = \\'arn:aws:s3:::b\\' }] })}'}]}}}");
        assertThat(found(DeployPolicies.noWildcardActions(core)))
                .containsExactlyInAnyOrder(
                        "P15 iam-no-wildcard-action: core: data.aws_iam_policy_document.df: grants s3:*",
                        "P15 iam-no-wildcard-action: core: data.aws_iam_policy_document.df: not_actions",
                        "P15 iam-no-wildcard-action: core: data.aws_iam_policy_document.df: grants iam:*",
                        "P15 iam-no-wildcard-action: core: aws_iam_role_policy.ig: grants *");
    }

    @Test
    void aPolicyThatCannotBeReadFails() throws Exception {
        TerraformStack core = stack(
                "core", "{'resource':{'aws_iam_policy':{'p':[{'name':'p','policy':'${file(\\'policy.json\\')}'}]}}}");
        assertThat(found(DeployPolicies.noWildcardActions(core)))
                .containsExactly("P15 iam-no-wildcard-action: core: aws_iam_policy.p: actions that cannot be read");
    }

    @Test
    void anActionOnResourcesStarThatTakesResourcePermissionsIsNamed() throws Exception {
        // Given ECR login beside an object read on "*" in a document, and a JSON policy granting ECS Exec and logs on
        // "*"
        TerraformStack core = stack(
                "core",
                "{'data':{'aws_iam_policy_document':{'execution':[{'statement':[{'actions':["
                        + "'ecr:GetAuthorizationToken','s3:GetObject'],'resources':['*']}]}]}},"
                        + "'resource':{'aws_iam_policy':{'exec':[{'name':'e','policy':"
                        + "'${jsonencode({ Version = \\'2012-10-17\\', Statement = [{ Effect = \\'Allow\\',\\n"
                        + "  Action = [\\'ssmmessages:OpenDataChannel\\', \\'logs:PutLogEvents\\'],\\n"
                        + "  Resource = \\'*\\' }] })}'}]}}}");
        // Then each action that could be scoped is named, and the allow-listed ones are not
        assertThat(found(DeployPolicies.starResourcesOnlyWithoutResourcePermissions(core)))
                .containsExactlyInAnyOrder(
                        "P16 iam-star-resource: core: data.aws_iam_policy_document.execution: grants s3:GetObject on "
                                + "resources \"*\"",
                        "P16 iam-star-resource: core: aws_iam_policy.exec: grants logs:PutLogEvents on resources \"*\"");
        assertThat(DeployPolicies.starResourcesOnlyWithoutResourcePermissions(stack("core", core())))
                .isEmpty();
    }

    // --- P17 to P21: demo, secrets, database, services, state ---

    @Test
    void aDemoThatManagesCoresResourcesOrDoesNotReadItsStateIsNamed() throws Exception {
        String demo = breach(
                breach(
                        DEMO,
                        "'aws_ecs_cluster':",
                        "'aws_s3_bucket_policy':{'evidence':[{'bucket':'b'}]},'aws_iam_role':{'tasks':[{'name':'t',"
                                + "'tags':'${local.tags}'}]},'aws_ecs_cluster':"),
                "'terraform_remote_state':{'core'",
                "'terraform_remote_state':{'other'");
        assertThat(found(DeployPolicies.demoOwnsNothingOfCore(stack("demo", demo))))
                .containsExactly(
                        "P17 demo-owns-nothing-of-core: demo: aws_s3_bucket_policy.evidence: a resource of a type core "
                                + "manages",
                        "P17 demo-owns-nothing-of-core: demo: aws_iam_role.tasks: a resource of a type core manages",
                        "P17 demo-owns-nothing-of-core: demo: no data.terraform_remote_state.core");
        assertThat(DeployPolicies.demoOwnsNothingOfCore(stack("demo", DEMO))).isEmpty();
    }

    @Test
    void aParameterHoldingARealValueOrASecretInTheEnvironmentIsNamed() throws Exception {
        // Given a String parameter with a value from a variable and no ignore_changes
        String core = breach(
                breach(
                        LOGS_AND_SECRETS,
                        "'type':'SecureString','value':'CHANGE_ME'",
                        "'type':'String','value':'${var.pw}'"),
                "'lifecycle':[{'ignore_changes':['${value}']}]",
                "'lifecycle':[{'ignore_changes':['${tags}']}]");
        assertThat(found(DeployPolicies.secretsOutOfBand(stack("core", "{'resource':{" + core + "}}"))))
                .containsExactly(
                        "P18 secrets-out-of-band: core: aws_ssm_parameter.secret: type is String, need SecureString",
                        "P18 secrets-out-of-band: core: aws_ssm_parameter.secret: value is not the placeholder CHANGE_ME",
                        "P18 secrets-out-of-band: core: aws_ssm_parameter.secret: no lifecycle ignore_changes = [value]");
        // and a task whose environment, inline and through a local, carries a token and a user name
        String demo = breach(
                breach(DEMO, "'name':'FP_PROFILE'", "'name':'FP_REDIS_TOKEN'"),
                "name = \\'FP_HOME\\', value",
                "name = \\'FP_PG_USERNAME\\', value");
        assertThat(found(DeployPolicies.secretsOutOfBand(stack("demo", demo))))
                .containsExactlyInAnyOrder(
                        "P18 secrets-out-of-band: demo: aws_ecs_task_definition.fp: environment FP_PG_USERNAME looks "
                                + "like a secret: give it through secrets[].valueFrom",
                        "P18 secrets-out-of-band: demo: aws_ecs_task_definition.fp: environment FP_REDIS_TOKEN looks "
                                + "like a secret: give it through secrets[].valueFrom");
    }

    @Test
    void aDatabaseThatOutlivesTheDemoOrCostsMoreIsNamed() throws Exception {
        String demo = breach(
                breach(
                        breach(DEMO, "'skip_final_snapshot':true", "'skip_final_snapshot':false"),
                        "'instance_class':'db.t4g.micro'",
                        "'instance_class':'${var.db_class}'"),
                "'backup_retention_period':0",
                "'backup_retention_period':7");
        demo = breach(
                demo,
                "'demo_running':[{'default':false}]",
                "'demo_running':[{'default':false}],'db_class':[{'default':'db.m5.large'}]");
        assertThat(found(DeployPolicies.disposableDatabase(stack("demo", demo))))
                .containsExactly(
                        "P19 database-disposable: demo: aws_db_instance.pg: skip_final_snapshot is false, need true",
                        "P19 database-disposable: demo: aws_db_instance.pg: instance_class is db.m5.large, need "
                                + "db.t4g.micro",
                        "P19 database-disposable: demo: aws_db_instance.pg: backup_retention_period 7, need 0 or 1");
    }

    @Test
    void servicesThatRunByDefaultOrAClusterWithInsightsAreNamed() throws Exception {
        String insights = breach(DEMO, "'value':'disabled'", "'value':'enabled'");
        String running =
                breach(DEMO, "'desired_count':'${var.demo_running ? var.desired_count : 0}'", "'desired_count':1");
        String onByDefault = breach(DEMO, "'demo_running':[{'default':false}]", "'demo_running':[{'default':true}]");
        List<String> all = new ArrayList<>();
        for (String demo : List.of(insights, running, onByDefault))
            all.addAll(found(DeployPolicies.idleByDefault(stack("demo", demo))));
        assertThat(all)
                .containsExactly(
                        "P20 ecs-idle-by-default: demo: aws_ecs_cluster.demo: no setting containerInsights = disabled",
                        "P20 ecs-idle-by-default: demo: aws_ecs_service.ig: desired_count 1, need 0 unless "
                                + "var.demo_running",
                        "P20 ecs-idle-by-default: demo: var.demo_running: defaults to true, need false");
    }

    @Test
    void aStackWithoutItsStateBackendOrUnderAnotherKeyIsNamed() throws Exception {
        assertThat(found(DeployPolicies.stateBackend(stack("core", "{" + TAGS + "}"))))
                .containsExactly("P21 state-backend: core: no backend \"s3\"");
        assertThat(found(DeployPolicies.stateBackend(stack(
                        "demo", breach(DEMO, "'key':'demo/terraform.tfstate'", "'key':'core/terraform.tfstate'")))))
                .containsExactly("P21 state-backend: demo: backend.s3: key is core/terraform.tfstate, need "
                        + "demo/terraform.tfstate");
        assertThat(DeployPolicies.stateBackend(stack("bootstrap", "{}"))).isEmpty();
    }
}
