output "state_bucket" {
  description = "The bucket for the backend \"s3\" blocks of core and demo."
  value       = aws_s3_bucket.state.id
}

output "lock_table" {
  description = "The DynamoDB table for the backend \"s3\" blocks of core and demo."
  value       = aws_dynamodb_table.lock.name
}

output "region" {
  description = "Region of the bucket and table."
  value       = var.region
}
