# The demo stack: everything that costs money by the hour. It reads core only through terraform_remote_state and data
# sources and manages none of core's resources, so `terraform destroy` here leaves core whole.

data "terraform_remote_state" "core" {
  backend = "s3"

  config = {
    bucket = var.state_bucket
    key    = "core/terraform.tfstate"
    region = var.region
  }
}

data "aws_availability_zones" "available" {
  state = "available"
}

# The two secrets the data stores are created with, read from the parameters core made (their values are set out of band;
# see core/ssm.tf). They end up in this stack's state, as any RDS master password or ElastiCache AUTH token does.
data "aws_ssm_parameter" "pg_password" {
  name            = local.core.ssm_parameter_names["pg_password"]
  with_decryption = true
}

data "aws_ssm_parameter" "redis_password" {
  name            = local.core.ssm_parameter_names["redis_password"]
  with_decryption = true
}

locals {
  tags = {
    project     = "fraud-platform"
    stack       = "demo"
    environment = var.environment
    expiry      = var.expiry
  }

  core = data.terraform_remote_state.core.outputs
  name = "fraud-platform-${var.environment}"

  platform_roles = ["ig", "df", "al", "dla", "archive", "cm", "ls"]
  use_msk        = var.kafka_choice == "msk_serverless"
}
