# What demo reads through terraform_remote_state "core".

output "region" {
  description = "Region of the core resources."
  value       = var.region
}

output "environment" {
  description = "Environment of the core resources."
  value       = var.environment
}

output "buckets" {
  description = "Bucket name per plane: oracle, archive, quarantine, evidence."
  value       = { for k, b in module.bucket : k => b.id }
}

output "bucket_arns" {
  description = "Bucket ARN per plane."
  value       = { for k, b in module.bucket : k => b.arn }
}

output "ecr_repository_url" {
  description = "URL of the fraud-platform repository; images are deployed as <url>@sha256:..."
  value       = aws_ecr_repository.fp.repository_url
}

output "task_role_arns" {
  description = "Task role ARN per role: ig, df, al, dla, archive, cm, ls, orchestrator."
  value       = { for k, r in aws_iam_role.task : k => r.arn }
}

output "execution_role_arn" {
  description = "The ECS task execution role."
  value       = aws_iam_role.execution.arn
}

output "log_groups" {
  description = "Log group name per role, and runs for the one-shot tasks."
  value       = { for k, g in aws_cloudwatch_log_group.role : k => g.name }
}

output "ssm_parameter_names" {
  description = "SSM parameter name per secret (the values are set out of band)."
  value       = local.secret_names
}

output "ssm_parameter_arns" {
  description = "SSM parameter ARN per secret, for the task definitions' secrets[].valueFrom."
  value       = { for k, p in aws_ssm_parameter.secret : k => p.arn }
}

output "msk_cluster_name" {
  description = "The name demo must give an MSK Serverless cluster for the task roles' kafka-cluster grants to match."
  value       = local.msk_cluster_name
}

output "step_functions_role_arn" {
  description = "Role of demo's state machines: run the orchestrator task, scale the seven role services, pass the orchestrator's roles."
  value       = aws_iam_role.states.arn
}
