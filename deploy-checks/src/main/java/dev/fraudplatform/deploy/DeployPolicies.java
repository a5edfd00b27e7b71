package dev.fraudplatform.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.fraudplatform.deploy.TerraformStack.Block;
import dev.fraudplatform.deploy.TerraformStack.Bounds;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The written policies of the AWS deployment ({@code deploy/terraform/POLICIES.md}, rules P1 to P22), each a function
 * of a parsed stack that returns its violations, each naming the policy by its id, the stack and the resource, and
 * what is wrong. A policy that meets an expression it cannot evaluate reports it as a violation: nothing passes on a
 * guess. {@link #check} runs every policy over every stack.
 */
public final class DeployPolicies {
    /** One breach of one policy: {@code policy} is its id and name ({@code "P9 budget"}). */
    public record Violation(String policy, String where, String detail) {
        @Override
        public String toString() {
            return policy + ": " + where + ": " + detail;
        }
    }

    /** The policies of POLICIES.md, by id, each with the short name its violations carry. */
    public static final Map<String, String> POLICIES = Map.ofEntries(
            Map.entry("P1", "bucket-versioned"),
            Map.entry("P2", "bucket-encrypted"),
            Map.entry("P3", "bucket-not-public"),
            Map.entry("P4", "bucket-lifecycle"),
            Map.entry("P5", "bucket-owner-enforced"),
            Map.entry("P6", "bucket-expiry"),
            Map.entry("P7", "no-nat-gateway"),
            Map.entry("P8", "no-load-balancer"),
            Map.entry("P9", "budget"),
            Map.entry("P10", "cost-anomaly-alerts"),
            Map.entry("P11", "log-retention"),
            Map.entry("P12", "image-by-digest"),
            Map.entry("P13", "default-tags"),
            Map.entry("P14", "tags"),
            Map.entry("P15", "iam-no-wildcard-action"),
            Map.entry("P16", "iam-star-resource"),
            Map.entry("P17", "demo-owns-nothing-of-core"),
            Map.entry("P18", "secrets-out-of-band"),
            Map.entry("P19", "database-disposable"),
            Map.entry("P20", "ecs-idle-by-default"),
            Map.entry("P21", "state-backend"),
            Map.entry("P22", "s3-grants-fit-the-code"));

    private static Violation violation(String id, String where, String detail) {
        String name = POLICIES.get(id);
        if (name == null) throw new IllegalArgumentException("no policy " + id + " in POLICIES.md");
        return new Violation(id + " " + name, where, detail);
    }

    /** The root stacks (directories applied on their own); {@code modules/*} are called from them. */
    static final List<String> ROOT_STACKS = List.of("bootstrap", "core", "demo");

    /** The stack of the Terraform state bucket, whose current objects must never expire. */
    static final String STATE_STACK = "bootstrap";

    /** The tags every taggable resource carries. */
    public static final Set<String> REQUIRED_TAGS = Set.of("project", "stack", "environment", "expiry");

    /**
     * IAM actions allowed to end in a wildcard, each with why: none. An action list is written out in full, so that a
     * role's grant can be read from the Terraform.
     */
    public static final Set<String> ALLOWED_WILDCARD_ACTIONS = Set.of();

    /** The only actions a statement may grant on resources {@code "*"}: AWS offers no resource-level permission. */
    public static final Set<String> STAR_RESOURCE_ACTIONS = Set.of(
            "ecr:GetAuthorizationToken",
            "ssmmessages:CreateControlChannel",
            "ssmmessages:CreateDataChannel",
            "ssmmessages:OpenControlChannel",
            "ssmmessages:OpenDataChannel");

    /** The budget's alerts: threshold and notification type, the threshold in the budget's currency. */
    public static final Set<String> BUDGET_ALERTS = Set.of("10 ACTUAL", "20 ACTUAL", "28 ACTUAL", "28 FORECASTED");

    /** The resource types core manages, which demo must not ({@code *} ends a prefix). */
    public static final List<String> CORE_RESOURCE_TYPES = List.of(
            "aws_s3_bucket*",
            "aws_ecr_*",
            "aws_cloudwatch_log_group",
            "aws_iam_*",
            "aws_ssm_parameter",
            "aws_budgets_budget",
            "aws_ce_*");

    /** Words no container environment variable's name may hold: such values come from SSM through secrets. */
    public static final List<String> SECRET_WORDS = List.of("PASSWORD", "SECRET", "USERNAME", "TOKEN");

    /** The state key of each stack that keeps its state in the S3 backend. */
    public static final Map<String, String> STATE_KEYS =
            Map.of("core", "core/terraform.tfstate", "demo", "demo/terraform.tfstate");

    /** Resource types that take tags (POLICIES.md P14). */
    public static final Set<String> TAGGABLE = Set.of(
            "aws_s3_bucket",
            "aws_dynamodb_table",
            "aws_ecr_repository",
            "aws_cloudwatch_log_group",
            "aws_ssm_parameter",
            "aws_iam_role",
            "aws_iam_policy",
            "aws_budgets_budget",
            "aws_ce_anomaly_monitor",
            "aws_ce_anomaly_subscription",
            "aws_vpc",
            "aws_subnet",
            "aws_internet_gateway",
            "aws_route_table",
            "aws_vpc_endpoint",
            "aws_security_group",
            "aws_vpc_security_group_ingress_rule",
            "aws_vpc_security_group_egress_rule",
            "aws_db_subnet_group",
            "aws_db_instance",
            "aws_elasticache_subnet_group",
            "aws_elasticache_replication_group",
            "aws_elasticache_cluster",
            "aws_elasticache_serverless_cache",
            "aws_msk_serverless_cluster",
            "aws_ecs_cluster",
            "aws_ecs_task_definition",
            "aws_ecs_service",
            "aws_sfn_state_machine",
            "aws_service_discovery_private_dns_namespace",
            "aws_service_discovery_service",
            "aws_eip");

    private DeployPolicies() {}

    /** Every policy over every stack. */
    public static List<Violation> check(List<TerraformStack> stacks) {
        List<Violation> out = new ArrayList<>();
        for (TerraformStack s : stacks) {
            out.addAll(bucketsAreGuarded(s));
            out.addAll(bucketExpiry(s));
            out.addAll(noNatGateway(s));
            out.addAll(noLoadBalancer(s));
            out.addAll(logRetention(s));
            out.addAll(imagesByDigest(s));
            out.addAll(imageDigestValidated(s));
            out.addAll(defaultTags(s));
            out.addAll(tagsEverywhere(s));
            out.addAll(noWildcardActions(s));
            out.addAll(starResourcesOnlyWithoutResourcePermissions(s));
            out.addAll(secretsOutOfBand(s));
            out.addAll(disposableDatabase(s));
            out.addAll(idleByDefault(s));
            out.addAll(stateBackend(s));
            if (s.name().equals("core")) {
                out.addAll(s3GrantsFitTheCode(s));
                out.addAll(budget(s));
                out.addAll(costAnomalyAlerts(s));
            }
            if (s.name().equals("demo")) out.addAll(demoOwnsNothingOfCore(s));
        }
        return out;
    }

    // -----------------------------------------------------------------------------------------------------------------
    // Buckets
    // -----------------------------------------------------------------------------------------------------------------

    /** The server-side encryption algorithms a bucket may use (P2). */
    static final Set<String> SSE_ALGORITHMS = Set.of("AES256", "aws:kms");

    private static final List<String> PUBLIC_ACCESS_FLAGS =
            List.of("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets");

    /**
     * P1 to P5: every {@code aws_s3_bucket} has, in its stack, a resource of each kind that references it:
     *
     * <ul>
     *   <li>P1 {@code aws_s3_bucket_versioning} with {@code versioning_configuration.status = "Enabled"};
     *   <li>P2 {@code aws_s3_bucket_server_side_encryption_configuration} whose every {@code sse_algorithm} is
     *       {@code AES256} or {@code aws:kms};
     *   <li>P3 {@code aws_s3_bucket_public_access_block} with its four flags literally {@code true};
     *   <li>P4 {@code aws_s3_bucket_lifecycle_configuration} with an {@code Enabled} rule holding
     *       {@code expiration.days} (but in {@value #STATE_STACK}), {@code noncurrent_version_expiration} and
     *       {@code abort_incomplete_multipart_upload};
     *   <li>P5 {@code aws_s3_bucket_ownership_controls} with {@code object_ownership = "BucketOwnerEnforced"}.
     * </ul>
     */
    public static List<Violation> bucketsAreGuarded(TerraformStack s) {
        List<Violation> out = new ArrayList<>();
        for (Block bucket : s.resources("aws_s3_bucket")) {
            String where = s.name() + ": " + bucket.address();
            Block versioning = guard(s, "aws_s3_bucket_versioning", bucket);
            if (versioning == null) out.add(violation("P1", where, "no aws_s3_bucket_versioning"));
            else if (versioning.blocks("versioning_configuration").stream()
                    .noneMatch(v -> "Enabled".equals(text(s, v.path("status")))))
                out.add(violation("P1", where, "versioning is not Enabled"));

            Block encryption = guard(s, "aws_s3_bucket_server_side_encryption_configuration", bucket);
            if (encryption == null) out.add(violation("P2", where, "no server-side encryption configuration"));
            else {
                List<JsonNode> defaults = new ArrayList<>();
                encryption
                        .blocks("rule")
                        .forEach(r -> defaults.addAll(
                                TerraformStack.list(r.path("apply_server_side_encryption_by_default"))));
                if (defaults.isEmpty()) out.add(violation("P2", where, "no apply_server_side_encryption_by_default"));
                for (JsonNode d : defaults) {
                    String algorithm = text(s, d.path("sse_algorithm"));
                    if (!SSE_ALGORITHMS.contains(algorithm))
                        out.add(violation(
                                "P2",
                                where,
                                "sse_algorithm " + shown(algorithm, d.path("sse_algorithm"))
                                        + ", need AES256 or aws:kms"));
                }
            }

            Block block = guard(s, "aws_s3_bucket_public_access_block", bucket);
            if (block == null) out.add(violation("P3", where, "no public-access block"));
            else
                for (String flag : PUBLIC_ACCESS_FLAGS) {
                    JsonNode v = block.get(flag);
                    if (!v.isBoolean() || !v.booleanValue())
                        out.add(violation("P3", where, "public-access block has " + flag + " not literally true"));
                }

            Block lifecycle = guard(s, "aws_s3_bucket_lifecycle_configuration", bucket);
            if (lifecycle == null) out.add(violation("P4", where, "no lifecycle configuration"));
            else {
                String gap = lifecycleGap(s, lifecycle);
                if (gap != null) out.add(violation("P4", where, gap));
            }

            Block ownership = guard(s, "aws_s3_bucket_ownership_controls", bucket);
            if (ownership == null) out.add(violation("P5", where, "no aws_s3_bucket_ownership_controls"));
            else if (ownership.blocks("rule").stream()
                    .noneMatch(r -> "BucketOwnerEnforced".equals(text(s, r.path("object_ownership")))))
                out.add(violation("P5", where, "object_ownership is not BucketOwnerEnforced"));
        }
        return out;
    }

    /**
     * What P4 finds missing from a lifecycle configuration, or null when one {@code Enabled} rule holds every part:
     * current objects expire after some days (not required of the state bucket, whose current state must stay), old
     * versions expire, and abandoned multipart uploads are aborted.
     */
    private static String lifecycleGap(TerraformStack s, Block lifecycle) {
        List<String> need = new ArrayList<>();
        if (!s.name().equals(STATE_STACK)) need.add("expiration.days");
        need.add("noncurrent_version_expiration");
        need.add("abort_incomplete_multipart_upload");
        List<String> nearest = null;
        for (JsonNode rule : lifecycle.blocks("rule")) {
            if (!"Enabled".equals(text(s, rule.path("status")))) continue;
            List<String> lacks = new ArrayList<>();
            for (String part : need) if (!holds(rule, part)) lacks.add(part);
            if (lacks.isEmpty()) return null;
            if (nearest == null || lacks.size() < nearest.size()) nearest = lacks;
        }
        if (nearest == null) return "no Enabled lifecycle rule";
        return "no Enabled lifecycle rule holds " + String.join(", ", need) + " (the nearest lacks "
                + String.join(", ", nearest) + ")";
    }

    private static boolean holds(JsonNode rule, String part) {
        return switch (part) {
            case "expiration.days" ->
                TerraformStack.list(rule.path("expiration")).stream().anyMatch(e -> e.has("days"));
            case "noncurrent_version_expiration" ->
                TerraformStack.list(rule.path(part)).stream().anyMatch(e -> e.has("noncurrent_days"));
            default -> TerraformStack.list(rule.path(part)).stream().anyMatch(e -> e.has("days_after_initiation"));
        };
    }

    /**
     * The resource of {@code type} whose {@code bucket} names {@code bucket}, or that is made {@code for_each} over
     * the bucket resource itself; null when none. A bucket made with {@code for_each} is guarded only by a resource
     * made over the same keys (or over the bucket resource).
     */
    private static Block guard(TerraformStack s, String type, Block bucket) {
        Pattern ref = Pattern.compile("aws_s3_bucket\\." + Pattern.quote(bucket.name()) + "[.\\[]");
        Pattern overBucket = Pattern.compile("^\\$\\{\\s*aws_s3_bucket\\." + Pattern.quote(bucket.name()) + "\\s*}$");
        for (Block g : s.resources(type)) {
            // made over the bucket resource itself: one per bucket instance
            if (overBucket.matcher(g.get("for_each").asText("")).matches()) return g;
            if (!ref.matcher(g.get("bucket").asText("")).find()) continue;
            List<String> need = s.instances(bucket);
            List<String> have = s.instances(g);
            if (need != null && have != null && (need.equals(have) || new TreeSet<>(have).containsAll(need))) return g;
        }
        return null;
    }

    /** The longest a data bucket keeps its current objects, in days (P6). */
    public static final int MAX_BUCKET_DAYS = 90;

    /** Each plane's bucket and how long its objects may live, in days (inclusive bounds). */
    public static final Map<String, int[]> BUCKET_EXPIRY = Map.of(
            "oracle", new int[] {14, 14},
            "archive", new int[] {30, 60},
            "quarantine", new int[] {30, 30},
            "evidence", new int[] {1, MAX_BUCKET_DAYS});

    private static final Pattern PRIVATE_BUCKET_MODULE = Pattern.compile("(^|/)modules/private_bucket/?$");

    /**
     * P6: every lifecycle {@code expiration.days} is 1 to {@value #MAX_BUCKET_DAYS}, a literal or a variable whose
     * validation bounds it so; and in core, {@code local.buckets} gives each plane's bucket its {@code expire_days}
     * (oracle 14, archive 30 to 60, quarantine 30, evidence at most 90), which the {@code private_bucket} modules take
     * as {@code each.value.expire_days} over {@code local.buckets}.
     */
    public static List<Violation> bucketExpiry(TerraformStack s) {
        List<Violation> out = new ArrayList<>();
        for (Block lifecycle : s.resources("aws_s3_bucket_lifecycle_configuration"))
            for (JsonNode rule : lifecycle.blocksAndDynamic("rule"))
                for (JsonNode expiration : TerraformStack.list(rule.path("expiration"))) {
                    if (!expiration.has("days")) continue;
                    String problem = daysProblem(s, expiration.get("days"), 1, MAX_BUCKET_DAYS, false);
                    if (problem != null)
                        out.add(violation("P6", s.name() + ": " + lifecycle.address(), "expiration.days " + problem));
                }
        if (!s.name().equals("core")) return out;
        JsonNode buckets = s.local("buckets");
        if (buckets == null || !buckets.isObject()) {
            out.add(violation("P6", s.name(), "no local.buckets naming the planes' buckets"));
            return out;
        }
        BUCKET_EXPIRY.forEach((bucket, range) -> {
            JsonNode days = buckets.path(bucket).path("expire_days");
            String where = s.name() + ": local.buckets." + bucket;
            if (!days.isNumber()) out.add(violation("P6", where, "no expire_days"));
            else if (days.asInt() < range[0] || days.asInt() > range[1])
                out.add(violation(
                        "P6",
                        where,
                        "expire_days " + days.asInt() + ", need " + range[0]
                                + (range[0] == range[1] ? "" : " to " + range[1])));
        });
        for (Block m : s.modules()) {
            if (!PRIVATE_BUCKET_MODULE.matcher(m.get("source").asText("")).find()) continue;
            boolean overBuckets = m.get("for_each").asText("").matches("^\\$\\{\\s*local\\.buckets\\s*}$");
            boolean takesDays = m.get("expire_days").asText("").matches("^\\$\\{\\s*each\\.value\\.expire_days\\s*}$");
            if (!overBuckets || !takesDays)
                out.add(violation(
                        "P6",
                        s.name() + ": " + m.address(),
                        "expire_days is not each.value.expire_days for_each over local.buckets"));
        }
        return out;
    }

    private static final Pattern VARIABLE = Pattern.compile("^\\$\\{\\s*var\\.(\\w+)\\s*}$");

    /**
     * Why a number of days is not held to {@code lowest..highest}, or null when it is: a literal, a local, or a
     * variable whose validation bounds it so (and whose default, if it has one or {@code needDefault}, lies within).
     */
    private static String daysProblem(TerraformStack s, JsonNode days, int lowest, int highest, boolean needDefault) {
        Matcher variable = VARIABLE.matcher(days.asText(""));
        if (days.isTextual() && variable.matches()) {
            String name = variable.group(1);
            JsonNode v = s.variable(name);
            if (v == null) return "var." + name + " is not declared";
            Bounds bounds = s.bounds(name);
            if (bounds == null) return "var." + name + " has no validation bounding it to " + lowest + ".." + highest;
            if (!bounds.within(lowest, highest))
                return "var." + name + "'s validation allows " + bounds + ", need " + lowest + ".." + highest;
            JsonNode d = v.path("default");
            if (d.isMissingNode() || d.isNull()) return needDefault ? "var." + name + " has no default" : null;
            if (!d.isNumber() || d.asLong() < lowest || d.asLong() > highest)
                return "var." + name + " defaults to " + d + ", need " + lowest + ".." + highest;
            return null;
        }
        JsonNode value = s.resolve(days, null);
        long n = value == null ? Long.MIN_VALUE : value.isNumber() ? value.asLong() : parse(value.asText());
        if (n == Long.MIN_VALUE) return days + " cannot be read";
        return n < lowest || n > highest ? n + ", need " + lowest + ".." + highest : null;
    }

    private static long parse(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return Long.MIN_VALUE;
        }
    }

    // -----------------------------------------------------------------------------------------------------------------
    // Always-on network costs
    // -----------------------------------------------------------------------------------------------------------------

    /** P7 no-nat-gateway: no {@code aws_nat_gateway} in any stack (one costs about £30 a month alone). */
    public static List<Violation> noNatGateway(TerraformStack s) {
        return s.resources("aws_nat_gateway").stream()
                .map(b -> violation("P7", s.name() + ": " + b.address(), "a NAT gateway"))
                .toList();
    }

    /** The load balancer types P8 forbids, with their listeners and target groups. */
    static final List<String> LOAD_BALANCER_TYPES = List.of(
            "aws_lb",
            "aws_alb",
            "aws_elb",
            "aws_lb_listener",
            "aws_lb_target_group",
            "aws_alb_listener",
            "aws_alb_target_group");

    /** P8 no-load-balancer: no always-on load balancer, listener or target group in any stack. */
    public static List<Violation> noLoadBalancer(TerraformStack s) {
        List<Violation> out = new ArrayList<>();
        for (String type : LOAD_BALANCER_TYPES)
            for (Block b : s.resources(type))
                out.add(violation("P8", s.name() + ": " + b.address(), "an always-on load balancer"));
        return out;
    }

    // -----------------------------------------------------------------------------------------------------------------
    // Cost alerts
    // -----------------------------------------------------------------------------------------------------------------

    /**
     * P9 budget: core has an {@code aws_budgets_budget} with {@code budget_type = "COST"}, {@code time_unit =
     * "MONTHLY"}, every notification {@code ABSOLUTE_VALUE} and {@code GREATER_THAN}, and notifications at 10, 20 and
     * 28 {@code ACTUAL} and 28 {@code FORECASTED}.
     */
    public static List<Violation> budget(TerraformStack s) {
        List<Block> budgets = s.resources("aws_budgets_budget");
        if (budgets.isEmpty())
            return List.of(violation("P9", s.name(), "no aws_budgets_budget: the monthly cap has no alerts"));
        return oneHolds(budgets, b -> {
            String where = s.name() + ": " + b.address();
            List<Violation> out = new ArrayList<>();
            expect(s, b.body(), "budget_type", "COST").ifPresent(d -> out.add(violation("P9", where, d)));
            expect(s, b.body(), "time_unit", "MONTHLY").ifPresent(d -> out.add(violation("P9", where, d)));
            Set<String> alerts = new TreeSet<>();
            for (JsonNode n : b.blocksAndDynamic("notification")) {
                String alert = number(s, n.path("threshold")) + " " + text(s, n.path("notification_type"));
                alerts.add(alert);
                expect(s, n, "threshold_type", "ABSOLUTE_VALUE")
                        .ifPresent(d -> out.add(violation("P9", where, "notification " + alert + ": " + d)));
                expect(s, n, "comparison_operator", "GREATER_THAN")
                        .ifPresent(d -> out.add(violation("P9", where, "notification " + alert + ": " + d)));
            }
            if (!alerts.containsAll(BUDGET_ALERTS))
                out.add(violation("P9", where, "alerts " + alerts + ", need " + new TreeSet<>(BUDGET_ALERTS)));
            return out;
        });
    }

    /** A number as written (28, not 28.0), resolved; null when it cannot be read. */
    private static String number(TerraformStack s, JsonNode value) {
        JsonNode v = s.resolve(value, null);
        if (v == null) return null;
        if (v.isNumber()) return v.decimalValue().stripTrailingZeros().toPlainString();
        return v.isTextual() && v.asText().matches("\\d+(\\.\\d+)?")
                ? new BigDecimal(v.asText()).stripTrailingZeros().toPlainString()
                : null;
    }

    /**
     * P10 cost-anomaly-alerts: core has an {@code aws_ce_anomaly_monitor} ({@code DIMENSIONAL} over {@code SERVICE})
     * and an {@code aws_ce_anomaly_subscription} with a {@code threshold_expression} and an {@code EMAIL} subscriber (a
     * {@code dynamic "subscriber"} counts).
     */
    public static List<Violation> costAnomalyAlerts(TerraformStack s) {
        List<Violation> out = new ArrayList<>();
        List<Block> monitors = s.resources("aws_ce_anomaly_monitor");
        if (monitors.isEmpty()) out.add(violation("P10", s.name(), "no aws_ce_anomaly_monitor"));
        else
            out.addAll(oneHolds(monitors, m -> {
                List<Violation> v = new ArrayList<>();
                String where = s.name() + ": " + m.address();
                expect(s, m.body(), "monitor_type", "DIMENSIONAL").ifPresent(d -> v.add(violation("P10", where, d)));
                expect(s, m.body(), "monitor_dimension", "SERVICE").ifPresent(d -> v.add(violation("P10", where, d)));
                return v;
            }));
        List<Block> subscriptions = s.resources("aws_ce_anomaly_subscription");
        if (subscriptions.isEmpty()) out.add(violation("P10", s.name(), "no aws_ce_anomaly_subscription"));
        else
            out.addAll(oneHolds(subscriptions, b -> {
                List<Violation> v = new ArrayList<>();
                String where = s.name() + ": " + b.address();
                if (b.blocks("threshold_expression").isEmpty())
                    v.add(violation("P10", where, "no threshold_expression"));
                if (b.blocksAndDynamic("subscriber").stream().noneMatch(x -> "EMAIL".equals(text(s, x.path("type")))))
                    v.add(violation("P10", where, "no EMAIL subscriber"));
                return v;
            }));
        return out;
    }

    /** No violations when one of {@code blocks} has none, else every block's: a rule some resource must meet. */
    private static List<Violation> oneHolds(List<Block> blocks, Function<Block, List<Violation>> problems) {
        List<Violation> out = new ArrayList<>();
        for (Block b : blocks) {
            List<Violation> mine = problems.apply(b);
            if (mine.isEmpty()) return List.of();
            out.addAll(mine);
        }
        return out;
    }

    // -----------------------------------------------------------------------------------------------------------------
    // Logs and images
    // -----------------------------------------------------------------------------------------------------------------

    /** The longest a log group keeps its logs, in days (P11). */
    public static final int MAX_LOG_DAYS = 7;

    /**
     * P11 log-retention: every {@code aws_cloudwatch_log_group} keeps its logs 1 to {@value #MAX_LOG_DAYS} days (0 or
     * none keeps them forever): a literal, or a variable whose default is in range and whose validation allows nothing
     * outside it.
     */
    public static List<Violation> logRetention(TerraformStack s) {
        List<Violation> out = new ArrayList<>();
        for (Block b : s.resources("aws_cloudwatch_log_group")) {
            String where = s.name() + ": " + b.address();
            JsonNode days = b.get("retention_in_days");
            if (days.isMissingNode())
                out.add(violation("P11", where, "no retention_in_days: the logs are kept forever"));
            else {
                String problem = daysProblem(s, days, 1, MAX_LOG_DAYS, true);
                if (problem != null) out.add(violation("P11", where, "retention_in_days " + problem));
            }
        }
        return out;
    }

    private static final Pattern IMAGE =
            Pattern.compile("\"?image\"?\\s*[=:]\\s*(\"(?:[^\"\\\\]|\\\\.)*\"|[A-Za-z_][\\w.\\[\\]\"]*)");

    /** P12 image-by-digest: every container image of every {@code aws_ecs_task_definition} is pinned by digest. */
    public static List<Violation> imagesByDigest(TerraformStack s) {
        List<Violation> out = new ArrayList<>();
        for (Block b : s.resources("aws_ecs_task_definition")) {
            String where = s.name() + ": " + b.address();
            String defs = b.get("container_definitions").asText("");
            Matcher m = IMAGE.matcher(defs);
            int images = 0;
            while (m.find()) {
                images++;
                String image = m.group(1);
                Matcher local = Pattern.compile("^local\\.([A-Za-z0-9_]+)$").matcher(image);
                // a local, as written: the digest inside it may be a variable's, set per apply
                if (local.matches() && s.local(local.group(1)) != null)
                    image = s.local(local.group(1)).asText();
                if (!image.contains("@sha256:") && !image.matches("(?s).*@\\$\\{\\s*var\\.image_digest\\s*}.*"))
                    out.add(violation("P12", where, "image " + image + " is not pinned by digest"));
            }
            if (images == 0) out.add(violation("P12", where, "no container image found"));
        }
        return out;
    }

    /**
     * P12 image-by-digest: a stack with task definitions or a {@code var.image_digest} validates it to
     * {@code ^sha256:[a-f0-9]{64}$}, so that no tag can be deployed.
     */
    public static List<Violation> imageDigestValidated(TerraformStack s) {
        if (s.resources("aws_ecs_task_definition").isEmpty() && s.variable("image_digest") == null) return List.of();
        boolean validated = s.validations("image_digest").stream().anyMatch(c -> c.contains("^sha256:[a-f0-9]{64}$"));
        return validated
                ? List.of()
                : List.of(violation(
                        "P12",
                        s.name() + ": var.image_digest",
                        "no validation to ^sha256:[a-f0-9]{64}$: a tag could be deployed"));
    }

    // -----------------------------------------------------------------------------------------------------------------
    // Tags
    // -----------------------------------------------------------------------------------------------------------------

    private static final Pattern LOCAL_TAGS = Pattern.compile("^\\$\\{\\s*local\\.tags\\s*}$");
    private static final Pattern MERGED_LOCAL_TAGS =
            Pattern.compile("^\\$\\{\\s*merge\\(\\s*local\\.tags\\s*,.*\\)\\s*}$", Pattern.DOTALL);
    private static final Pattern MODULE_TAGS = Pattern.compile("^\\$\\{\\s*var\\.tags\\s*}$");

    /** The regex {@code var.expiry} is validated with, as Terraform reads it (P13). */
    static final String EXPIRY_REGEX = "^\\d{4}-\\d{2}-\\d{2}$";

    /**
     * P13 default-tags: every {@code provider "aws"} (a root stack has one) has {@code default_tags { tags =
     * local.tags }}, and each root stack's {@code local.tags} sets {@code project = "fraud-platform"}, {@code stack} to
     * the stack's name, {@code environment}, and {@code expiry}: {@code "none"} in bootstrap and core, {@code
     * var.expiry} in demo, validated to {@value #EXPIRY_REGEX}.
     */
    public static List<Violation> defaultTags(TerraformStack s) {
        List<Violation> out = new ArrayList<>();
        boolean root = ROOT_STACKS.contains(s.name());
        List<JsonNode> aws = s.providers("aws");
        if (root && aws.isEmpty()) out.add(violation("P13", s.name(), "no provider \"aws\" with default_tags"));
        for (JsonNode p : aws)
            if (TerraformStack.list(p.path("default_tags")).stream()
                    .noneMatch(
                            d -> LOCAL_TAGS.matcher(d.path("tags").asText("")).matches()))
                out.add(violation("P13", s.name() + ": provider.aws", "default_tags is not tags = local.tags"));
        if (!root) return out;
        JsonNode tags = s.local("tags");
        String where = s.name() + ": local.tags";
        if (tags == null || !tags.isObject()) {
            out.add(violation("P13", where, "not a literal map: " + tags));
            return out;
        }
        expect(s, tags, "project", "fraud-platform").ifPresent(d -> out.add(violation("P13", where, d)));
        expect(s, tags, "stack", s.name()).ifPresent(d -> out.add(violation("P13", where, d)));
        if (!tags.has("environment")) out.add(violation("P13", where, "no environment"));
        if (s.name().equals("demo")) {
            Matcher expiry = VARIABLE.matcher(tags.path("expiry").asText(""));
            if (!expiry.matches() || !expiry.group(1).equals("expiry"))
                out.add(violation("P13", where, "expiry is " + tags.path("expiry") + ", need var.expiry"));
            // an HCL string writes the regex's backslashes twice
            else if (s.validations("expiry").stream()
                    .noneMatch(c -> c.replace("\\\\", "\\").contains(EXPIRY_REGEX)))
                out.add(violation("P13", s.name() + ": var.expiry", "no validation to " + EXPIRY_REGEX));
        } else expect(s, tags, "expiry", "none").ifPresent(d -> out.add(violation("P13", where, d)));
        return out;
    }

    /**
     * P14 tags: every resource of a {@link #TAGGABLE} type sets {@code tags = local.tags} or {@code merge(local.tags,
     * ...)}; in a module ({@code modules/*}) {@code tags = var.tags}, whose validation requires the four
     * {@link #REQUIRED_TAGS}.
     */
    public static List<Violation> tagsEverywhere(TerraformStack s) {
        boolean module = s.name().startsWith("modules/");
        List<Violation> out = new ArrayList<>();
        for (Block b : s.resources()) {
            if (!TAGGABLE.contains(b.type())) continue;
            String tags = b.get("tags").isTextual() ? b.get("tags").asText() : null;
            boolean carried = tags != null
                    && (module
                            ? MODULE_TAGS.matcher(tags).matches()
                            : LOCAL_TAGS.matcher(tags).matches()
                                    || MERGED_LOCAL_TAGS.matcher(tags).matches());
            if (!carried)
                out.add(violation(
                        "P14",
                        s.name() + ": " + b.address(),
                        (b.get("tags").isMissingNode() ? "no tags" : "tags are " + b.get("tags")) + ", need "
                                + (module ? "var.tags" : "local.tags or merge(local.tags, ...)")));
        }
        if (module && s.resources().stream().anyMatch(b -> TAGGABLE.contains(b.type()))) {
            Set<String> required = new TreeSet<>(REQUIRED_TAGS);
            for (String condition : s.validations("tags")) required.removeIf(t -> condition.contains("\"" + t + "\""));
            if (!required.isEmpty())
                out.add(violation("P14", s.name() + ": var.tags", "validation does not require " + required));
        }
        return out;
    }

    // -----------------------------------------------------------------------------------------------------------------
    // IAM
    // -----------------------------------------------------------------------------------------------------------------

    /**
     * One IAM statement: where it is written, its actions and resources as far as they can be read (a null entry for a
     * part that cannot), and whether it uses {@code not_actions} ({@code NotAction}).
     */
    private record Statement(String where, List<String> actions, boolean notActions, List<String> resources) {}

    /** The attributes of each resource type that hold an IAM policy as JSON. */
    private static final Map<String, List<String>> POLICY_ATTRIBUTES = Map.of(
            "aws_iam_policy", List.of("policy"),
            "aws_iam_role_policy", List.of("policy"),
            "aws_iam_user_policy", List.of("policy"),
            "aws_iam_group_policy", List.of("policy"),
            "aws_iam_role", List.of("assume_role_policy"));

    private static final Pattern DOCUMENT_JSON =
            Pattern.compile("^\\$\\{\\s*data\\.aws_iam_policy_document\\.\\w+(\\[[^\\]]*])?\\.json\\s*}$");

    /**
     * Every IAM statement of the stack: each {@code statement} (and {@code dynamic "statement"} content) of an
     * {@code aws_iam_policy_document}, and each statement object of a policy written as JSON ({@code jsonencode} or a
     * string) in a resource; a policy that is neither such JSON nor a policy document's {@code .json} is one
     * statement that cannot be read.
     */
    private static List<Statement> statements(TerraformStack s) {
        List<Statement> out = new ArrayList<>();
        for (Block d : s.data("aws_iam_policy_document"))
            for (JsonNode st : d.blocksAndDynamic("statement"))
                out.add(new Statement(
                        s.name() + ": data." + d.address(),
                        strings(s, st.path("actions")),
                        st.has("not_actions"),
                        strings(s, st.path("resources"))));
        POLICY_ATTRIBUTES.forEach((type, attributes) -> {
            for (Block b : s.resources(type)) {
                List<JsonNode> policies = new ArrayList<>();
                attributes.forEach(a -> policies.add(b.get(a)));
                b.blocks("inline_policy").forEach(p -> policies.add(p.path("policy")));
                for (JsonNode policy : policies) {
                    if (policy.isMissingNode()
                            || DOCUMENT_JSON.matcher(policy.asText("")).matches()) continue;
                    String where = s.name() + ": " + b.address();
                    List<Statement> found = jsonStatements(s, where, policy.asText(""));
                    if (found.isEmpty())
                        found = List.of(new Statement(where, Collections.singletonList(null), false, List.of()));
                    out.addAll(found);
                }
            }
        });
        return out;
    }

    private static final Pattern STATEMENT_KEY =
            Pattern.compile("^\\s*\"?(Action|NotAction|Resource)\"?\\s*[=:]\\s*(.*)$", Pattern.DOTALL);

    /** The statement objects (those with an {@code Action} or {@code NotAction}) of a policy written as JSON. */
    private static List<Statement> jsonStatements(TerraformStack s, String where, String policy) {
        List<Statement> out = new ArrayList<>();
        for (Map<String, String> object : objects(policy, STATEMENT_KEY)) {
            if (!object.containsKey("Action") && !object.containsKey("NotAction")) continue;
            out.add(new Statement(
                    where,
                    object.containsKey("Action") ? strings(s, TextNode.valueOf(object.get("Action"))) : List.of(),
                    object.containsKey("NotAction"),
                    object.containsKey("Resource") ? strings(s, TextNode.valueOf(object.get("Resource"))) : List.of()));
        }
        return out;
    }

    /**
     * The entries of every object literal ({@code { k = v, ... }} or JSON {@code {"k": v}}) in an expression, each
     * object as its top-level keys that {@code key} matches (group 1) to their values as written (group 2).
     */
    private static List<Map<String, String>> objects(String text, Pattern key) {
        List<Map<String, String>> out = new ArrayList<>();
        for (int i = text.indexOf('{'); i >= 0; i = text.indexOf('{', i + 1)) {
            int end = TerraformStack.closing(text, i);
            if (end < 0) break;
            Map<String, String> entries = new LinkedHashMap<>();
            for (String line : TerraformStack.topLevel(text.substring(i + 1, end), '\n'))
                for (String entry : TerraformStack.topLevel(line, ',')) {
                    Matcher m = key.matcher(entry);
                    if (m.matches()) entries.put(m.group(1), m.group(2).trim());
                }
            out.add(entries);
        }
        return out;
    }

    private static final Pattern QUOTED = Pattern.compile("\"([^\"$]*)\"");

    /**
     * The strings a statement's actions or resources name: a literal list (each item resolved), a local or variable
     * default, or an expression (a {@code concat}, a conditional) whose every quoted string counts; a null entry for
     * an item or a reference that cannot be read. Empty when the attribute is absent.
     */
    private static List<String> strings(TerraformStack s, JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isMissingNode()) return out;
        JsonNode v = node.isTextual() ? s.resolve(node, null) : node;
        if (v != null && v.isArray()) {
            v.forEach(item -> {
                JsonNode r = s.resolve(item, null);
                out.add(r != null && r.isValueNode() ? r.asText() : null);
            });
            return out;
        }
        String text = node.asText("");
        Matcher q = QUOTED.matcher(text);
        while (q.find()) out.add(q.group(1));
        // a list from elsewhere could hold anything: unread, it fails
        if (Pattern.compile("\\b(local|var|data)\\.").matcher(text).find()) out.add(null);
        if (out.isEmpty()) out.add(null);
        return out;
    }

    private static final Pattern WILDCARD = Pattern.compile("^(\\*|[a-z0-9-]+:\\*)$");

    /**
     * P15 iam-no-wildcard-action: no IAM statement grants {@code *} or {@code service:*}, nor uses {@code not_actions}
     * ({@code NotAction}), but for {@link #ALLOWED_WILDCARD_ACTIONS}.
     */
    public static List<Violation> noWildcardActions(TerraformStack s) {
        List<Violation> out = new ArrayList<>();
        for (Statement st : statements(s)) {
            if (st.notActions()) out.add(violation("P15", st.where(), "not_actions"));
            for (String action : st.actions()) {
                if (action == null) out.add(violation("P15", st.where(), "actions that cannot be read"));
                else if (WILDCARD.matcher(action).matches() && !ALLOWED_WILDCARD_ACTIONS.contains(action))
                    out.add(violation("P15", st.where(), "grants " + action));
            }
        }
        return out;
    }

    /**
     * P16 iam-star-resource: a statement whose resources include {@code "*"} grants only
     * {@link #STAR_RESOURCE_ACTIONS}, the actions AWS offers no resource-level permission for. (A resource that is
     * another resource's attribute, an ARN, cannot be read here and cannot be {@code "*"}.)
     */
    public static List<Violation> starResourcesOnlyWithoutResourcePermissions(TerraformStack s) {
        List<Violation> out = new ArrayList<>();
        for (Statement st : statements(s)) {
            if (!st.resources().contains("*")) continue;
            for (String action : st.actions())
                if (action == null)
                    out.add(violation("P16", st.where(), "actions that cannot be read on resources \"*\""));
                else if (!STAR_RESOURCE_ACTIONS.contains(action))
                    out.add(violation("P16", st.where(), "grants " + action + " on resources \"*\""));
        }
        return out;
    }

    // -----------------------------------------------------------------------------------------------------------------
    // Demo against core
    // -----------------------------------------------------------------------------------------------------------------

    /** Whether a resource type is one core manages ({@link #CORE_RESOURCE_TYPES}). */
    public static boolean isCoreResourceType(String type) {
        return CORE_RESOURCE_TYPES.stream()
                .anyMatch(p -> p.endsWith("*") ? type.startsWith(p.substring(0, p.length() - 1)) : type.equals(p));
    }

    private static final Pattern CORE_SOURCE = Pattern.compile("(^|/)core/?$");

    /**
     * P17 demo-owns-nothing-of-core: demo manages no resource of a type core manages, reads core's state through
     * {@code data "terraform_remote_state" "core"} (key {@code core/terraform.tfstate}), and calls no module made of
     * core's configuration; so destroying demo leaves core whole.
     */
    public static List<Violation> demoOwnsNothingOfCore(TerraformStack s) {
        List<Violation> out = new ArrayList<>();
        for (Block b : s.resources())
            if (isCoreResourceType(b.type()))
                out.add(violation("P17", s.name() + ": " + b.address(), "a resource of a type core manages"));
        List<Block> core = s.data("terraform_remote_state").stream()
                .filter(b -> b.name().equals("core"))
                .toList();
        if (core.isEmpty()) out.add(violation("P17", s.name(), "no data.terraform_remote_state.core"));
        for (Block b : core)
            expect(s, b.get("config"), "key", STATE_KEYS.get("core"))
                    .ifPresent(d -> out.add(violation("P17", s.name() + ": data." + b.address(), d)));
        for (Block m : s.modules())
            if (CORE_SOURCE.matcher(m.get("source").asText("")).find())
                out.add(violation("P17", s.name() + ": " + m.address(), "calls core's configuration as a module"));
        return out;
    }

    // -----------------------------------------------------------------------------------------------------------------
    // Secrets, database, services, state
    // -----------------------------------------------------------------------------------------------------------------

    /** The value every SSM parameter holds in Terraform: the real one is set out of band (P18). */
    public static final String SECRET_PLACEHOLDER = "CHANGE_ME";

    private static final Pattern ENVIRONMENT_KEY =
            Pattern.compile("^\\s*\"?(name|value)\"?\\s*(?:=(?![=>])|:)\\s*(.*)$", Pattern.DOTALL);
    private static final Pattern LITERAL = Pattern.compile("^\"([^\"$]*)\"$");
    private static final Pattern LOCAL = Pattern.compile("\\blocal\\.(\\w+)");

    /**
     * P18 secrets-out-of-band: every {@code aws_ssm_parameter} is a {@code SecureString} whose {@code value} is
     * literally {@value #SECRET_PLACEHOLDER}, with {@code lifecycle { ignore_changes = [value] }}; and no environment
     * entry ({@code { name, value }}) a task definition's containers can get, in {@code container_definitions} or in
     * the locals it reads, has a name holding one of {@link #SECRET_WORDS}.
     */
    public static List<Violation> secretsOutOfBand(TerraformStack s) {
        List<Violation> out = new ArrayList<>();
        for (Block p : s.resources("aws_ssm_parameter")) {
            String where = s.name() + ": " + p.address();
            expect(s, p.body(), "type", "SecureString").ifPresent(d -> out.add(violation("P18", where, d)));
            if (!SECRET_PLACEHOLDER.equals(p.get("value").asText(null)))
                out.add(violation("P18", where, "value is not the placeholder " + SECRET_PLACEHOLDER));
            boolean ignored = p.blocks("lifecycle").stream()
                    .flatMap(l -> TerraformStack.list(l.path("ignore_changes")).stream())
                    .anyMatch(v -> TerraformStack.unwrap(v.asText("")).equals("value"));
            if (!ignored) out.add(violation("P18", where, "no lifecycle ignore_changes = [value]"));
        }
        for (Block t : s.resources("aws_ecs_task_definition")) {
            String where = s.name() + ": " + t.address();
            for (String text : readBy(s, t.get("container_definitions").asText("") + "\n" + t.get("for_each")))
                for (Map<String, String> entry : objects(text, ENVIRONMENT_KEY)) {
                    if (!entry.containsKey("name") || !entry.containsKey("value")) continue;
                    Matcher name = LITERAL.matcher(entry.get("name"));
                    if (!name.matches())
                        out.add(violation(
                                "P18", where, "an environment name that cannot be read: " + entry.get("name")));
                    else if (SECRET_WORDS.stream()
                            .anyMatch(w -> name.group(1).toUpperCase().contains(w)))
                        out.add(violation(
                                "P18",
                                where,
                                "environment " + name.group(1)
                                        + " looks like a secret: give it through secrets[].valueFrom"));
                }
        }
        return out;
    }

    /** {@code text} and the text of every local it reads, directly or through other locals. */
    private static List<String> readBy(TerraformStack s, String text) {
        List<String> out = new ArrayList<>(List.of(text));
        Set<String> seen = new TreeSet<>();
        for (int i = 0; i < out.size(); i++) {
            Matcher m = LOCAL.matcher(out.get(i));
            while (m.find()) {
                JsonNode local = s.local(m.group(1));
                if (local != null && seen.add(m.group(1)))
                    out.add(local.isTextual() ? local.asText() : local.toString());
            }
        }
        return out;
    }

    /** The instance class of every database (P19): the smallest. */
    public static final String DATABASE_CLASS = "db.t4g.micro";

    /**
     * P19 database-disposable: every {@code aws_db_instance} has {@code skip_final_snapshot = true}, {@code
     * deletion_protection = false}, {@code multi_az = false}, {@code publicly_accessible = false}, {@code
     * instance_class = "db.t4g.micro"} and {@code backup_retention_period} 0 or 1.
     */
    public static List<Violation> disposableDatabase(TerraformStack s) {
        List<Violation> out = new ArrayList<>();
        for (Block db : s.resources("aws_db_instance")) {
            String where = s.name() + ": " + db.address();
            Map<String, String> expected = new LinkedHashMap<>();
            expected.put("skip_final_snapshot", "true");
            expected.put("deletion_protection", "false");
            expected.put("multi_az", "false");
            expected.put("publicly_accessible", "false");
            expected.put("instance_class", DATABASE_CLASS);
            expected.forEach((attribute, value) ->
                    expect(s, db.body(), attribute, value).ifPresent(d -> out.add(violation("P19", where, d))));
            String backups = number(s, db.get("backup_retention_period"));
            if (!"0".equals(backups) && !"1".equals(backups))
                out.add(violation(
                        "P19",
                        where,
                        "backup_retention_period " + shown(backups, db.get("backup_retention_period"))
                                + ", need 0 or 1"));
        }
        return out;
    }

    private static final Pattern WHILE_RUNNING =
            Pattern.compile("^\\$\\{\\s*var\\.demo_running\\s*\\?.+:\\s*0\\s*}$", Pattern.DOTALL);

    /**
     * P20 ecs-idle-by-default: every {@code aws_ecs_cluster} has {@code setting { name = "containerInsights", value =
     * "disabled" }}; every {@code aws_ecs_service}'s {@code desired_count} is 0, or {@code var.demo_running ? n : 0}
     * with {@code var.demo_running} defaulting to false.
     */
    public static List<Violation> idleByDefault(TerraformStack s) {
        List<Violation> out = new ArrayList<>();
        for (Block c : s.resources("aws_ecs_cluster"))
            if (c.blocks("setting").stream()
                    .noneMatch(x -> "containerInsights".equals(text(s, x.path("name")))
                            && "disabled".equals(text(s, x.path("value")))))
                out.add(violation("P20", s.name() + ": " + c.address(), "no setting containerInsights = disabled"));
        for (Block svc : s.resources("aws_ecs_service")) {
            String where = s.name() + ": " + svc.address();
            JsonNode count = svc.get("desired_count");
            if (WHILE_RUNNING.matcher(count.asText("")).matches()) {
                JsonNode running = s.variable("demo_running");
                if (running == null
                        || !running.path("default").isBoolean()
                        || running.path("default").asBoolean())
                    out.add(violation(
                            "P20",
                            s.name() + ": var.demo_running",
                            "defaults to " + (running == null ? "nothing" : running.path("default")) + ", need false"));
            } else if (!"0".equals(number(s, count)))
                out.add(violation("P20", where, "desired_count " + count + ", need 0 unless var.demo_running"));
        }
        return out;
    }

    /**
     * P21 state-backend: core and demo keep their state in {@code backend "s3"} under {@link #STATE_KEYS} ({@code
     * core/terraform.tfstate}, {@code demo/terraform.tfstate}).
     */
    public static List<Violation> stateBackend(TerraformStack s) {
        String key = STATE_KEYS.get(s.name());
        if (key == null) return List.of();
        JsonNode backend = s.backend("s3");
        if (backend.isMissingNode()) return List.of(violation("P21", s.name(), "no backend \"s3\""));
        return expect(s, backend, "key", key)
                .map(d -> List.of(violation("P21", s.name() + ": backend.s3", d)))
                .orElse(List.of());
    }

    // -----------------------------------------------------------------------------------------------------------------
    // Reading values
    // -----------------------------------------------------------------------------------------------------------------

    /** A value resolved to its text (a variable to its default), or null when it cannot be read. */
    private static String text(TerraformStack s, JsonNode value) {
        JsonNode v = s.resolve(value, null);
        return v == null || !v.isValueNode() || v.isNull() ? null : v.asText();
    }

    /** What is wrong when {@code body.attribute} does not resolve to {@code expected}, or nothing when it does. */
    private static Optional<String> expect(TerraformStack s, JsonNode body, String attribute, String expected) {
        JsonNode written = body == null ? MissingNode.getInstance() : body.path(attribute);
        if (written.isMissingNode()) return Optional.of("no " + attribute + ", need " + expected);
        String value = text(s, written);
        return expected.equals(value)
                ? Optional.empty()
                : Optional.of(attribute + " is " + shown(value, written) + ", need " + expected);
    }

    /** A value for a message: as resolved, or as written when it cannot be. */
    private static String shown(String resolved, JsonNode written) {
        return resolved != null ? resolved : written.isMissingNode() ? "absent" : written.toString();
    }

    // -----------------------------------------------------------------------------------------------------------------
    // S3 grants against the code
    // -----------------------------------------------------------------------------------------------------------------

    /**
     * One thing a role's code does in the object store under {@code dev_min}: {@code write} (create, which also reads:
     * a refused create is checked by reading) or read, under {@code prefix} of {@code bucket}, and which code does it.
     */
    public record S3Need(String role, boolean write, String bucket, String prefix, String why) {
        @Override
        public String toString() {
            return (write ? "write" : "read") + " on " + bucket + " " + prefix + " (" + why + ")";
        }
    }

    private static List<S3Need> bundlesReadBy(String... roles) {
        return java.util.Arrays.stream(roles)
                .map(r -> new S3Need(r, false, "evidence", "bundles/", "the run follower loads a run's pinned bundle"))
                .toList();
    }

    /**
     * What each role process and the orchestrator's commands do in the object store (an audit of the code paths;
     * POLICIES.md P22 names the code). Key roots route to buckets as {@code RoutedObjectStore} routes them: oracle/ to
     * oracle; archive/, ofs/, learning/ to archive; quarantine/ to quarantine; the rest to evidence.
     */
    public static final List<S3Need> S3_NEEDS = java.util.stream.Stream.of(
                    bundlesReadBy("ig", "df", "al", "dla", "archive", "cm", "ls"),
                    List.of(
                            new S3Need("ig", true, "quarantine", "quarantine/", "the gate keeps quarantined payloads"),
                            new S3Need("dla", true, "evidence", "audit/", "audit segments"),
                            new S3Need("archive", true, "archive", "archive/", "archive segments"),
                            new S3Need("orchestrator", true, "oracle", "oracle/", "fp world push, fp drill's world"),
                            new S3Need("orchestrator", true, "archive", "archive/", "fp run seals the run's archive"),
                            new S3Need("orchestrator", true, "archive", "ofs/", "fp learn ofs"),
                            new S3Need("orchestrator", true, "archive", "learning/", "fp learn: datasets, models"),
                            new S3Need(
                                    "orchestrator", true, "evidence", "evidence/", "reports, replay, drills, export"),
                            new S3Need("orchestrator", true, "evidence", "audit/", "fp run seals the audit manifest"),
                            new S3Need("orchestrator", true, "evidence", "bundles/", "fp learn registers a bundle")))
            .flatMap(List::stream)
            .toList();

    /**
     * P22: core's {@code local.s3_grants} grants each role exactly what {@link #S3_NEEDS} says its code does: every
     * need granted (with write where it writes), and no grant that no need explains; the task policy lists every
     * granted bucket with an {@code s3:ListBucket} free of any condition (S3 answers a missing key with 404 only to a
     * caller allowed to list the bucket, 403 otherwise, and a prefix condition cannot match a HEAD); and
     * {@code s3:DeleteObject} is granted only on {@code _probe/} (fp doctor), never where evidence lives.
     */
    public static List<Violation> s3GrantsFitTheCode(TerraformStack s) {
        List<Violation> out = new ArrayList<>();
        JsonNode grants = s.local("s3_grants");
        if (grants == null || !grants.isObject()) {
            out.add(violation("P22", s.name(), "no local.s3_grants (role to bucket prefixes) to hold to the code"));
            return out;
        }
        for (S3Need need : S3_NEEDS) {
            boolean granted = false;
            for (JsonNode g : grants.path(need.role()))
                if (g.path("bucket").asText().equals(need.bucket())
                        && contains(g.path("prefixes"), need.prefix())
                        && (!need.write() || g.path("write").asBoolean(false))) granted = true;
            if (!granted)
                out.add(violation("P22", s.name() + ": local.s3_grants." + need.role(), "no grant for " + need));
        }
        grants.fields().forEachRemaining(role -> {
            for (JsonNode g : role.getValue())
                for (JsonNode prefix : g.path("prefixes")) {
                    boolean write = g.path("write").asBoolean(false);
                    boolean needed = S3_NEEDS.stream()
                            .anyMatch(n -> n.role().equals(role.getKey())
                                    && n.bucket().equals(g.path("bucket").asText())
                                    && n.prefix().equals(prefix.asText())
                                    && (n.write() || !write));
                    if (!needed)
                        out.add(violation(
                                "P22",
                                s.name() + ": local.s3_grants." + role.getKey(),
                                (write ? "write" : "read") + " on "
                                        + g.path("bucket").asText() + " " + prefix.asText()
                                        + " that no code of the role needs"));
                }
        });
        List<JsonNode> statements = new ArrayList<>();
        for (Block doc : s.data("aws_iam_policy_document"))
            for (JsonNode st : doc.blocksAndDynamic("statement")) statements.add(st);
        boolean listsFreely = false;
        for (JsonNode st : statements) {
            List<String> actions = new ArrayList<>();
            st.path("actions").forEach(a -> actions.add(a.asText()));
            if (actions.contains("s3:ListBucket")) {
                if (st.has("condition"))
                    out.add(violation(
                            "P22",
                            s.name() + ": statement " + st.path("sid").asText("(no sid)"),
                            "s3:ListBucket under a condition: S3 then answers a missing key with 403, not 404"));
                else listsFreely = true;
            }
            if (actions.contains("s3:DeleteObject")) {
                // each resource (a list's elements, or one expression) holds _probe/* and no other wildcard
                List<String> resources = new ArrayList<>();
                if (st.path("resources").isArray()) st.path("resources").forEach(r -> resources.add(r.asText()));
                else resources.add(st.path("resources").asText());
                if (resources.stream()
                        .anyMatch(r -> !r.contains("/_probe/*")
                                || r.chars().filter(c -> c == '*').count() != r.split("/_probe/\\*", -1).length - 1))
                    out.add(violation(
                            "P22",
                            s.name() + ": statement " + st.path("sid").asText("(no sid)"),
                            "s3:DeleteObject beyond _probe/: evidence is append-only"));
            }
        }
        if (!listsFreely)
            out.add(violation("P22", s.name(), "no statement grants s3:ListBucket on the buckets the roles read"));
        return out;
    }

    private static boolean contains(JsonNode array, String value) {
        for (JsonNode v : array) if (v.asText().equals(value)) return true;
        return false;
    }
}
