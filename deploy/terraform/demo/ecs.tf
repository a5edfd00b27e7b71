# ---------------------------------------------------------------------------------------------------------------------
# ECS on Fargate: one task definition per role and one for the orchestrator's one-shot commands, one service per role.
# Images are always pulled by digest: <core ECR URL>@<var.image_digest>.
#
# The ECS names are fixed, not derived from var.environment, because the state machines (deploy/stepfunctions/*.asl.json,
# see REFERENCES.md there) name them literally: cluster fraud-platform-demo, task definition families and services
# fraud-platform-<role> (and family fraud-platform-orchestrator), one container named fp in every task definition.
# So there is one demo per AWS account and region: a second environment's demo stack in the same account would clash on
# these names (core's Step Functions role, aws_iam_role.states, is scoped to them too).
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_ecs_cluster" "demo" {
  name = "fraud-platform-demo"

  setting {
    name  = "containerInsights"
    value = "disabled"
  }

  tags = local.tags

  lifecycle {
    precondition {
      condition     = var.kafka_choice != "confluent" || length(trimspace(var.confluent_bootstrap)) > 0
      error_message = "kafka_choice = confluent needs confluent_bootstrap (host:9092 of the Confluent Cloud cluster)."
    }
  }
}

resource "aws_ecs_cluster_capacity_providers" "demo" {
  cluster_name       = aws_ecs_cluster.demo.name
  capacity_providers = ["FARGATE", "FARGATE_SPOT"]
}

# The orchestrator finds the gate by name (ig.<namespace>:8081: the Cloud Map service "ig" below, a DNS label of its
# own, not the ECS service's name) through Cloud Map rather than a load balancer. The private DNS namespace is a
# Route 53 private hosted zone: 0.50 USD a month, not charged when deleted within 12 hours.
resource "aws_service_discovery_private_dns_namespace" "demo" {
  name        = "${var.environment}.fraud-platform.internal"
  description = "fraud-platform demo service discovery"
  vpc         = aws_vpc.demo.id
  tags        = local.tags
}

resource "aws_service_discovery_service" "gate" {
  name = "ig"

  dns_config {
    namespace_id   = aws_service_discovery_private_dns_namespace.demo.id
    routing_policy = "MULTIVALUE"

    dns_records {
      type = "A"
      ttl  = 10
    }
  }

  health_check_custom_config {
    failure_threshold = 1
  }

  tags = local.tags
}

locals {
  gate_url = "http://ig.${aws_service_discovery_private_dns_namespace.demo.name}:${var.gate_port}"

  # Environment every task gets. FP_S3_BUCKET: today's code reads one bucket and keeps every plane under its prefix there
  # (oracle/, archive/, quarantine/, evidence/, bundles/); see README.md "Known gaps".
  common_environment = concat(
    [
      { name = "FP_PROFILE", value = "dev_min" },
      # The image's digest, recorded in every run's facts (code_version) and so in its evidence.
      { name = "FP_IMAGE_DIGEST", value = var.image_digest },
      { name = "FP_KAFKA_BOOTSTRAP", value = local.kafka_bootstrap },
      { name = "FP_PG_URL", value = local.pg_url },
      { name = "FP_REDIS_URL", value = local.redis_url },
      { name = "FP_S3_BUCKET", value = local.core.buckets["evidence"] },
      { name = "FP_S3_BUCKET_ORACLE", value = local.core.buckets["oracle"] },
      { name = "FP_S3_BUCKET_ARCHIVE", value = local.core.buckets["archive"] },
      { name = "FP_S3_BUCKET_QUARANTINE", value = local.core.buckets["quarantine"] },
      { name = "FP_S3_REGION", value = var.region },
      { name = "FP_HOME", value = "/tmp/fp" },
      { name = "JAVA_TOOL_OPTIONS", value = "-XX:MaxRAMPercentage=75" },
    ],
    local.use_msk ? [{ name = "FP_KAFKA_SASL_MECHANISM", value = "AWS_MSK_IAM" }] : [],
  )

  # Secrets, injected by ECS from SSM Parameter Store (the execution role may read exactly these four).
  common_secrets = concat(
    [
      { name = "FP_PG_PASSWORD", valueFrom = local.core.ssm_parameter_arns["pg_password"] },
      { name = "FP_PG_APP_PASSWORD", valueFrom = local.core.ssm_parameter_arns["pg_app_password"] },
      { name = "FP_REDIS_PASSWORD", valueFrom = local.core.ssm_parameter_arns["redis_password"] },
    ],
    local.use_msk ? [] : [
      { name = "FP_KAFKA_USERNAME", valueFrom = local.core.ssm_parameter_arns["kafka_username"] },
      { name = "FP_KAFKA_PASSWORD", valueFrom = local.core.ssm_parameter_arns["kafka_password"] },
    ],
  )

  # What differs between tasks.
  tasks = merge(
    {
      for r in local.platform_roles : r => {
        command   = ["--profile", "dev_min", "serve", "--roles", r]
        log_group = local.core.log_groups[r]
        ports     = r == "ig" ? [var.gate_port] : r == "cm" ? [var.console_port] : []
        environment = (
          r == "ig" ? [{ name = "FP_GATE_PORT", value = tostring(var.gate_port) }] :
          r == "cm" ? [{ name = "FP_CONSOLE_PORT", value = tostring(var.console_port) }] : []
        )
      }
    },
    {
      # One-shot commands: the command here is the default, each run overrides it (README.md), e.g.
      # ["--profile","dev_min","run","--world","W","--bundle","B"], ["--profile","dev_min","learn","--run","R"].
      orchestrator = {
        command   = ["--profile", "dev_min", "doctor"]
        log_group = local.core.log_groups["runs"]
        ports     = []
        environment = [
          { name = "FP_ROLES", value = "none" },
          { name = "FP_GATE_URL", value = local.gate_url },
        ]
      }
    },
  )

  exec_roles = ["ig", "cm"]
}

