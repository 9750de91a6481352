output "lambda_function_arn" {
  description = "ARN of the deployed function."
  value       = module.pxstream.lambda_function_arn
}

output "lambda_policy_json" {
  description = "The function's IAM policy."
  value       = module.pxstream.lambda_policy_json
}

output "alarm_arns" {
  description = "ARNs of the alarms, by alarm."
  value       = module.pxstream.alarm_arns
}
