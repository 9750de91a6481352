variable "region" {
  description = "AWS region to deploy to."
  type        = string
  default     = "sa-east-1"
}

variable "state_bucket" {
  description = "Existing bucket that holds the checkpoint object (lastId.txt) and the configuration document."
  type        = string
}

variable "slack_webhook_url" {
  description = "Slack incoming webhook URL, stored as an SSM SecureString. Ephemeral: set TF_VAR_slack_webhook_url for every plan and apply; it is kept in neither state nor plan files."
  type        = string
  sensitive   = true
  ephemeral   = true
}
