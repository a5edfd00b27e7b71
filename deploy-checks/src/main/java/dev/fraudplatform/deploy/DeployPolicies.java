package dev.fraudplatform.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fraudplatform.deploy.TerraformStack.Block;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The written policies of the AWS deployment ({@code deploy/terraform/POLICIES.md}), each a function of the parsed
 * stacks that returns its violations, each naming the resource (or the stack) and what is wrong. A policy that meets
 * an expression it cannot evaluate reports it as a violation: nothing passes on a guess.
 */
public final class DeployPolicies {
    /** One breach of one policy. */
    public record Violation(String policy, String where, String detail) {
        @Override
        public String toString() {
            return policy + ": " + where + ": " + detail;
        }
    }

    /** The tags every taggable resource carries. */
    public static final Set<String> REQUIRED_TAGS = Set.of("project", "stack", "environment", "expiry");

    /**
     * IAM actions allowed to end in a wildcard, each with why: none. An action list is written out in full, so that a
     * role's grant can be read from the Terraform.
     */
    public static final Set<String> ALLOWED_WILDCARD_ACTIONS = Set.of();

    /** The budget's alert thresholds, in the budget's currency. */
    public static final Set<Integer> BUDGET_THRESHOLDS = Set.of(10, 20, 28);

    /** Resource types that take tags (those the stacks use, and those a change might add). */
    static final Set<String> TAGGABLE = Set.of(
            "aws_s3_bucket",
            "aws_dynamodb_table",
            "aws_ecr_repository",
            "aws_cloudwatch_log_group",
            "aws_iam_role",
            "aws_iam_policy",
            "aws_ssm_parameter",
            "aws_budgets_budget",
            "aws_ce_anomaly_monitor",
            "aws_ce_anomaly_subscription",
            "aws_ecs_cluster",
            "aws_ecs_task_definition",
            "aws_ecs_service",
            "aws_db_instance",
            "aws_db_subnet_group",
            "aws_elasticache_cluster",
            "aws_elasticache_serverless_cache",
            "aws_elasticache_subnet_group",
            "aws_msk_serverless_cluster",
            "aws_security_group",
            "aws_vpc",
            "aws_subnet",
            "aws_internet_gateway",
            "aws_route_table",
            "aws_vpc_endpoint",
            "aws_sfn_state_machine",
            "aws_service_discovery_private_dns_namespace",
            "aws_service_discovery_service",
            "aws_nat_gateway",
            "aws_lb",
            "aws_eip");

    private DeployPolicies() {}

    /** Every policy over every stack. */
    public static List<Violation> check(List<TerraformStack> stacks) {
        List<Violation> out = new ArrayList<>();
        for (TerraformStack s : stacks) {
            out.addAll(bucketsAreGuarded(s));
            out.addAll(noNatGateway(s));
            out.addAll(noLoadBalancer(s));
            out.addAll(logRetention(s));
            out.addAll(imagesByDigest(s));
            out.addAll(tagsEverywhere(s));
            out.addAll(noWildcardActions(s));
            if (s.name().equals("core")) {
                out.addAll(budget(s));
                out.addAll(bucketExpiry(s));
            }
            if (s.name().equals("demo")) out.addAll(imageDigestValidated(s));
        }
        return out;
    }

    /**
     * bucket-guarded: every {@code aws_s3_bucket} has versioning Enabled, server-side encryption, a public-access block
     * with all four flags true, and a lifecycle configuration with at least one rule that expires objects.
     */
    public static List<Violation> bucketsAreGuarded(TerraformStack s) {
        List<Violation> out = new ArrayList<>();
        for (Block bucket : s.resources("aws_s3_bucket")) {
            String where = s.name() + ": " + bucket.address();
            Block versioning = guard(s, "aws_s3_bucket_versioning", bucket);
            if (versioning == null) out.add(new Violation("bucket-guarded", where, "no aws_s3_bucket_versioning"));
            else if (versioning.blocks("versioning_configuration").stream()
                    .noneMatch(v -> "Enabled".equals(v.path("status").asText())))
                out.add(new Violation("bucket-guarded", where, "versioning is not Enabled"));
            if (guard(s, "aws_s3_bucket_server_side_encryption_configuration", bucket) == null)
                out.add(new Violation("bucket-guarded", where, "no server-side encryption configuration"));
            Block block = guard(s, "aws_s3_bucket_public_access_block", bucket);
            if (block == null) out.add(new Violation("bucket-guarded", where, "no public-access block"));
            else
                for (String flag : List.of(
                        "block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")) {
                    JsonNode v = s.resolve(block.get(flag), null);
                    if (v == null || !v.asBoolean(false))
                        out.add(new Violation(
                                "bucket-guarded", where, "public-access block has " + flag + " not true"));
                }
            Block lifecycle = guard(s, "aws_s3_bucket_lifecycle_configuration", bucket);
            if (lifecycle == null) out.add(new Violation("bucket-guarded", where, "no lifecycle configuration"));
            else if (lifecycle.blocks("rule").stream().noneMatch(r -> expires(s, r)))
                out.add(new Violation("bucket-guarded", where, "no lifecycle rule expires objects"));
        }
        return out;
    }

