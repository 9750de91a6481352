resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_50:X-Ray tracing needs xray:PutTraceSegments on Resource "*", which this module's policy never grants; the run summary and EMF metrics are logged instead.
  #checkov:skip=CKV_AWS_116:A DLQ is the older form of an on-failure destination: aws_lambda_function_event_invoke_config sets retries and event age per mode and sends failed events to async_on_failure_destination_arn when given; the AsyncEventsDropped alarm tells when one is lost, and with a state bucket the next scheduled run reports what a failed push run could not.
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

  # null: no reservation (the provider's -1).
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
    system_log_level      = var.system_log_level
  }

  tags = var.tags

  # The parameters and the configuration object are referenced through the
  # environment; the policy must be in place before the first invocation.
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
      condition     = !local.uses_new_receiver || var.create_receiver_key_parameter || var.receiver_key_parameter_name != null
      error_message = "A rule uses newReceiver and create_receiver_key_parameter is false: name the existing SecureString holding the HMAC key in receiver_key_parameter_name."
    }

    precondition {
      condition     = !local.package_from_s3 || (var.package_s3_key != null && var.package_source_code_hash != null)
      error_message = "package_s3_bucket is set: set package_s3_key and package_source_code_hash (the content of dist/pxstream.zip.sha256) too."
    }

    precondition {
      condition     = local.package_exists
      error_message = "The function's zip ${local.package_path} does not exist. Run `make build` in the pxstream repository first. With a git or registry source of the module, dist/ is not in the source: build the same version and set package_path = \"$${path.root}/dist/pxstream.zip\" (or publish the zip to S3 and set package_s3_bucket)."
    }

    # The function's own log lines (summaries, metrics) read or delivered back
    # to it would make every run produce input for the next, forever.
    precondition {
      condition     = !contains(concat(var.log_group_names, local.subscription_log_group_names), local.log_group_name)
      error_message = "The function's own log group ${local.log_group_name} is in log_group_names or subscription_filter_log_group_names: the function would read (or be invoked by) its own output in a loop. Remove it."
    }
  }
}

# Both the schedule and the subscriptions invoke the function asynchronously.
resource "aws_lambda_function_event_invoke_config" "this" {
  function_name                = aws_lambda_function.this.function_name
  maximum_retry_attempts       = local.async_maximum_retry_attempts
  maximum_event_age_in_seconds = local.async_maximum_event_age_in_seconds

  dynamic "destination_config" {
    for_each = var.async_on_failure_destination_arn == null ? [] : [var.async_on_failure_destination_arn]
    content {
      on_failure {
        destination = var.async_on_failure_destination_arn
      }
    }
  }
}
