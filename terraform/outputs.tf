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
  description = "The function's IAM policy, as rendered from templates/lambda-policy.json.tftpl."
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
  description = "Bucket of the checkpoint object."
  value       = local.state_bucket_name
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
  description = "ARNs of the alarms the module created (empty when create_alarms is false)."
  value       = concat(aws_cloudwatch_metric_alarm.errors[*].arn, aws_cloudwatch_metric_alarm.no_success[*].arn)
}
