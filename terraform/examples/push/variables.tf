variable "region" {
  description = "AWS region to deploy to."
  type        = string
  default     = "sa-east-1"
}

variable "state_bucket" {
  description = "Name of the state bucket the module creates (checkpoint shared by push and scheduled runs, configuration document)."
  type        = string
}

variable "slack_webhook_url" {
  description = "Slack incoming webhook URL, stored as an SSM SecureString. Ephemeral: set TF_VAR_slack_webhook_url for every plan and apply; it is kept in neither state nor plan files."
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "alarm_sns_topic_arn" {
  description = "Existing SNS topic for the alarms. null: create one, encrypted with a new customer KMS key that CloudWatch may use."
  type        = string
  default     = null
}
