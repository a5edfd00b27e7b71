# IAM for the ECS tasks: one task role per platform role plus the orchestrator, and one task execution role.
# Least privilege: every action is named, every S3 grant is on one bucket's prefixes, and "*" as a resource appears
# only where the service has no resource-level permissions (ecr:GetAuthorizationToken, ssmmessages:*Channel actions of
# ECS Exec, named one by one).

locals {
  bucket_arns = { for k, b in module.bucket : k => b.arn }

  # Who may touch which objects, from what each role's code does in dev_min (deploy/terraform/POLICIES.md, P22).
  # write = Get + Put + AbortMultipartUpload; otherwise Get only. Every role process follows runs and loads the bundle a
  # run pins (bundles/, a registered bundle's files) to check it against the pin before serving.
  s3_grants = {
    ig      = [{ bucket = "quarantine", prefixes = ["quarantine/"], write = true }, { bucket = "evidence", prefixes = ["bundles/"], write = false }]
    df      = [{ bucket = "evidence", prefixes = ["bundles/"], write = false }]
    al      = [{ bucket = "evidence", prefixes = ["bundles/"], write = false }]
    dla     = [{ bucket = "evidence", prefixes = ["audit/"], write = true }, { bucket = "evidence", prefixes = ["bundles/"], write = false }]
    archive = [{ bucket = "archive", prefixes = ["archive/"], write = true }, { bucket = "evidence", prefixes = ["bundles/"], write = false }]
    cm      = [{ bucket = "evidence", prefixes = ["bundles/"], write = false }]
    ls      = [{ bucket = "evidence", prefixes = ["bundles/"], write = false }]
    orchestrator = [
      # fp world push / fp run / fp drill: sealed worlds
      { bucket = "oracle", prefixes = ["oracle/"], write = true },
      # fp learn: reads the archive, writes OFS, datasets and models beside it; fp run seals the run's archive
      { bucket = "archive", prefixes = ["archive/", "ofs/", "learning/"], write = true },
      # fp run, replay, drill, evidence export: evidence; the run's audit manifest (audit/<run>/decisions/manifest.json,
      # written when the run's report is assembled); fp learn register: bundles
      { bucket = "evidence", prefixes = ["evidence/", "audit/", "bundles/"], write = true },
    ]
  }

  # fp doctor (the orchestrator's GateCheck) proves each bucket takes new objects and refuses an overwrite: it writes,
  # writes again, and deletes one object under _probe/ in every bucket. The only delete any role is granted.
  probe_buckets = ["oracle", "archive", "quarantine", "evidence"]

  # Roles the operator reaches through ECS Exec port forwarding (the gate, the investigator console).
  exec_roles = ["ig", "cm"]

  # MSK Serverless IAM auth, scoped to the demo's cluster by name (the cluster's UUID is not known before it exists).
  kafka_arn_prefix = "arn:${local.partition}:kafka:${var.region}:${local.account_id}"
  kafka_cluster    = "${local.kafka_arn_prefix}:cluster/${local.msk_cluster_name}/*"
  kafka_topics     = "${local.kafka_arn_prefix}:topic/${local.msk_cluster_name}/*/*"
  kafka_groups     = "${local.kafka_arn_prefix}:group/${local.msk_cluster_name}/*/*"
  kafka_txn_ids    = "${local.kafka_arn_prefix}:transactional-id/${local.msk_cluster_name}/*/*"
  # Kafka Streams (df) creates its own internal topics, all named after its application id fp-df.
  kafka_df_internal_topics = "${local.kafka_arn_prefix}:topic/${local.msk_cluster_name}/*/fp-df-*"
}

data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    sid     = "EcsTasksAssume"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

# ---------------------------------------------------------------------------------------------------------------------
# Task roles
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_iam_role" "task" {
  for_each = toset(local.task_roles)

  name               = "${local.name}-task-${each.key}"
  description        = "fraud-platform ${each.key} task role"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
  tags               = local.tags
}

