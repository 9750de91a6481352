# Everything that exists already is passed in, nothing secret passes through
# Terraform: an existing state bucket (encrypted with a customer key), an
# existing SecureString holding the webhook (created out of band, e.g.
#   aws ssm put-parameter --type SecureString --name /pxstream/slack-webhook-url \
#     --key-id alias/pxstream --value https://hooks.slack.com/services/...),
# the zip published to S3 by a pipeline, a permissions boundary and a role path
# imposed by the platform team, alarms to an existing SNS topic, failed
# invocations to an existing SQS queue, and rules on top of the watch list.

provider "aws" {
  region = var.region
}

module "pxstream" {
  source = "../../"

  name            = "pxstream-payments"
  log_group_names = ["/aws/lambda/pix-payload", "/ecs/pix-gateway"]
  watched_accounts = {
    "23463567342345" = "Tesouraria SP"
    "98765432100011" = "Folha de pagamento"
  }
  rules = [
    { name = "contas vigiadas" },
    { name = "acima de R$ 50 mil", accounts = ["*"], minAmount = 5000000, mention = "here" },
  ]

  state_bucket             = var.state_bucket
  state_object_key         = "pxstream/lastId.txt"
  config_object_key        = "pxstream/config.json"
  state_bucket_kms_key_arn = var.state_bucket_kms_key_arn

  create_slack_webhook_parameter = false
  slack_webhook_parameter_name   = var.slack_webhook_parameter_name
  slack_webhook_kms_key_arn      = var.slack_webhook_kms_key_arn

  package_s3_bucket        = var.package_s3_bucket
  package_s3_key           = var.package_s3_key
  package_source_code_hash = var.package_source_code_hash

  role_path                 = "/pxstream/"
  role_permissions_boundary = var.role_permissions_boundary

  schedule          = "cron(0/5 * * * ? *)"
  schedule_timezone = "America/Sao_Paulo"

  async_on_failure_destination_arn = var.failed_invocations_queue_arn

  create_alarms        = true
  alarm_sns_topic_arns = [var.alarm_sns_topic_arn]
  # A cron() schedule does not say how often it runs: no success for 20
  # minutes (four runs) alarms.
  alarm_no_success_minutes = 20

  tags = {
    Project     = "pxstream"
    Environment = "production"
  }
}
