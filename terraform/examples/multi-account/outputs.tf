output "lambda_function_arns" {
  description = "ARN of the function in each account."
  value = {
    payments = module.pxstream_payments.lambda_function_arn
    cards    = module.pxstream_cards.lambda_function_arn
  }
}
