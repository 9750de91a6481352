data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  account_id = data.aws_caller_identity.current.account_id

  # AWS provider 6.x names the region `region` and deprecates `name`; 5.x has
  # only `name`. Read through a local, so that the attribute missing in one
  # major version is a dynamic error that try() catches, not a static one.
  region_data = data.aws_region.current
  region      = try(local.region_data.region, local.region_data.name)

  # The function's own log group, created before the function (logs.tf).
  log_group_name = "/aws/lambda/${var.name}"

  # Where the zip comes from: a local build (default) or an S3 object.
  package_from_s3 = var.package_s3_bucket != null
  package_path    = coalesce(var.package_path, "${path.module}/../dist/pxstream.zip")
  # A missing zip must fail in the function's precondition (lambda.tf), with
  # its message, not here with filebase64sha256's.
  package_exists   = local.package_from_s3 || fileexists(local.package_path)
  source_code_hash = local.package_from_s3 ? var.package_source_code_hash : (local.package_exists ? filebase64sha256(local.package_path) : null)

  slack_webhook_parameter_name = coalesce(var.slack_webhook_parameter_name, "/${var.name}/slack-webhook-url")

  # The name, known at plan (the rendered policy stays readable in a plan);
  # s3.tf orders what needs the created bucket after it.
  state_bucket_name = var.state_bucket

  push_mode                    = var.create_subscription_filters
  subscription_log_group_names = local.push_mode ? coalesce(var.subscription_filter_log_group_names, var.log_group_names) : []
  # A CashOut line always holds the term transactionId (README "Server-side filter").
  subscription_filter_pattern = var.subscription_filter_pattern != null ? var.subscription_filter_pattern : (var.server_side_filter ? "\"transactionId\"" : "")

  ##############################################################################
  # Configuration document (README "Rules"): the watch list and the rules, as
  # the handler's PXSTREAM_CONFIG_KEY object. In HCL a rule's accounts is a
  # list (Terraform cannot type "a string or a list"): null is the document's
  # "watched", ["*"] its "*".
  ##############################################################################

  rules = var.rules == null ? null : [
    for r in var.rules : { for k, v in {
      name = r.name
      # A conditional cannot give a string or a list; a tuple index can.
      accounts    = r.accounts == null ? null : ["*", r.accounts][r.accounts == tolist(["*"]) ? 0 : 1]
      minAmount   = r.minAmount
      hours       = r.hours
      window      = r.window == null ? null : { for wk, wv in r.window : wk => wv if wv != null }
      newReceiver = r.newReceiver
      mention     = r.mention
    } : k => v if v != null }
  ]
  config_document = merge(
    { accounts = var.watched_accounts },
    local.rules == null ? {} : { rules = local.rules },
  )
  config_object_key = coalesce(var.config_object_key, "${var.name}/config.json")

  # Without rules the one rule "watched" reads the watch list; a rule without
  # accounts reads it too.
  rules_need_watch_list = var.rules == null ? true : anytrue([for r in var.rules : r.accounts == null])

  uses_new_receiver           = var.rules == null ? false : anytrue([for r in var.rules : r.newReceiver != null])
  create_receiver_key         = local.uses_new_receiver && var.create_receiver_key_parameter
  receiver_key_parameter_name = coalesce(var.receiver_key_parameter_name, "/${var.name}/receiver-key")

  ##############################################################################
  # Schedule: the alarms' periods follow a rate() schedule.
  ##############################################################################

  schedule_kind = startswith(var.schedule, "rate(") ? "rate" : (startswith(var.schedule, "cron(") ? "cron" : "at")
  schedule_rate = local.schedule_kind == "rate" ? regex("^rate\\(([0-9]+) ([a-z]+)\\)$", var.schedule) : null
  # Seconds between two scheduled runs (rate() only).
  schedule_period_seconds = local.schedule_rate == null ? null : tonumber(local.schedule_rate[0]) * {
    minute = 60, minutes = 60, hour = 3600, hours = 3600, day = 86400, days = 86400
  }[local.schedule_rate[1]]

  ##############################################################################
  # Asynchronous invocation: retries and event age per mode (lambda.tf).
  ##############################################################################

  async_maximum_retry_attempts       = coalesce(var.async_maximum_retry_attempts, local.push_mode ? 2 : 0)
  async_maximum_event_age_in_seconds = coalesce(var.async_maximum_event_age_in_seconds, local.push_mode ? 21600 : min(21600, max(60, coalesce(local.schedule_period_seconds, 300))))

  push_coalesce_seconds = coalesce(var.push_coalesce_seconds, local.push_mode ? 60 : 0)

  # The runtime interface of the handler (README "Configuration") plus its
  # optional tuning. No list that grows with the watch list goes here: the
  # Lambda environment holds at most 4 KB.
  environment = merge(var.environment_variables, {
    PXSTREAM_LOG_GROUPS              = join(",", var.log_group_names)
    PXSTREAM_CONFIG_KEY              = aws_s3_object.config.key
    PXSTREAM_STATE_BUCKET            = local.state_bucket_name
    PXSTREAM_STATE_KEY               = var.state_object_key
    PXSTREAM_SLACK_WEBHOOK_PARAMETER = var.create_slack_webhook_parameter ? aws_ssm_parameter.slack_webhook[0].name : local.slack_webhook_parameter_name
    PXSTREAM_LOOKBACK_MINUTES        = tostring(var.lookback_minutes)
    PXSTREAM_DRY_RUN                 = tostring(var.dry_run)
    PXSTREAM_OVERLAP_MINUTES         = tostring(var.overlap_minutes)
    PXSTREAM_SLICE_MINUTES           = tostring(var.slice_minutes)
    PXSTREAM_MAX_CATCHUP_HOURS       = tostring(var.max_catchup_hours)
    PXSTREAM_SLACK_TIMEOUT_SECONDS   = tostring(var.slack_timeout_seconds)
    PXSTREAM_PUSH_COALESCE_SECONDS   = tostring(local.push_coalesce_seconds)
    PXSTREAM_SERVER_FILTER           = tostring(var.server_side_filter)
    }, !local.uses_new_receiver ? {} : {
    PXSTREAM_RECEIVER_KEY_PARAMETER = local.create_receiver_key ? aws_ssm_parameter.receiver_key[0].name : local.receiver_key_parameter_name
  })
}
