terraform {
  # 1.11: ephemeral input variables (1.10) and write-only arguments such as
  # aws_ssm_parameter.value_wo (1.11), which keep the webhook out of state and plans.
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # aws_ssm_parameter.value_wo (write-only) is in every release from 5.100,
      # the last 5.x and the one tested here; 6.x is admitted: main.tf reads
      # the region in a way that works with both.
      version = ">= 5.100, < 7.0"
    }
  }
}
