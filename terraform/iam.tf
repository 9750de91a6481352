################################################################################
# The function's role
################################################################################

locals {
  ssm_parameter_arn_prefix = "arn:${local.partition}:ssm:${local.region}:${local.account_id}:parameter"
  # Parameter names start with "/", so an ARN has no "/" of its own after "parameter".
  slack_webhook_parameter_arn = "${local.ssm_parameter_arn_prefix}${local.slack_webhook_parameter_name}"
  receiver_key_parameter_arn  = "${local.ssm_parameter_arn_prefix}${local.receiver_key_parameter_name}"

  # A role's inline policies may hold 10,240 characters in all (whitespace not
  # counted); a long list of log groups reaches it (lambda.tf checks it).
  inline_policy_limit = 10240
}

# The documented policy template plus the statements the function needs
# besides it (README "What the IAM policy grants, and why").
module "lambda_policy" {
  source = "./modules/lambda-policy"

  partition                  = local.partition
  region                     = local.region
  account_id                 = local.account_id
  log_group_names            = var.log_group_names
  function_log_group_name    = local.log_group_name
  state_bucket               = local.state_bucket_name
  state_object_key           = var.state_object_key
  config_object_key          = local.config_object_key
  ssm_parameter_arns         = concat([local.slack_webhook_parameter_arn], local.uses_new_receiver ? [local.receiver_key_parameter_arn] : [])
  ssm_kms_key_arn            = var.slack_webhook_kms_key_arn
  state_bucket_kms_key_arn   = var.state_bucket_kms_key_arn
  on_failure_destination_arn = var.async_on_failure_destination_arn
}

resource "aws_iam_role" "lambda" {
  name                 = "${var.name}-lambda"
  path                 = var.role_path
  permissions_boundary = var.role_permissions_boundary
  description          = "Role of the ${var.name} Lambda function (pxstream)"

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })

  tags = var.tags
}

resource "aws_iam_role_policy" "lambda" {
  name   = "${var.name}-lambda"
  role   = aws_iam_role.lambda.id
  policy = module.lambda_policy.json

  lifecycle {
    precondition {
      condition     = module.lambda_policy.size <= local.inline_policy_limit
      error_message = "The function's policy would be ${module.lambda_policy.size} characters, past the 10,240 IAM allows a role's inline policies: each log group adds one ARN. Split log_group_names over several instances of the module (different name)."
    }
  }
}