data "aws_iam_policy_document" "task" {
  for_each = toset(local.task_roles)

  # --- S3: list the buckets the role touches ---
  # Not narrowed by an s3:prefix condition: S3 answers a HEAD or GET of a missing key with 404 only to a caller that
  # holds s3:ListBucket on the bucket (403 otherwise, which the store cannot tell from a denial), and HeadBucket, which
  # tells a missing bucket from a missing key, needs it too; neither request carries a prefix for a condition to match.
  # Object names are listable; object contents stay limited to the prefixes below.
  dynamic "statement" {
    for_each = toset([for g in local.s3_grants[each.key] : g.bucket])

    content {
      sid       = "List${title(statement.value)}"
      effect    = "Allow"
      actions   = ["s3:ListBucket"]
      resources = [local.bucket_arns[statement.value]]
    }
  }

  # --- S3: read objects under the granted prefixes ---
  dynamic "statement" {
    for_each = local.s3_grants[each.key]

    content {
      sid       = "Read${title(statement.value.bucket)}${statement.key}"
      effect    = "Allow"
      actions   = ["s3:GetObject"]
      resources = [for p in statement.value.prefixes : "${local.bucket_arns[statement.value.bucket]}/${p}*"]
    }
  }

  # --- S3: create objects under the granted prefixes (the platform never overwrites: If-None-Match: *) ---
  dynamic "statement" {
    for_each = [for g in local.s3_grants[each.key] : g if g.write]

    content {
      sid       = "Write${title(statement.value.bucket)}${statement.key}"
      effect    = "Allow"
      actions   = ["s3:PutObject", "s3:AbortMultipartUpload"]
      resources = [for p in statement.value.prefixes : "${local.bucket_arns[statement.value.bucket]}/${p}*"]
    }
  }

  # --- S3: fp doctor's write probe (orchestrator only) ---
  dynamic "statement" {
    for_each = each.key == "orchestrator" ? ["probe"] : []

    content {
      sid       = "DoctorProbe"
      effect    = "Allow"
      actions   = ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"]
      resources = [for b in local.probe_buckets : "${local.bucket_arns[b]}/_probe/*"]
    }
  }

  # --- MSK Serverless IAM auth (unused, and harmless, with Confluent Cloud) ---
  statement {
    sid    = "KafkaCluster"
    effect = "Allow"
    actions = [
      "kafka-cluster:Connect",
    ]
    resources = [local.kafka_cluster]
  }

  statement {
    sid    = "KafkaTopics"
    effect = "Allow"
    actions = concat(
      ["kafka-cluster:DescribeTopic", "kafka-cluster:ReadData", "kafka-cluster:WriteData"],
      each.key == "orchestrator" ? ["kafka-cluster:CreateTopic"] : [],
    )
    resources = [local.kafka_topics]
  }

  dynamic "statement" {
    for_each = each.key == "df" ? [local.kafka_df_internal_topics] : []

    content {
      sid       = "KafkaStreamsInternalTopics"
      effect    = "Allow"
      actions   = ["kafka-cluster:CreateTopic"]
      resources = [statement.value]
    }
  }

  statement {
    sid       = "KafkaGroups"
    effect    = "Allow"
    actions   = ["kafka-cluster:AlterGroup", "kafka-cluster:DescribeGroup"]
    resources = [local.kafka_groups]
  }

  statement {
    sid       = "KafkaTransactionalIds"
    effect    = "Allow"
    actions   = ["kafka-cluster:AlterTransactionalId", "kafka-cluster:DescribeTransactionalId"]
    resources = [local.kafka_txn_ids]
  }

  # --- ECS Exec (SSM port forwarding to the gate and the console). ssmmessages has no resource-level permissions. ---
  dynamic "statement" {
    for_each = contains(local.exec_roles, each.key) ? [1] : []

    content {
      sid    = "EcsExec"
      effect = "Allow"
      actions = [
        "ssmmessages:CreateControlChannel",
        "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel",
        "ssmmessages:OpenDataChannel",
      ]
      resources = ["*"]
    }
  }
}

resource "aws_iam_role_policy" "task" {
  for_each = toset(local.task_roles)

  name   = "${local.name}-task-${each.key}"
  role   = aws_iam_role.task[each.key].id
  policy = data.aws_iam_policy_document.task[each.key].json
}

# ---------------------------------------------------------------------------------------------------------------------
# Task execution role: pull the image, write the logs, read the four secrets.
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_iam_role" "execution" {
  name               = "${local.name}-task-execution"
  description        = "fraud-platform ECS task execution role"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
  tags               = local.tags
}

