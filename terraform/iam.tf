################################################################################
# The function's role
################################################################################

locals {
  # The documented policy template (shared/brief.md), rendered with this
  # module's inputs, plus the statements the function needs besides it:
  # the webhook parameter, its KMS key, and the function's own log group.
  lambda_policy = templatefile("${path.module}/templates/lambda-policy.json.tftpl", {
    partition                   = local.partition
    region                      = local.region
    account_id                  = local.account_id
    log_group_names             = var.log_group_names
    state_bucket                = local.state_bucket_name
    state_object_key            = var.state_object_key
    slack_webhook_parameter_arn = local.slack_webhook_parameter_arn
    slack_webhook_kms_key_arn   = var.slack_webhook_kms_key_arn == null ? "" : var.slack_webhook_kms_key_arn
    state_bucket_kms_key_arn    = var.state_bucket_kms_key_arn == null ? "" : var.state_bucket_kms_key_arn
    function_log_group_name     = local.log_group_name
  })
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
  name = "${var.name}-lambda"
  role = aws_iam_role.lambda.id
  # jsondecode fails the plan on a template that renders invalid JSON; jsonencode minifies it.
  policy = jsonencode(jsondecode(local.lambda_policy))
}
