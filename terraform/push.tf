################################################################################
# Push mode (optional): CloudWatch Logs delivers new events to the function
################################################################################

resource "aws_lambda_permission" "logs" {
  for_each = toset(local.subscription_log_group_names)

  statement_id   = "pxstream-logs-${substr(sha256(each.value), 0, 16)}"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.this.function_name
  principal      = "logs.amazonaws.com"
  source_arn     = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${each.value}:*"
  source_account = local.account_id
}

# With server_side_filter (the default) only events holding the term
# transactionId are delivered: every CashOut line holds it.
resource "aws_cloudwatch_log_subscription_filter" "this" {
  for_each = toset(local.subscription_log_group_names)

  name            = var.name
  log_group_name  = each.value
  filter_pattern  = local.subscription_filter_pattern
  destination_arn = aws_lambda_function.this.arn

  depends_on = [aws_lambda_permission.logs, aws_lambda_function_event_invoke_config.this]
}