data "aws_iam_policy_document" "execution" {
  statement {
    sid       = "EcrLogin"
    effect    = "Allow"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"] # the action has no resource-level permissions
  }

  statement {
    sid    = "EcrPull"
    effect = "Allow"
    actions = [
      "ecr:BatchCheckLayerAvailability",
      "ecr:BatchGetImage",
      "ecr:GetDownloadUrlForLayer",
    ]
    resources = [aws_ecr_repository.fp.arn]
  }

  statement {
    sid       = "Logs"
    effect    = "Allow"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = [for g in aws_cloudwatch_log_group.role : "${g.arn}:log-stream:*"]
  }

  statement {
    # SecureStrings under the AWS-managed key alias/aws/ssm need no kms:Decrypt grant of their own.
    sid       = "Secrets"
    effect    = "Allow"
    actions   = ["ssm:GetParameters"]
    resources = [for p in aws_ssm_parameter.secret : p.arn]
  }
}

resource "aws_iam_role_policy" "execution" {
  name   = "${local.name}-task-execution"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.execution.json
}

# ---------------------------------------------------------------------------------------------------------------------
# Step Functions: the role of demo's two state machines (fraud-platform-platform-run, fraud-platform-learning; see
# deploy/stepfunctions/REFERENCES.md). It lives here, not in demo, because demo manages no IAM (POLICIES.md P17); it
# costs nothing at rest. The demo's ECS names are fixed (one demo per account), so every ARN below is built from them
# and exists only while demo does: cluster fraud-platform-demo, services fraud-platform-<role>, task definition family
# fraud-platform-orchestrator.
# ---------------------------------------------------------------------------------------------------------------------

locals {
  ecs_arn_prefix      = "arn:${local.partition}:ecs:${var.region}:${local.account_id}"
  demo_cluster        = "fraud-platform-demo"
  orchestrator_family = "${local.ecs_arn_prefix}:task-definition/fraud-platform-orchestrator"
  state_machine_arns = [
    for n in ["fraud-platform-platform-run", "fraud-platform-learning"] :
    "arn:${local.partition}:states:${var.region}:${local.account_id}:stateMachine:${n}"
  ]
}

data "aws_iam_policy_document" "states_assume" {
  statement {
    sid     = "StatesAssume"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["states.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = local.state_machine_arns
    }
  }
}

resource "aws_iam_role" "states" {
  name               = "${local.name}-states"
  description        = "fraud-platform demo state machines (platform run, learning)"
  assume_role_policy = data.aws_iam_policy_document.states_assume.json
  tags               = local.tags
}

data "aws_iam_policy_document" "states" {
  # ecs:runTask.sync: start the orchestrator's one-shot task, in the demo cluster only.
  statement {
    sid       = "RunOrchestratorTask"
    effect    = "Allow"
    actions   = ["ecs:RunTask"]
    resources = [local.orchestrator_family, "${local.orchestrator_family}:*"]

    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = ["${local.ecs_arn_prefix}:cluster/${local.demo_cluster}"]
    }
  }

  # ecs:runTask.sync polls the task and stops it when the execution is stopped or times out.
  statement {
    sid       = "WatchAndStopTasks"
    effect    = "Allow"
    actions   = ["ecs:StopTask", "ecs:DescribeTasks"]
    resources = ["${local.ecs_arn_prefix}:task/${local.demo_cluster}/*"]
  }

  # RolesUp, WaitRolesStable, RolesDown: the seven role services.
  statement {
    sid       = "ScaleRoleServices"
    effect    = "Allow"
    actions   = ["ecs:UpdateService", "ecs:DescribeServices"]
    resources = [for r in local.platform_roles : "${local.ecs_arn_prefix}:service/${local.demo_cluster}/fraud-platform-${r}"]
  }

  # RunTask hands the orchestrator's task role and the execution role to ECS.
  statement {
    sid       = "PassOrchestratorRoles"
    effect    = "Allow"
    actions   = ["iam:PassRole"]
    resources = [aws_iam_role.task["orchestrator"].arn, aws_iam_role.execution.arn]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ecs-tasks.amazonaws.com"]
    }
  }

  # .sync learns that a task stopped through this managed EventBridge rule, which Step Functions creates.
  statement {
    sid       = "SyncEventsRule"
    effect    = "Allow"
    actions   = ["events:PutTargets", "events:PutRule", "events:DescribeRule"]
    resources = ["arn:${local.partition}:events:${var.region}:${local.account_id}:rule/StepFunctionsGetEventsForECSTaskRule"]
  }
}

resource "aws_iam_role_policy" "states" {
  name   = "${local.name}-states"
  role   = aws_iam_role.states.id
  policy = data.aws_iam_policy_document.states.json
}
