################################################################################
# Slack webhook: an SSM SecureString; the function gets only its name
################################################################################

resource "aws_ssm_parameter" "slack_webhook" {
  count = var.create_slack_webhook_parameter ? 1 : 0

  name        = local.slack_webhook_parameter_name
  description = "Slack incoming webhook URL of the ${var.name} function (pxstream)"
  type        = "SecureString"
  key_id      = var.slack_webhook_kms_key_arn
  value       = var.slack_webhook_url

  tags = var.tags

  lifecycle {
    precondition {
      condition     = var.slack_webhook_url != null
      error_message = "create_slack_webhook_parameter is true: set slack_webhook_url, or set create_slack_webhook_parameter = false and name an existing parameter in slack_webhook_parameter_name."
    }
  }
}
