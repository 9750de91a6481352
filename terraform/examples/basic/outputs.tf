output "lambda_function_name" {
  description = "Name of the deployed function."
  value       = module.pxstream.lambda_function_name
}

output "schedule_name" {
  description = "Name of the schedule that runs it."
  value       = module.pxstream.schedule_name
}

output "lambda_policy_json" {
  description = "The function's IAM policy."
  value       = module.pxstream.lambda_policy_json
}

output "slack_webhook_parameter_name" {
  description = "The SecureString holding the webhook."
  value       = module.pxstream.slack_webhook_parameter_name
}
