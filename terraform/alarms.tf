################################################################################
# Alarms (optional)
################################################################################

resource "aws_cloudwatch_metric_alarm" "errors" {
  count = var.create_alarms ? 1 : 0

  alarm_name        = "${var.name}-errors"
  alarm_description = "The ${var.name} function failed: a Slack post, S3 checkpoint, SSM or CloudWatch Logs call did not succeed. Its log group names the cause."

  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = aws_lambda_function.this.function_name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"

  alarm_actions = var.alarm_sns_topic_arns
  ok_actions    = var.alarm_sns_topic_arns

  tags = var.tags
}

# RunsSucceeded is the handler's EMF metric: 1 per run that finished. No data
# at all counts as breaching, so a schedule that stopped firing alarms too.
resource "aws_cloudwatch_metric_alarm" "no_success" {
  count = var.create_alarms && var.create_schedule ? 1 : 0

  alarm_name        = "${var.name}-no-successful-run"
  alarm_description = "No run of the ${var.name} function succeeded for ${var.alarm_no_success_minutes} minutes: CashOuts are not being reported."

  namespace           = "pxstream"
  metric_name         = "RunsSucceeded"
  dimensions          = { FunctionName = aws_lambda_function.this.function_name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = var.alarm_no_success_minutes / 5
  datapoints_to_alarm = var.alarm_no_success_minutes / 5
  threshold           = 1
  comparison_operator = "LessThanThreshold"
  treat_missing_data  = "breaching"

  alarm_actions = var.alarm_sns_topic_arns
  ok_actions    = var.alarm_sns_topic_arns

  tags = var.tags
}
