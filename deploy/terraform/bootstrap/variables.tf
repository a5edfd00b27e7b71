variable "region" {
  description = "AWS region of the platform (dev_min reads eu-west-2)."
  type        = string
  default     = "eu-west-2"
}

variable "environment" {
  description = "Environment name, used in names and tags."
  type        = string
  default     = "dev"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,15}$", var.environment))
    error_message = "environment is lower case letters, digits and '-', 2 to 16 characters."
  }
}

variable "state_bucket_name" {
  description = "Name of the Terraform state bucket; null makes fraud-platform-tfstate-<account id>-<environment>."
  type        = string
  default     = null
}

variable "lock_table_name" {
  description = "Name of the DynamoDB table that locks the state."
  type        = string
  default     = "fraud-platform-tflock"
}

variable "noncurrent_state_days" {
  description = "Days an overwritten state file version is kept before it expires."
  type        = number
  default     = 90
}
