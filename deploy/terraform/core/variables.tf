variable "region" {
  description = "AWS region of the platform (dev_min reads eu-west-2)."
  type        = string
  default     = "eu-west-2"
}

variable "environment" {
  description = "Environment name, used in names, SSM paths and tags."
  type        = string
  default     = "dev"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,15}$", var.environment))
    error_message = "environment is lower case letters, digits and '-', 2 to 16 characters."
  }
}

variable "log_retention_days" {
  description = "Retention of every log group, in days (at most 7 on the demo budget)."
  type        = number
  default     = 5

  validation {
    # CloudWatch accepts only certain values; these are the ones of a week or less.
    condition     = contains([1, 3, 5, 7], var.log_retention_days)
    error_message = "log_retention_days is 1, 3, 5 or 7."
  }
}

variable "ecr_keep_images" {
  description = "How many images the ECR lifecycle policy keeps."
  type        = number
  default     = 10
}

variable "budget_limit" {
  description = "Monthly cost budget, in budget_currency. The cap is about GBP 30 a month; AWS Budgets takes USD for most accounts, and 30 USD is a little under GBP 30, so the limit errs on the safe side."
  type        = string
  default     = "30"
}

variable "budget_currency" {
  description = "Currency of the budget (USD: the one AWS Budgets accepts for most accounts)."
  type        = string
  default     = "USD"
}

variable "alert_emails" {
  description = "Who receives the budget and cost anomaly e-mails."
  type        = list(string)

  validation {
    condition     = length(var.alert_emails) > 0 && alltrue([for e in var.alert_emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))])
    error_message = "alert_emails holds at least one e-mail address."
  }
}

variable "anomaly_threshold_usd" {
  description = "A cost anomaly whose total impact reaches this many USD is e-mailed."
  type        = number
  default     = 5
}

variable "create_anomaly_monitor" {
  description = "Create the SERVICE cost anomaly monitor. An account holds one DIMENSIONAL/SERVICE monitor at most: when it already has one (the console makes 'Default-Services-Monitor'), set false and give its ARN in existing_anomaly_monitor_arn."
  type        = bool
  default     = true
}

variable "existing_anomaly_monitor_arn" {
  description = "ARN of the account's existing SERVICE anomaly monitor, used when create_anomaly_monitor is false."
  type        = string
  default     = null
}

variable "msk_cluster_name" {
  description = "Name the demo stack gives its MSK Serverless cluster (when kafka_choice = msk_serverless); the task roles' kafka-cluster permissions are scoped to it. null: fp-<environment>."
  type        = string
  default     = null
}
