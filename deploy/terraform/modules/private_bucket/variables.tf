variable "name" {
  description = "Globally unique bucket name."
  type        = string
}

variable "expire_days" {
  description = "Days after which current objects expire."
  type        = number

  validation {
    condition     = var.expire_days >= 1 && var.expire_days <= 90
    error_message = "expire_days is 1 to 90: nothing in fraud-platform is kept longer on the demo budget."
  }
}

variable "noncurrent_days" {
  description = "Days after which a noncurrent version expires."
  type        = number
  default     = 7
}

variable "force_destroy" {
  description = "Let terraform destroy empty the bucket first."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags of the bucket: project, stack, environment and expiry at least."
  type        = map(string)

  validation {
    condition     = alltrue([for k in ["project", "stack", "environment", "expiry"] : contains(keys(var.tags), k)])
    error_message = "tags must carry project, stack, environment and expiry."
  }
}
