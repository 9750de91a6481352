resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_50:X-Ray tracing needs xray:PutTraceSegments on Resource "*", which this module's policy never grants; the run summary and EMF metrics are logged instead.
  #checkov:skip=CKV_AWS_116:No DLQ: a failed scheduled run changes no checkpoint and the next run reads the same window again; async retries cover push deliveries.
  #checkov:skip=CKV_AWS_117:Not in a VPC: the function reaches only AWS APIs and the Slack webhook on the internet, and no private resource.
  #checkov:skip=CKV_AWS_173:The environment holds no secret (the webhook stays in SSM, only its name is here); kms_key_arn adds a customer key for those who want one.
  #checkov:skip=CKV_AWS_272:Code signing needs a signing profile the operator's pipeline owns; the module deploys the hash-pinned zip from make build.
  function_name = var.name
  description   = var.description
  role          = aws_iam_role.lambda.arn
  handler       = "index.handler"
  runtime       = var.runtime
  architectures = [var.architecture]
  memory_size   = var.memory_size
  timeout       = var.timeout
  kms_key_arn   = var.kms_key_arn

  reserved_concurrent_executions = var.reserved_concurrent_executions

  filename          = local.package_from_s3 ? null : local.package_path
  s3_bucket         = var.package_s3_bucket
  s3_key            = var.package_s3_key
  s3_object_version = var.package_s3_object_version
  source_code_hash  = local.source_code_hash

  environment {
    variables = local.environment
  }

  logging_config {
    log_format            = "JSON"
    log_group             = aws_cloudwatch_log_group.this.name
    application_log_level = var.application_log_level
    system_log_level      = "WARN"
  }

  tags = var.tags

  depends_on = [
    aws_cloudwatch_log_group.this,
    aws_iam_role_policy.lambda,
  ]

  lifecycle {
    precondition {
      condition     = var.create_slack_webhook_parameter || var.slack_webhook_parameter_name != null
      error_message = "create_slack_webhook_parameter is false: name the existing SecureString in slack_webhook_parameter_name."
    }

    precondition {
      condition     = !local.package_from_s3 || (var.package_s3_key != null && var.package_source_code_hash != null)
      error_message = "package_s3_bucket is set: set package_s3_key and package_source_code_hash (the content of dist/pxstream.zip.sha256) too."
    }
  }
}