    /** The stack of the Terraform state bucket, whose current objects must never expire. */
    static final String STATE_STACK = "bootstrap";

    /**
     * Whether a lifecycle rule expires objects: current ones after some days, or, for the Terraform state bucket (whose
     * current state must stay), its old versions.
     */
    private static boolean expires(TerraformStack s, JsonNode rule) {
        if (TerraformStack.list(rule.path("expiration")).stream().anyMatch(e -> e.has("days"))) return true;
        return s.name().equals(STATE_STACK)
                && TerraformStack.list(rule.path("noncurrent_version_expiration")).stream()
                        .anyMatch(e -> e.has("noncurrent_days"));
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

    /** Each plane's bucket and how long its objects may live, in days (inclusive bounds). */
    public static final java.util.Map<String, int[]> BUCKET_EXPIRY = java.util.Map.of(
            "oracle", new int[] {14, 14},
            "archive", new int[] {30, 60},
            "quarantine", new int[] {30, 30},
            "evidence", new int[] {1, 90});

    /**
     * bucket-expiry: core's {@code local.buckets} names the four planes' buckets, each with {@code expire_days} in its
     * range: oracle 14, archive 30 to 60, quarantine 30, evidence at most 90.
     */
    public static List<Violation> bucketExpiry(TerraformStack s) {
        JsonNode buckets = s.local("buckets");
        if (buckets == null || !buckets.isObject())
            return List.of(new Violation("bucket-expiry", s.name(), "no local.buckets naming the planes' buckets"));
        List<Violation> out = new ArrayList<>();
        BUCKET_EXPIRY.forEach((bucket, range) -> {
            JsonNode days = buckets.path(bucket).path("expire_days");
            String where = s.name() + ": local.buckets." + bucket;
            if (!days.isNumber()) out.add(new Violation("bucket-expiry", where, "no expire_days"));
            else if (days.asInt() < range[0] || days.asInt() > range[1])
                out.add(new Violation(
                        "bucket-expiry",
                        where,
                        "expire_days " + days.asInt() + ", need " + range[0]
                                + (range[0] == range[1] ? "" : " to " + range[1])));
        });
        return out;
    }

    /** image-digest-validated: demo's {@code var.image_digest} refuses anything but {@code sha256:} and 64 hex digits. */
    public static List<Violation> imageDigestValidated(TerraformStack s) {
        JsonNode v = s.variable("image_digest");
        boolean validated = v != null
                && TerraformStack.list(v.path("validation")).stream()
                        .anyMatch(r -> r.path("condition").asText("").contains("^sha256:[a-f0-9]{64}$"));
        return validated
                ? List.of()
                : List.of(new Violation(
                        "image-digest-validated",
                        s.name() + ": var.image_digest",
                        "no validation to ^sha256:[a-f0-9]{64}$: a tag could be deployed"));
    }

    /** no-nat-gateway: no {@code aws_nat_gateway} in any stack (one costs about £30 a month alone). */
    public static List<Violation> noNatGateway(TerraformStack s) {
        return s.resources("aws_nat_gateway").stream()
                .map(b -> new Violation("no-nat-gateway", s.name() + ": " + b.address(), "a NAT gateway"))
                .toList();
    }

    /** no-load-balancer: no always-on load balancer ({@code aws_lb}, {@code aws_alb}, {@code aws_elb}). */
    public static List<Violation> noLoadBalancer(TerraformStack s) {
        List<Violation> out = new ArrayList<>();
        for (String type : List.of("aws_lb", "aws_alb", "aws_elb"))
            for (Block b : s.resources(type))
                out.add(new Violation("no-load-balancer", s.name() + ": " + b.address(), "an always-on load balancer"));
        return out;
    }

    /** budget: core has an {@code aws_budgets_budget} with notifications at 10, 20 and 28. */
    public static List<Violation> budget(TerraformStack s) {
        List<Block> budgets = s.resources("aws_budgets_budget");
        if (budgets.isEmpty())
            return List.of(new Violation("budget", s.name(), "no aws_budgets_budget: the monthly cap has no alerts"));
        Set<Integer> seen = new TreeSet<>();
        for (Block b : budgets)
            for (JsonNode n : b.blocks("notification")) {
                JsonNode t = s.resolve(n.path("threshold"), null);
                if (t != null && t.isNumber()) seen.add(t.asInt());
                else if (t != null && t.isTextual() && t.asText().matches("\\d+"))
                    seen.add(Integer.parseInt(t.asText()));
            }
        if (seen.containsAll(BUDGET_THRESHOLDS)) return List.of();
        return List.of(new Violation(
                "budget",
                s.name() + ": " + budgets.get(0).address(),
                "alert thresholds " + seen + ", need " + new TreeSet<>(BUDGET_THRESHOLDS)));
    }

    /** log-retention: every {@code aws_cloudwatch_log_group} keeps its logs 1 to 7 days. */
    public static List<Violation> logRetention(TerraformStack s) {
        List<Violation> out = new ArrayList<>();
        for (Block b : s.resources("aws_cloudwatch_log_group")) {
            JsonNode days = s.resolve(b.get("retention_in_days"), null);
            int d = days == null ? -1 : days.isNumber() ? days.asInt() : parse(days.asText());
            if (d < 1 || d > 7)
                out.add(new Violation(
                        "log-retention",
                        s.name() + ": " + b.address(),
                        "retention_in_days " + (days == null ? b.get("retention_in_days") : days) + ", need 1 to 7"));
        }
        return out;
    }

    private static int parse(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static final Pattern IMAGE =
            Pattern.compile("\"?image\"?\\s*[=:]\\s*(\"(?:[^\"\\\\]|\\\\.)*\"|[A-Za-z_][\\w.\\[\\]\"]*)");

    /** image-by-digest: every container image of every {@code aws_ecs_task_definition} is pinned by digest. */
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
                    out.add(new Violation("image-by-digest", where, "image " + image + " is not pinned by digest"));
            }
            if (images == 0) out.add(new Violation("image-by-digest", where, "no container image found"));
        }
        return out;
    }

    /**
     * tags: every taggable resource carries project, stack, environment and expiry: through the AWS provider's
     * {@code default_tags}, or its own {@code tags} (a map, a local, {@code merge} of a local and a map, or in a module
     * a variable whose validation refuses a map without them).
     */
    public static List<Violation> tagsEverywhere(TerraformStack s) {
        // default_tags is one block; hcl2json writes it as a list of one
        Set<String> defaults = TerraformStack.list(s.provider("aws").path("default_tags")).stream()
                .map(d -> tagKeys(s, d.path("tags")))
                .filter(java.util.Objects::nonNull)
                .findFirst()
                .orElse(null);
        if (defaults != null && defaults.containsAll(REQUIRED_TAGS)) return List.of();
        List<Violation> out = new ArrayList<>();
        for (Block b : s.resources()) {
            if (!TAGGABLE.contains(b.type())) continue;
            Set<String> keys = tagKeys(s, b.get("tags"));
            if (keys == null || !keys.containsAll(REQUIRED_TAGS)) {
                Set<String> missing = new TreeSet<>(REQUIRED_TAGS);
                if (keys != null) missing.removeAll(keys);
                out.add(new Violation("tags", s.name() + ": " + b.address(), "lacks tags " + missing));
            }
        }
        return out;
    }

    private static final Pattern MERGE = Pattern.compile("^\\$\\{\\s*merge\\((.*)\\)\\s*}$", Pattern.DOTALL);

    /** The tag keys an expression sets, or null when it cannot be read. */
    private static Set<String> tagKeys(TerraformStack s, JsonNode tags) {
        if (tags == null || tags.isMissingNode()) return null;
        if (tags.isObject()) return new TreeSet<>(TerraformStack.fieldNames(tags));
        String text = tags.asText("").trim();
        Matcher merge = MERGE.matcher(text);
        if (merge.matches()) {
            Set<String> keys = new TreeSet<>();
            Matcher local = Pattern.compile("local\\.([A-Za-z0-9_]+)").matcher(merge.group(1));
            while (local.find()) {
                Set<String> k = tagKeys(s, s.local(local.group(1)));
                if (k != null) keys.addAll(k);
            }
            Matcher literal = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)\\s*=").matcher(merge.group(1));
            while (literal.find()) keys.add(literal.group(1));
            return keys;
        }
        Matcher variable =
                Pattern.compile("^\\$\\{\\s*var\\.([A-Za-z0-9_]+)\\s*}$").matcher(text);
        if (variable.matches() && s.variable(variable.group(1)) != null) {
            // a module's tags come from its caller: they are carried when the variable refuses a map without them
            Set<String> keys = new TreeSet<>();
            for (JsonNode rule :
                    TerraformStack.list(s.variable(variable.group(1)).path("validation"))) {
                String condition = rule.path("condition").asText("");
                for (String tag : REQUIRED_TAGS) if (condition.contains("\"" + tag + "\"")) keys.add(tag);
            }
            return keys;
        }
        JsonNode v = s.resolve(tags, null);
        return v != null && v.isObject() ? new TreeSet<>(TerraformStack.fieldNames(v)) : null;
    }

    private static final Pattern WILDCARD = Pattern.compile("^(\\*|[a-z0-9-]+:\\*)$");
    private static final Pattern INLINE_WILDCARD =
            Pattern.compile("\"?Action\"?\\s*[=:]\\s*\\[?[^\\]]*?\"(\\*|[a-z0-9-]+:\\*)\"");

    private static final Pattern QUOTED = Pattern.compile("\"([^\"$]*)\"");

    /**
     * The actions a statement lists: a literal list, a local or variable default, or an expression (a {@code concat},
     * a conditional) whose every quoted string is an action; a null entry when it names anything else it cannot read.
     */
    private static List<String> actions(TerraformStack s, JsonNode actions) {
        List<String> out = new ArrayList<>();
        if (actions.isMissingNode()) return out; // a statement of not_actions, named as such
        JsonNode v = actions.isTextual() ? s.resolve(actions, null) : actions;
        if (v != null && v.isArray()) {
            v.forEach(a -> out.add(a.asText()));
            return out;
        }
        String text = actions.asText("");
        Matcher q = QUOTED.matcher(text);
        while (q.find()) out.add(q.group(1));
        // a list from elsewhere could hold anything: unread, it fails
        if (Pattern.compile("\\b(local|var|data)\\.").matcher(text).find()) out.add(null);
        if (out.isEmpty()) out.add(null);
        return out;
    }

    /**
     * iam-no-wildcard-action: no IAM statement grants {@code *} or {@code service:*} (nor uses {@code not_actions}),
     * but for {@link #ALLOWED_WILDCARD_ACTIONS}.
     */
    public static List<Violation> noWildcardActions(TerraformStack s) {
        List<Violation> out = new ArrayList<>();
        for (Block d : s.data("aws_iam_policy_document"))
            for (JsonNode st : d.blocks("statement")) {
                String where = s.name() + ": data." + d.address();
                if (st.has("not_actions")) out.add(new Violation("iam-no-wildcard-action", where, "not_actions"));
                for (String action : actions(s, st.path("actions"))) {
                    if (action == null)
                        out.add(new Violation(
                                "iam-no-wildcard-action", where, "actions that cannot be read: " + st.path("actions")));
                    else if (WILDCARD.matcher(action).matches() && !ALLOWED_WILDCARD_ACTIONS.contains(action))
                        out.add(new Violation("iam-no-wildcard-action", where, "grants " + action));
                }
            }
        for (String type : List.of("aws_iam_policy", "aws_iam_role_policy")) {
            for (Block b : s.resources(type)) {
                Matcher m = INLINE_WILDCARD.matcher(b.get("policy").asText(""));
                while (m.find())
                    if (!ALLOWED_WILDCARD_ACTIONS.contains(m.group(1)))
                        out.add(new Violation(
                                "iam-no-wildcard-action", s.name() + ": " + b.address(), "grants " + m.group(1)));
            }
        }
        return out;
    }
}
