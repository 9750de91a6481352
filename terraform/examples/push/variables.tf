variable "region" {
  description = "AWS region to deploy to."
  type        = string
  default     = "sa-east-1"
}

variable "state_bucket" {
  description = "Name of the state bucket the module creates."
  type        = string
}

variable "slack_webhook_url" {
  description = "Slack incoming webhook URL (stored as an SSM SecureString)."
  type        = string
  sensitive   = true
}
