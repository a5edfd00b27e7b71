# Secrets live in SSM Parameter Store under /fraud-platform/<environment>/, and reach the tasks only as environment
# variables that ECS injects (secrets[].valueFrom). Terraform never holds a real value.
#
# Choice: core CREATES the five parameters, each a SecureString (AWS-managed key alias/aws/ssm) holding the placeholder
# CHANGE_ME, and ignores later changes to the value. This keeps each parameter's ARN known to Terraform (the execution
# role's ssm:GetParameters is scoped to exactly these five ARNs, and demo reads them by name), and the real values are
# set out of band, once, by an operator:
#   aws ssm put-parameter --overwrite --type SecureString --name /fraud-platform/dev/pg_password --value '...'
# Terraform state therefore only ever holds "CHANGE_ME". demo refuses to start a database while pg_password or
# redis_password is still the placeholder.

locals {
  ssm_prefix = "/fraud-platform/${var.environment}"

  secret_names = {
    kafka_username  = "${local.ssm_prefix}/kafka_username"  # Confluent Cloud API key (unused with MSK Serverless)
    kafka_password  = "${local.ssm_prefix}/kafka_password"  # Confluent Cloud API secret (unused with MSK Serverless)
    pg_password     = "${local.ssm_prefix}/pg_password"     # RDS master password, 8 to 128 characters, no / @ " or space
    pg_app_password = "${local.ssm_prefix}/pg_app_password" # the platform role fp_app's password, set by the migration
    redis_password  = "${local.ssm_prefix}/redis_password"  # ElastiCache AUTH token, 16 to 128 characters
  }
}

resource "aws_ssm_parameter" "secret" {
  for_each = local.secret_names

  name        = each.value
  description = "fraud-platform ${var.environment} ${each.key}: set the real value with aws ssm put-parameter --overwrite"
  type        = "SecureString"
  value       = "CHANGE_ME"
  tags        = local.tags

  lifecycle {
    ignore_changes = [value]
  }
}