resource "aws_ecs_task_definition" "role" {
  for_each = local.tasks

  family                   = "fraud-platform-${each.key}" # fraud-platform-ig ... fraud-platform-orchestrator
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = tostring(var.task_sizes[each.key].cpu)
  memory                   = tostring(var.task_sizes[each.key].memory)
  task_role_arn            = local.core.task_role_arns[each.key]
  execution_role_arn       = local.core.execution_role_arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  # One container, named fp in every task definition (every ContainerOverrides entry of the state machines names it);
  # the log stream prefix is the role, so streams are <role>/fp/<task id> and the roles' logs stay apart.
  container_definitions = jsonencode([
    {
      name      = "fp"
      image     = "${local.core.ecr_repository_url}@${var.image_digest}"
      essential = true
      command   = each.value.command

      environment = concat(local.common_environment, each.value.environment)
      secrets     = local.common_secrets

      portMappings = [for p in each.value.ports : { containerPort = p, hostPort = p, protocol = "tcp" }]

      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = each.value.log_group
          awslogs-region        = var.region
          awslogs-stream-prefix = each.key
        }
      }

      # ECS Exec needs an init process to reap the SSM agent's children.
      linuxParameters = { initProcessEnabled = true }
      stopTimeout     = 30
    }
  ])

  tags = local.tags
}

resource "aws_ecs_service" "role" {
  for_each = toset(local.platform_roles)

  name            = "fraud-platform-${each.key}" # the state machines scale these by name
  cluster         = aws_ecs_cluster.demo.id
  task_definition = aws_ecs_task_definition.role[each.key].arn
  desired_count   = var.demo_running ? var.desired_count : 0

  capacity_provider_strategy {
    capacity_provider = var.fargate_spot ? "FARGATE_SPOT" : "FARGATE"
    weight            = 1
  }

  network_configuration {
    subnets          = aws_subnet.public[*].id
    security_groups  = [aws_security_group.tasks.id]
    assign_public_ip = true # no NAT gateway: ECR, logs, SSM and Confluent Cloud over the internet gateway
  }

  dynamic "service_registries" {
    for_each = each.key == "ig" ? [aws_service_discovery_service.gate.arn] : []

    content {
      registry_arn = service_registries.value
    }
  }

  enable_execute_command = contains(local.exec_roles, each.key)

  # One task at a time: a new deployment stops the old task first (cheapest, and the roles resume from Kafka offsets).
  deployment_minimum_healthy_percent = 0
  deployment_maximum_percent         = 100

  deployment_circuit_breaker {
    enable   = true
    rollback = false
  }

  propagate_tags        = "SERVICE"
  wait_for_steady_state = false
  tags                  = local.tags

  depends_on = [aws_ecs_cluster_capacity_providers.demo]
}
