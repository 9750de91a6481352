variable "region" {
  description = "AWS region to deploy to."
  type        = string
  default     = "sa-east-1"
}

variable "state_bucket" {
  description = "Existing bucket that holds the checkpoint object (lastId.txt)."
  type        = string
}

variable "slack_webhook_url" {
  description = "Slack incoming webhook URL (stored as an SSM SecureString)."
  type        = string
  sensitive   = true
}
