# Push mode with the schedule as safety net (the recommended mode):
# CloudWatch Logs delivers each new batch of CashOut lines of the subscribed
# groups to the function within seconds, and a schedule every 15 minutes
# reports whatever a push run could not (Slack down longer than Lambda's
# retries, a delivery dropped). Push and scheduled runs share the checkpoint in
# the state bucket, so each CashOut is reported once.
#
# Alarms go to an SNS topic encrypted with a customer KMS key whose policy lets
# CloudWatch use it: CloudWatch cannot publish to a topic encrypted with the
# AWS managed key alias/aws/sns. Or pass an existing topic in alarm_sns_topic_arn.

provider "aws" {
  region = var.region
}

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

module "pxstream" {
  source = "../../"

  name             = "pxstream-push"
  log_group_names  = ["/aws/lambda/pix-payload"]
  watched_accounts = { "23463567342345" = "Tesouraria" }
  rules = [
    { name = "contas vigiadas" },
    { name = "acima de R$ 50 mil", accounts = ["*"], minAmount = 5000000, mention = "here" },
    # A watched account paying a Pix key it has not paid in 30 days. The module
    # creates the HMAC key that hashes receiver keys (never in state).
    { name = "chave nova", newReceiver = { days = 30 } },
  ]

  state_bucket        = var.state_bucket
  create_state_bucket = true

  slack_webhook_url = var.slack_webhook_url

  create_subscription_filters = true
  # The safety net: reports what push runs could not, never what they reported.
  schedule = "rate(15 minutes)"
  # A push run posts at most once a minute; a burst's other CashOuts wait for
  # the next push run, or at the latest the next scheduled run.
  push_coalesce_seconds = 60

  create_alarms        = true
  alarm_sns_topic_arns = [local.alarm_topic_arn]

  tags = {
    Project = "pxstream"
  }
}

locals {
  create_topic    = var.alarm_sns_topic_arn == null
  alarm_topic_arn = local.create_topic ? aws_sns_topic.alarms[0].arn : var.alarm_sns_topic_arn
}

resource "aws_kms_key" "alarms" {
  count = local.create_topic ? 1 : 0

  description         = "Encrypts the pxstream-push alarm topic; CloudWatch may use it to publish"
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountAdministers"
        Effect    = "Allow"
        Principal = { AWS = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "CloudWatchPublishesAlarms"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = ["kms:Decrypt", "kms:GenerateDataKey*"]
        Resource  = "*"
        Condition = { StringEquals = { "aws:SourceAccount" = data.aws_caller_identity.current.account_id } }
      },
    ]
  })

  tags = {
    Project = "pxstream"
  }
}

resource "aws_sns_topic" "alarms" {
  count = local.create_topic ? 1 : 0

  name              = "pxstream-push-alarms"
  kms_master_key_id = aws_kms_key.alarms[0].arn

  tags = {
    Project = "pxstream"
  }
}
