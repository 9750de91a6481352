output "lambda_function_name" {
  description = "Name of the Lambda function."
  value       = aws_lambda_function.this.function_name
}

output "lambda_function_arn" {
  description = "ARN of the Lambda function."
  value       = aws_lambda_function.this.arn
}

output "lambda_role_arn" {
  description = "ARN of the function's IAM role."
  value       = aws_iam_role.lambda.arn
}

output "lambda_role_name" {
  description = "Name of the function's IAM role."
  value       = aws_iam_role.lambda.name
}

output "lambda_policy_json" {
  description = "The function's IAM policy: the documented template (modules/lambda-policy/templates) plus the statements the function needs besides it."
  value       = aws_iam_role_policy.lambda.policy
}

output "lambda_function_source_code_hash" {
  description = "Base64 SHA-256 of the deployed zip (compare with dist/pxstream.zip.sha256)."
  value       = aws_lambda_function.this.source_code_hash
}

output "cloudwatch_log_group_name" {
  description = "Name of the function's log group (its run summaries and EMF metrics)."
  value       = aws_cloudwatch_log_group.this.name
}

output "cloudwatch_log_group_arn" {
  description = "ARN of the function's log group."
  value       = aws_cloudwatch_log_group.this.arn
}

output "schedule_name" {
  description = "Name of the EventBridge Scheduler schedule, or null when create_schedule is false."
  value       = try(aws_scheduler_schedule.this[0].name, null)
}

output "schedule_arn" {
  description = "ARN of the EventBridge Scheduler schedule, or null when create_schedule is false."
  value       = try(aws_scheduler_schedule.this[0].arn, null)
}

output "scheduler_role_arn" {
  description = "ARN of the role the schedule uses to invoke the function, or null when create_schedule is false."
  value       = try(aws_iam_role.scheduler[0].arn, null)
}

output "slack_webhook_parameter_name" {
  description = "Name of the SSM SecureString the function reads the webhook URL from."
  value       = var.create_slack_webhook_parameter ? aws_ssm_parameter.slack_webhook[0].name : local.slack_webhook_parameter_name
}

output "slack_webhook_parameter_arn" {
  description = "ARN of the SSM SecureString the function reads the webhook URL from."
  value       = var.create_slack_webhook_parameter ? aws_ssm_parameter.slack_webhook[0].arn : local.slack_webhook_parameter_arn
}

output "state_bucket_name" {
  description = "Bucket of the checkpoint object and the configuration document."
  value       = var.create_state_bucket ? aws_s3_bucket.state[0].id : var.state_bucket
}

output "state_bucket_arn" {
  description = "ARN of that bucket."
  value       = var.create_state_bucket ? aws_s3_bucket.state[0].arn : "arn:${local.partition}:s3:::${var.state_bucket}"
}

output "config_object_key" {
  description = "Key of the configuration document (watch list and rules) in the state bucket."
  value       = aws_s3_object.config.key
}

output "receiver_key_parameter_name" {
  description = "Name of the SecureString holding the newReceiver rules' HMAC key, or null when no rule uses newReceiver."
  value       = local.uses_new_receiver ? (local.create_receiver_key ? aws_ssm_parameter.receiver_key[0].name : local.receiver_key_parameter_name) : null
}

output "state_object_key" {
  description = "Key of the checkpoint object."
  value       = var.state_object_key
}

output "subscription_filter_log_group_names" {
  description = "Log groups subscribed to the function in push mode (empty when push mode is off)."
  value       = local.subscription_log_group_names
}

output "alarm_arns" {
  description = "ARNs of the alarms the module created, by alarm: errors, no_success, cursor_lag, throttles, async_events_dropped (empty when create_alarms is false; no_success and cursor_lag only with a schedule)."
  value = merge(
    { for a in aws_cloudwatch_metric_alarm.errors : "errors" => a.arn },
    { for a in aws_cloudwatch_metric_alarm.no_success : "no_success" => a.arn },
    { for a in aws_cloudwatch_metric_alarm.cursor_lag : "cursor_lag" => a.arn },
    { for a in aws_cloudwatch_metric_alarm.throttles : "throttles" => a.arn },
    { for a in aws_cloudwatch_metric_alarm.async_events_dropped : "async_events_dropped" => a.arn },
  )
}

output "subscription_filter_pattern" {
  description = "Filter pattern of the push-mode subscription filters."
  value       = local.subscription_filter_pattern
}
