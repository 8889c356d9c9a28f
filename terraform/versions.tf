terraform {
  # 1.9: variable validations may refer to other variables (job_output_uri, index_uri, function_api_key).
  required_version = ">= 1.9.0, < 2.0.0"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 6.28 added aws_lambda_permission.invoked_via_function_url, which public function URLs need
      # since Lambda's October 2025 change (InvokeFunctionUrl and InvokeFunction both required).
      version = "~> 6.28"
    }
  }
}

provider "aws" {
  region = var.aws_region

  default_tags {
    tags = merge({ Project = "d2llm", ManagedBy = "terraform" }, var.tags)
  }
}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}
