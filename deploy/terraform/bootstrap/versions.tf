terraform {
  required_version = ">= 1.6"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.60"
    }
  }

  # Bootstrap keeps its own state locally (terraform.tfstate in this folder): it creates the bucket that every other
  # stack's state lives in, so it cannot live there itself. Keep the file safe, or import the two resources again.
}

provider "aws" {
  region = var.region

  default_tags {
    tags = local.tags
  }
}
