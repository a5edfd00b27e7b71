data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  tags = {
    project     = "fraud-platform"
    stack       = "core"
    environment = var.environment
    expiry      = "none"
  }

  name       = "fraud-platform-${var.environment}"
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition

  # The long-running platform roles, one ECS service each in demo; the orchestrator runs one-shot tasks.
  platform_roles = ["ig", "df", "al", "dla", "archive", "cm", "ls"]
  task_roles     = concat(local.platform_roles, ["orchestrator"])

  # One log group per platform role, and "runs" for the one-shot tasks (fp run, fp learn, fp evidence export, ...).
  log_groups = concat(local.platform_roles, ["runs"])

  msk_cluster_name = coalesce(var.msk_cluster_name, "fp-${var.environment}")
}

# ---------------------------------------------------------------------------------------------------------------------
# Object store. The platform's layout: oracle/ (sealed worlds), archive/, quarantine/, evidence/, bundles/; each plane
# has its own bucket so each can expire on its own clock. Keys keep their prefix inside their bucket.
# ---------------------------------------------------------------------------------------------------------------------

locals {
  buckets = {
    oracle     = { expire_days = 14, purpose = "sealed worlds (oracle/)" }
    archive    = { expire_days = 45, purpose = "Kafka archive as Parquet, OFS and learning outputs (archive/)" }
    quarantine = { expire_days = 30, purpose = "events the gate refused (quarantine/)" }
    evidence   = { expire_days = 90, purpose = "run evidence, audit segments, bundles (evidence/, audit/, bundles/)" }
  }
}

module "bucket" {
  source   = "../modules/private_bucket"
  for_each = local.buckets

  name        = "${local.name}-${each.key}-${local.account_id}"
  expire_days = each.value.expire_days
  tags        = merge(local.tags, { purpose = each.value.purpose })
}

# ---------------------------------------------------------------------------------------------------------------------
# Images: one repository, tags immutable, images always deployed by digest.
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_ecr_repository" "fp" {
  name                 = "fraud-platform"
  image_tag_mutability = "IMMUTABLE"

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "AES256"
  }

  tags = local.tags
}

resource "aws_ecr_lifecycle_policy" "fp" {
  repository = aws_ecr_repository.fp.name

  policy = jsonencode({
    rules = [{
      rulePriority = 1
      description  = "Keep the last ${var.ecr_keep_images} images"
      selection = {
        tagStatus   = "any"
        countType   = "imageCountMoreThan"
        countNumber = var.ecr_keep_images
      }
      action = { type = "expire" }
    }]
  })
}

# ---------------------------------------------------------------------------------------------------------------------
# Logs: one group per role plus "runs"; kept 5 days.
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_cloudwatch_log_group" "role" {
  for_each = toset(local.log_groups)

  name              = "/fraud-platform/${var.environment}/${each.key}"
  retention_in_days = var.log_retention_days
  tags              = local.tags
}
