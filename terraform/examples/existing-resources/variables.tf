variable "region" {
  description = "AWS region to deploy to."
  type        = string
  default     = "sa-east-1"
}

variable "state_bucket" {
  description = "Existing bucket that holds the checkpoint object."
  type        = string
}

variable "state_bucket_kms_key_arn" {
  description = "Customer KMS key that encrypts the state bucket."
  type        = string
}

variable "slack_webhook_parameter_name" {
  description = "Existing SSM SecureString holding the webhook URL."
  type        = string
  default     = "/pxstream/slack-webhook-url"
}

variable "slack_webhook_kms_key_arn" {
  description = "Customer KMS key that encrypts the webhook parameter."
  type        = string
}

variable "package_s3_bucket" {
  description = "Bucket the pipeline publishes dist/pxstream.zip to."
  type        = string
}

variable "package_s3_key" {
  description = "Key of the published zip."
  type        = string
}

variable "package_source_code_hash" {
  description = "Content of the published dist/pxstream.zip.sha256 (base64 SHA-256 of the zip)."
  type        = string
}

variable "role_permissions_boundary" {
  description = "Permissions boundary the platform team requires on every role."
  type        = string
}

variable "alarm_sns_topic_arn" {
  description = "SNS topic of the on-call channel."
  type        = string
}

variable "failed_invocations_queue_arn" {
  description = "SQS queue that receives asynchronous invocations that failed every retry (they hold the event: protect the queue like the logs)."
  type        = string
}
