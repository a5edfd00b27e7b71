variable "region" {
  description = "AWS region (dev_min reads eu-west-2); the same as core's."
  type        = string
  default     = "eu-west-2"
}

variable "environment" {
  description = "Environment name; the same as core's."
  type        = string
  default     = "dev"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,15}$", var.environment))
    error_message = "environment is lower case letters, digits and '-', 2 to 16 characters."
  }
}

variable "expiry" {
  description = "The day this demo stack is to be destroyed by (YYYY-MM-DD), carried as the expiry tag of everything it makes."
  type        = string

  validation {
    condition     = can(regex("^\\d{4}-\\d{2}-\\d{2}$", var.expiry))
    error_message = "expiry is a date, YYYY-MM-DD."
  }
}

variable "state_bucket" {
  description = "The Terraform state bucket (bootstrap's state_bucket output), where core's state is read from."
  type        = string
}

variable "image_digest" {
  description = "Digest of the fraud-platform image in core's ECR repository; images are only ever deployed by digest."
  type        = string

  validation {
    condition     = can(regex("^sha256:[a-f0-9]{64}$", var.image_digest))
    error_message = "image_digest is sha256: followed by 64 lower-case hex digits."
  }
}

variable "demo_running" {
  description = "Whether the role services run. false (the default) keeps every service at 0 tasks between demos."
  type        = bool
  default     = false
}

variable "desired_count" {
  description = "Tasks per role service while demo_running is true."
  type        = number
  default     = 1

  validation {
    condition     = var.desired_count >= 0 && var.desired_count <= 3
    error_message = "desired_count is 0 to 3."
  }
}

variable "fargate_spot" {
  description = "Run the services on Fargate Spot (about 70% cheaper; a task may be stopped with two minutes' notice)."
  type        = bool
  default     = false
}

variable "task_sizes" {
  description = "Fargate CPU units and memory (MiB) per task; only Fargate's valid pairs are accepted by AWS."
  type = map(object({
    cpu    = number
    memory = number
  }))
  default = {
    ig           = { cpu = 512, memory = 1024 }
    df           = { cpu = 1024, memory = 2048 }
    al           = { cpu = 256, memory = 1024 }
    dla          = { cpu = 256, memory = 1024 }
    archive      = { cpu = 512, memory = 1024 }
    cm           = { cpu = 256, memory = 1024 }
    ls           = { cpu = 256, memory = 1024 }
    orchestrator = { cpu = 512, memory = 1024 }
  }
}

variable "cpu_architecture" {
  description = "CPU architecture of the image (X86_64 or ARM64)."
  type        = string
  default     = "X86_64"

  validation {
    condition     = contains(["X86_64", "ARM64"], var.cpu_architecture)
    error_message = "cpu_architecture is X86_64 or ARM64."
  }
}

variable "operator_cidr" {
  description = "The one network (e.g. your address/32) allowed to reach the gate (8081) and the console (8082) on a task's public IP."
  type        = string

  validation {
    condition     = can(cidrnetmask(var.operator_cidr)) && var.operator_cidr != "0.0.0.0/0"
    error_message = "operator_cidr is an IPv4 CIDR, and not 0.0.0.0/0."
  }
}

variable "gate_port" {
  description = "The gate's HTTP port (FP_GATE_PORT)."
  type        = number
  default     = 8081
}

variable "console_port" {
  description = "The investigator console's port (FP_CONSOLE_PORT), served by cm."
  type        = number
  default     = 8082
}

variable "vpc_cidr" {
  description = "CIDR of the demo VPC (two public subnets are cut from it)."
  type        = string
  default     = "10.42.0.0/16"
}

variable "kafka_choice" {
  description = "confluent: Confluent Cloud, no AWS resource, bootstrap from confluent_bootstrap, key and secret from SSM. msk_serverless: an MSK Serverless cluster with IAM auth made here."
  type        = string
  default     = "confluent"

  validation {
    condition     = contains(["confluent", "msk_serverless"], var.kafka_choice)
    error_message = "kafka_choice is confluent or msk_serverless."
  }
}

variable "confluent_bootstrap" {
  description = "Confluent Cloud bootstrap servers (host:9092), used when kafka_choice = confluent."
  type        = string
  default     = ""
}

variable "pg_username" {
  description = "RDS master user name; the password is the SSM parameter pg_password."
  type        = string
  default     = "fp_admin"
}

variable "pg_database" {
  description = "Database the platform uses."
  type        = string
  default     = "fraud"
}

variable "pg_engine_version" {
  description = "PostgreSQL major version of the RDS instance."
  type        = string
  default     = "17"
}

variable "redis_engine_version" {
  description = "Redis OSS version of the ElastiCache node."
  type        = string
  default     = "7.1"
}
