# What the AWS provider's data sources answer in the plan-only tests: the
# account and region of the README's examples. Resources get the mock
# provider's generated values.
mock_data "aws_caller_identity" {
  defaults = { account_id = "123456789012" }
}

mock_data "aws_region" {
  defaults = { name = "sa-east-1" }
}

mock_data "aws_partition" {
  defaults = { partition = "aws" }
}
