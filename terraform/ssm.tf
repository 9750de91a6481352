################################################################################
# SecureStrings the function reads; the function gets only their names
################################################################################

# The Slack webhook. The URL is an ephemeral input written through the
# write-only value_wo: it is in neither the state nor a saved plan. It is sent
# to SSM when the parameter is created and when slack_webhook_url_version
# changes (rotation).
resource "aws_ssm_parameter" "slack_webhook" {
  count = var.create_slack_webhook_parameter ? 1 : 0

  name             = local.slack_webhook_parameter_name
  description      = "Slack incoming webhook URL of the ${var.name} function (pxstream)"
  type             = "SecureString"
  key_id           = var.slack_webhook_kms_key_arn
  value_wo         = var.slack_webhook_url
  value_wo_version = var.slack_webhook_url_version

  tags = var.tags

  lifecycle {
    precondition {
      condition     = var.slack_webhook_url != null
      error_message = "create_slack_webhook_parameter is true: give slack_webhook_url (an ephemeral variable: TF_VAR_slack_webhook_url at every plan and apply), or set create_slack_webhook_parameter = false and name an existing SecureString in slack_webhook_parameter_name."
    }
  }
}

# The key of the HMAC that hashes receiver Pix keys for newReceiver rules
# (README "Rules"): created once, when a rule first uses newReceiver, and never
# rewritten (fixed value_wo_version). Its value is two random UUIDs (uuid()
# reads crypto/rand: 244 random bits), written through the write-only
# value_wo, so it is in neither the state nor a plan. uuid() is Terraform's
# own, so no API call (and no deployer permission) is needed to draw it, and
# plan-only tests with a mock provider can run the module; the AWS provider's
# ephemeral aws_secretsmanager_random_password would need both.
resource "aws_ssm_parameter" "receiver_key" {
  count = local.create_receiver_key ? 1 : 0

  name             = local.receiver_key_parameter_name
  description      = "HMAC key of the ${var.name} function's newReceiver rules (pxstream): receiver Pix keys are remembered as keyed hashes"
  type             = "SecureString"
  key_id           = var.slack_webhook_kms_key_arn
  value_wo         = "${uuid()}${uuid()}"
  value_wo_version = 1

  tags = var.tags
}
