################################################################################
# Alarms (optional): every period follows the schedule (README "Alarms")
################################################################################

locals {
  scheduled = var.create_schedule

  # One alarm period is one schedule period for a rate() schedule, so that
  # each period holds one scheduled run; 5 minutes for cron() and push only.
  alarm_period_seconds = local.scheduled && local.schedule_kind == "rate" ? local.schedule_period_seconds : 300

  # How long without a successful run before the no-success alarm fires.
  no_success_window_seconds = var.alarm_no_success_minutes != null ? var.alarm_no_success_minutes * 60 : max(3 * local.alarm_period_seconds, 900)
  alarm_evaluation_periods  = ceil(local.no_success_window_seconds / local.alarm_period_seconds)

  cursor_lag_threshold_seconds = coalesce(var.alarm_cursor_lag_minutes, max(60, 2 * ceil(local.no_success_window_seconds / 60))) * 60

  alarm_dimensions = { FunctionName = aws_lambda_function.this.function_name }
}

# A single failed run (Slack answered 503 once, a throttled AWS call) does not
# page: the next run reports what it could not. Errors in two periods of the
# no-success window do.
resource "aws_cloudwatch_metric_alarm" "errors" {
  count = var.create_alarms ? 1 : 0

  alarm_name        = "${var.name}-errors"
  alarm_description = "The ${var.name} function failed in 2 of the last ${local.alarm_evaluation_periods} periods of ${local.alarm_period_seconds} s: a Slack post, S3 checkpoint, SSM or CloudWatch Logs call did not succeed. Its log group names the cause."

  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = local.alarm_dimensions
  statistic           = "Sum"
  period              = local.alarm_period_seconds
  evaluation_periods  = local.alarm_evaluation_periods
  datapoints_to_alarm = 2
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"

  alarm_actions = var.alarm_sns_topic_arns
  ok_actions    = var.alarm_sns_topic_arns

  tags = var.tags

  lifecycle {
    precondition {
      condition     = local.alarm_evaluation_periods >= 2
      error_message = "alarm_no_success_minutes must cover at least two periods (${local.alarm_period_seconds / 60} minutes each), or every late run would alarm."
    }

    precondition {
      condition     = local.alarm_evaluation_periods * local.alarm_period_seconds <= 86400
      error_message = "CloudWatch evaluates an alarm over at most one day: with ${var.schedule}, ${local.alarm_evaluation_periods} periods of ${local.alarm_period_seconds / 60} minutes are too long. Lower alarm_no_success_minutes, or use a schedule of at most rate(12 hours) with alarms."
    }
  }
}

# RunsSucceeded is the handler's EMF metric: 1 per run that finished. No data
# at all counts as breaching, so a schedule that stopped firing alarms too.
resource "aws_cloudwatch_metric_alarm" "no_success" {
  count = var.create_alarms && local.scheduled ? 1 : 0

  alarm_name        = "${var.name}-no-successful-run"
  alarm_description = "No run of the ${var.name} function succeeded for ${local.alarm_evaluation_periods * local.alarm_period_seconds / 60} minutes: CashOuts are not being reported."

  namespace           = "pxstream"
  metric_name         = "RunsSucceeded"
  dimensions          = local.alarm_dimensions
  statistic           = "Sum"
  period              = local.alarm_period_seconds
  evaluation_periods  = local.alarm_evaluation_periods
  datapoints_to_alarm = local.alarm_evaluation_periods
  threshold           = 1
  comparison_operator = "LessThanThreshold"
  treat_missing_data  = "breaching"

  alarm_actions = var.alarm_sns_topic_arns
  ok_actions    = var.alarm_sns_topic_arns

  tags = var.tags

  lifecycle {
    precondition {
      condition     = local.schedule_kind != "cron" || var.alarm_no_success_minutes != null
      error_message = "With a cron() schedule the module cannot tell how often it runs: set alarm_no_success_minutes (a multiple of 5, at least twice the longest gap between two runs)."
    }

    precondition {
      condition     = local.schedule_kind != "cron" || try(var.alarm_no_success_minutes % 5 == 0, true)
      error_message = "With a cron() schedule the alarms evaluate 5-minute periods: alarm_no_success_minutes must be a multiple of 5."
    }
  }
}

# CursorLagSeconds (EMF): how far the checkpoint is behind now after a run.
# A lag that stays high means catch-up does not keep up (slices pending,
# a window past max_catchup_hours, a function too short for its backlog).
resource "aws_cloudwatch_metric_alarm" "cursor_lag" {
  count = var.create_alarms && local.scheduled ? 1 : 0

  alarm_name        = "${var.name}-cursor-lag"
  alarm_description = "The ${var.name} function's checkpoint stayed more than ${local.cursor_lag_threshold_seconds / 60} minutes behind now for 2 periods: CashOuts are reported late. See the summaries' slices and unscanned fields."

  namespace           = "pxstream"
  metric_name         = "CursorLagSeconds"
  dimensions          = local.alarm_dimensions
  statistic           = "Maximum"
  period              = local.alarm_period_seconds
  evaluation_periods  = 2
  datapoints_to_alarm = 2
  threshold           = local.cursor_lag_threshold_seconds
  comparison_operator = "GreaterThanThreshold"
  # No data is the no-success alarm's case.
  treat_missing_data = "notBreaching"

  alarm_actions = var.alarm_sns_topic_arns
  ok_actions    = var.alarm_sns_topic_arns

  tags = var.tags
}

# Throttled asynchronous invocations are retried by Lambda, so one throttled
# period does not page; throttling in two periods of the window does.
resource "aws_cloudwatch_metric_alarm" "throttles" {
  count = var.create_alarms ? 1 : 0

  alarm_name        = "${var.name}-throttles"
  alarm_description = "The ${var.name} function was throttled in 2 of the last ${local.alarm_evaluation_periods} periods: the account's concurrency (or reserved_concurrent_executions) is exhausted and runs are delayed."

  namespace           = "AWS/Lambda"
  metric_name         = "Throttles"
  dimensions          = local.alarm_dimensions
  statistic           = "Sum"
  period              = local.alarm_period_seconds
  evaluation_periods  = local.alarm_evaluation_periods
  datapoints_to_alarm = 2
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"

  alarm_actions = var.alarm_sns_topic_arns
  ok_actions    = var.alarm_sns_topic_arns

  tags = var.tags
}

# An asynchronous event (a scheduled run or a push delivery) that failed every
# retry or grew older than its maximum age. With a state bucket the next
# scheduled run reports its CashOuts; without one a push delivery is lost.
resource "aws_cloudwatch_metric_alarm" "async_events_dropped" {
  count = var.create_alarms ? 1 : 0

  alarm_name        = "${var.name}-async-events-dropped"
  alarm_description = "Lambda dropped an asynchronous event of the ${var.name} function after its retries or maximum age (sent to the on-failure destination when one is set). Check the errors of the function's log group."

  namespace           = "AWS/Lambda"
  metric_name         = "AsyncEventsDropped"
  dimensions          = local.alarm_dimensions
  statistic           = "Sum"
  period              = local.alarm_period_seconds
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"

  alarm_actions = var.alarm_sns_topic_arns
  ok_actions    = var.alarm_sns_topic_arns

  tags = var.tags
}
