terraform {
  required_version = ">= 1.6"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.60"
    }
  }

  # Partial configuration: bucket and dynamodb_table are bootstrap's outputs, given at init time:
  #   terraform init -backend-config=backend.hcl   (see backend.hcl.example)
  backend "s3" {
    key     = "core/terraform.tfstate"
    region  = "eu-west-2"
    encrypt = true
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = local.tags
  }
}
