# Push mode: CloudWatch Logs delivers each new batch of events of the
# subscribed groups to the function within seconds, instead of a schedule
# polling every few minutes.
#
# The schedule is turned off here. Both modes report every CashOut they see,
# and neither knows what the other reported: a schedule reading the same log
# groups as the subscription would report every event twice. Keep a schedule
# only for log groups that are not subscribed (the module's check block warns
# about an overlap).
#
# This example also creates the state bucket: push runs do not need the
# checkpoint, but the function's configuration always names one, so a later
# switch back to the schedule starts from a real checkpoint.

provider "aws" {
  region = var.region
}

module "pxstream" {
  source = "../../"

  name             = "pxstream-push"
  log_group_names  = ["/aws/lambda/pix-payload"]
  watched_accounts = ["*"]

  state_bucket        = var.state_bucket
  create_state_bucket = true

  slack_webhook_url = var.slack_webhook_url

  create_schedule             = false
  create_subscription_filters = true
  # "" delivers every event. A pattern such as "transactionId" would invoke the
  # function less often, but any CashOut line it misses is never reported.
  subscription_filter_pattern = ""

  # Deliveries arrive in parallel, one per log stream batch.
  reserved_concurrent_executions = 5

  create_alarms        = true
  alarm_sns_topic_arns = [aws_sns_topic.alarms.arn]

  tags = {
    Project = "pxstream"
  }
}

resource "aws_sns_topic" "alarms" {
  name              = "pxstream-push-alarms"
  kms_master_key_id = "alias/aws/sns"

  tags = {
    Project = "pxstream"
  }
}
