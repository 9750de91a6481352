output "lambda_function_name" {
  description = "Name of the deployed function."
  value       = module.pxstream.lambda_function_name
}

output "subscription_filter_log_group_names" {
  description = "Log groups that deliver to the function."
  value       = module.pxstream.subscription_filter_log_group_names
}

output "schedule_name" {
  description = "The safety-net schedule."
  value       = module.pxstream.schedule_name
}

output "state_bucket_arn" {
  description = "The state bucket the module created."
  value       = module.pxstream.state_bucket_arn
}

output "alarm_arns" {
  description = "ARNs of the alarms, by alarm."
  value       = module.pxstream.alarm_arns
}

output "alarm_topic_arn" {
  description = "The topic the alarms notify."
  value       = local.alarm_topic_arn
}
