output "lambda_function_name" {
  description = "Name of the deployed function."
  value       = module.pxstream.lambda_function_name
}

output "schedule_arn" {
  description = "ARN of the schedule that runs it."
  value       = module.pxstream.schedule_arn
}

output "lambda_policy_json" {
  description = "The function's IAM policy."
  value       = module.pxstream.lambda_policy_json
}
