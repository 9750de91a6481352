# The smallest deployment: one account, the documented defaults, a webhook
# stored by the module as an SSM SecureString (written once, write-only: never
# in state or plans), an existing state bucket. Run `make build` at the
# repository root first: the module deploys dist/pxstream.zip.

provider "aws" {
  region = var.region
}

module "pxstream" {
  source = "../../"

  log_group_names   = ["/aws/lambda/pix-payload"]
  watched_accounts  = { "23463567342345" = "Tesouraria" }
  state_bucket      = var.state_bucket
  schedule          = "rate(5 minutes)"
  slack_webhook_url = var.slack_webhook_url

  tags = {
    Project = "pxstream"
  }
}
