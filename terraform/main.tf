data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name
  account_id = data.aws_caller_identity.current.account_id

  # The function's own log group, created before the function (logs.tf).
  log_group_name = "/aws/lambda/${var.name}"

  # Where the zip comes from: a local build (default) or an S3 object.
  package_from_s3  = var.package_s3_bucket != null
  package_path     = coalesce(var.package_path, "${path.module}/../dist/pxstream.zip")
  source_code_hash = local.package_from_s3 ? var.package_source_code_hash : filebase64sha256(local.package_path)

  slack_webhook_parameter_name = coalesce(var.slack_webhook_parameter_name, "/${var.name}/slack-webhook-url")
  # An SSM parameter ARN has no "/" after "parameter" when the name starts with one.
  slack_webhook_parameter_arn = "arn:${local.partition}:ssm:${local.region}:${local.account_id}:parameter/${trimprefix(local.slack_webhook_parameter_name, "/")}"

  state_bucket_name = var.create_state_bucket ? aws_s3_bucket.state[0].id : var.state_bucket

  subscription_log_group_names = var.create_subscription_filters ? coalesce(var.subscription_filter_log_group_names, var.log_group_names) : []

  # The runtime interface of the handler (shared/contract.md) plus its optional tuning.
  environment = merge(var.environment_variables, {
    PXSTREAM_LOG_GROUPS              = join(",", var.log_group_names)
    PXSTREAM_WATCHED_ACCOUNTS        = join(",", var.watched_accounts)
    PXSTREAM_STATE_BUCKET            = local.state_bucket_name
    PXSTREAM_STATE_KEY               = var.state_object_key
    PXSTREAM_SLACK_WEBHOOK_PARAMETER = local.slack_webhook_parameter_name
    PXSTREAM_LOOKBACK_MINUTES        = tostring(var.lookback_minutes)
    PXSTREAM_DRY_RUN                 = tostring(var.dry_run)
    PXSTREAM_OVERLAP_MINUTES         = tostring(var.overlap_minutes)
    PXSTREAM_SLICE_MINUTES           = tostring(var.slice_minutes)
    PXSTREAM_MAX_CATCHUP_HOURS       = tostring(var.max_catchup_hours)
    PXSTREAM_SLACK_TIMEOUT_SECONDS   = tostring(var.slack_timeout_seconds)
  })
}

# Push and schedule over the same log groups report every event twice.
check "push_and_schedule_do_not_overlap" {
  assert {
    condition     = !(var.create_schedule && length(setintersection(toset(local.subscription_log_group_names), toset(var.log_group_names))) > 0)
    error_message = "Push mode subscribes to log groups that the schedule also reads: each CashOut in them will be reported twice. Set create_schedule = false, or subscribe only groups outside log_group_names."
  }
}
