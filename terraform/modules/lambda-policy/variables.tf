# Every input is validated by the root module, which is the only caller.

variable "partition" {
  description = "AWS partition of every ARN (aws, aws-cn, aws-us-gov)."
  type        = string
}

variable "region" {
  description = "Region of the function, its log groups and its parameters."
  type        = string
}

variable "account_id" {
  description = "Account of the function, its log groups and its parameters."
  type        = string
}

variable "log_group_names" {
  description = "Log groups the function reads with logs:FilterLogEvents."
  type        = list(string)
}

variable "function_log_group_name" {
  description = "The function's own log group, which it writes."
  type        = string
}

variable "state_bucket" {
  description = "Bucket of the checkpoint (and of the configuration document)."
  type        = string
}

variable "state_object_key" {
  description = "Key of the checkpoint object, read and written."
  type        = string
}

variable "config_object_key" {
  description = "Key of the configuration document, read only. null: none."
  type        = string
  default     = null
}

variable "ssm_parameter_arns" {
  description = "SSM parameters the function reads with ssm:GetParameter (the webhook, the receiver-hash key)."
  type        = list(string)
}

variable "ssm_kms_key_arn" {
  description = "Customer KMS key of those parameters. null: alias/aws/ssm, which needs no grant."
  type        = string
  default     = null
}

variable "state_bucket_kms_key_arn" {
  description = "Customer KMS key of the state bucket's objects. null: SSE-S3."
  type        = string
  default     = null
}

variable "on_failure_destination_arn" {
  description = "SQS queue or SNS topic that receives failed asynchronous invocations. null: none."
  type        = string
  default     = null
}
