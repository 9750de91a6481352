output "lambda_function_name" {
  description = "Name of the deployed function."
  value       = module.pxstream.lambda_function_name
}

output "subscription_filter_log_group_names" {
  description = "Log groups that deliver to the function."
  value       = module.pxstream.subscription_filter_log_group_names
}

output "schedule_arn" {
  description = "null: push mode runs without a schedule."
  value       = module.pxstream.schedule_arn
}
