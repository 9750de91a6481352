variable "region" {
  description = "AWS region of both accounts' deployments."
  type        = string
  default     = "sa-east-1"
}

variable "payments_account_id" {
  description = "AWS account id of the payments workload."
  type        = string
}

variable "cards_account_id" {
  description = "AWS account id of the cards workload."
  type        = string
}

variable "deploy_role_name" {
  description = "Role that the deployment assumes in each account."
  type        = string
  default     = "terraform-deploy"
}

variable "watched_accounts" {
  description = "Session.accountName values to alert on, in both accounts, each with its label (\"\" for none)."
  type        = map(string)
}

variable "slack_webhook_url" {
  description = "Slack incoming webhook URL (one SecureString per account). Ephemeral: set TF_VAR_slack_webhook_url for every plan and apply."
  type        = string
  sensitive   = true
  ephemeral   = true
}
