# One instance of the module per AWS account, from one root module: each
# provider alias assumes a deployment role in its account, and each module
# instance gets its provider through `providers`. The SSM parameter, bucket
# and log groups of an instance all live in its own account.

provider "aws" {
  alias  = "payments"
  region = var.region

  assume_role {
    role_arn = "arn:aws:iam::${var.payments_account_id}:role/${var.deploy_role_name}"
  }
}

provider "aws" {
  alias  = "cards"
  region = var.region

  assume_role {
    role_arn = "arn:aws:iam::${var.cards_account_id}:role/${var.deploy_role_name}"
  }
}

module "pxstream_payments" {
  source = "../../"
  providers = {
    aws = aws.payments
  }

  log_group_names   = ["/aws/lambda/pix-payload"]
  watched_accounts  = var.watched_accounts
  state_bucket      = "pxstream-state-${var.payments_account_id}"
  slack_webhook_url = var.slack_webhook_url

  create_state_bucket = true

  tags = {
    Project = "pxstream"
    Account = "payments"
  }
}

module "pxstream_cards" {
  source = "../../"
  providers = {
    aws = aws.cards
  }

  log_group_names   = ["/aws/lambda/pix-cards-payload"]
  watched_accounts  = var.watched_accounts
  state_bucket      = "pxstream-state-${var.cards_account_id}"
  slack_webhook_url = var.slack_webhook_url

  create_state_bucket = true

  tags = {
    Project = "pxstream"
    Account = "cards"
  }
}
