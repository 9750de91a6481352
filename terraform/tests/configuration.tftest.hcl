# What the module deploys for the handler: its environment, the configuration
# document, the webhook parameter, push mode and the asynchronous invocation
# settings per mode. Plan-only, against a mock AWS provider.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  package_path      = "./tests/fixtures/pxstream.zip"
  log_group_names   = ["/aws/lambda/pix-payload", "/ecs/pix-gateway"]
  watched_accounts  = { "23463567342345" = "Tesouraria SP", "98765432100011" = "" }
  state_bucket      = "infosec-workloads-info"
  slack_webhook_url = "https://hooks.slack.com/services/T000/B000/XXXX"
}

run "environment_of_a_scheduled_deployment" {
  command = plan

  assert {
    condition = aws_lambda_function.this.environment[0].variables == tomap({
      PXSTREAM_LOG_GROUPS              = "/aws/lambda/pix-payload,/ecs/pix-gateway"
      PXSTREAM_CONFIG_KEY              = "pxstream/config.json"
      PXSTREAM_STATE_BUCKET            = "infosec-workloads-info"
      PXSTREAM_STATE_KEY               = "lastId.txt"
      PXSTREAM_SLACK_WEBHOOK_PARAMETER = "/pxstream/slack-webhook-url"
      PXSTREAM_LOOKBACK_MINUTES        = "5"
      PXSTREAM_DRY_RUN                 = "false"
      PXSTREAM_OVERLAP_MINUTES         = "15"
      PXSTREAM_SLICE_MINUTES           = "60"
      PXSTREAM_MAX_CATCHUP_HOURS       = "72"
      PXSTREAM_SLACK_TIMEOUT_SECONDS   = "10"
      PXSTREAM_PUSH_COALESCE_SECONDS   = "0"
      PXSTREAM_SERVER_FILTER           = "true"
    })
    error_message = "Unexpected environment (no watch list may go there): ${jsonencode(aws_lambda_function.this.environment[0].variables)}"
  }

  assert {
    condition     = aws_s3_object.config.content == jsonencode({ accounts = { "23463567342345" = "Tesouraria SP", "98765432100011" = "" } })
    error_message = "Without rules the document holds the labelled watch list only (the handler's default rule \"watched\"): ${aws_s3_object.config.content}"
  }

  assert {
    condition     = aws_s3_object.config.bucket == "infosec-workloads-info" && aws_s3_object.config.server_side_encryption == "AES256" && aws_s3_object.config.content_type == "application/json"
    error_message = "The configuration object must be SSE-S3 encrypted JSON in the state bucket."
  }

  assert {
    condition     = aws_lambda_function.this.reserved_concurrent_executions == null
    error_message = "No concurrency is reserved by default."
  }

  assert {
    condition     = aws_lambda_function.this.logging_config[0].log_format == "JSON" && aws_lambda_function.this.logging_config[0].application_log_level == "INFO" && aws_lambda_function.this.logging_config[0].system_log_level == "INFO"
    error_message = "JSON logs at INFO, platform REPORT lines kept."
  }

  assert {
    condition     = aws_lambda_function_event_invoke_config.this.maximum_retry_attempts == 0 && aws_lambda_function_event_invoke_config.this.maximum_event_age_in_seconds == 300 && length(aws_lambda_function_event_invoke_config.this.destination_config) == 0
    error_message = "With the schedule only: no async retry (the next run reads the window again) and events as old as one period."
  }

  assert {
    condition     = length(aws_cloudwatch_log_subscription_filter.this) == 0 && length(aws_scheduler_schedule.this) == 1
    error_message = "Scheduled mode has a schedule and no subscription."
  }
}

# The webhook is written only through the write-only argument (the e2e test,
# test/terraform/deploy.test.ts, checks that state and plan never hold it).
run "webhook_parameter_is_write_only" {
  command = plan

  variables {
    slack_webhook_url_version = 2
  }

  assert {
    condition     = aws_ssm_parameter.slack_webhook[0].value_wo_version == 2 && aws_ssm_parameter.slack_webhook[0].type == "SecureString"
    error_message = "The webhook parameter must be a SecureString written with value_wo at the given version."
  }

  assert {
    condition     = aws_ssm_parameter.slack_webhook[0].name == "/pxstream/slack-webhook-url"
    error_message = "Default parameter name."
  }
}

run "existing_webhook_parameter" {
  command = plan

  variables {
    create_slack_webhook_parameter = false
    slack_webhook_url              = null
    slack_webhook_parameter_name   = "/platform/pxstream/webhook"
  }

  assert {
    condition     = length(aws_ssm_parameter.slack_webhook) == 0 && aws_lambda_function.this.environment[0].variables.PXSTREAM_SLACK_WEBHOOK_PARAMETER == "/platform/pxstream/webhook"
    error_message = "An existing parameter is named, not created."
  }
}

run "rules_document" {
  command = plan

  variables {
    config_object_key        = "pxstream/rules.json"
    state_bucket_kms_key_arn = "arn:aws:kms:sa-east-1:123456789012:key/5555eeee-6666-ffff-7777-000088889999"
    rules = [
      { name = "contas vigiadas" },
      { name = "acima de R$ 50 mil", accounts = ["*"], minAmount = 5000000, mention = "here" },
      { name = "limite noturno", hours = [20, 6], window = { minutes = 600, sum = 100000 } },
      { name = "rajada", accounts = ["23463567342345", "11122233344455"], window = { minutes = 10, count = 5 } },
      { name = "chave nova", newReceiver = { days = 30 }, mention = "S0123ABCD" },
    ]
  }

  assert {
    condition = jsondecode(aws_s3_object.config.content) == {
      accounts = { "23463567342345" = "Tesouraria SP", "98765432100011" = "" }
      rules = [
        { name = "contas vigiadas" },
        { name = "acima de R$ 50 mil", accounts = "*", minAmount = 5000000, mention = "here" },
        { name = "limite noturno", hours = [20, 6], window = { minutes = 600, sum = 100000 } },
        { name = "rajada", accounts = ["23463567342345", "11122233344455"], window = { minutes = 10, count = 5 } },
        { name = "chave nova", newReceiver = { days = 30 }, mention = "S0123ABCD" },
      ]
    }
    error_message = "The document must be the contract's, unset fields left out: ${aws_s3_object.config.content}"
  }

  assert {
    condition     = aws_s3_object.config.key == "pxstream/rules.json" && aws_s3_object.config.server_side_encryption == "aws:kms" && aws_s3_object.config.kms_key_id == "arn:aws:kms:sa-east-1:123456789012:key/5555eeee-6666-ffff-7777-000088889999"
    error_message = "With a state bucket key, the document is SSE-KMS encrypted with it."
  }

  assert {
    condition     = aws_lambda_function.this.environment[0].variables.PXSTREAM_RECEIVER_KEY_PARAMETER == "/pxstream/receiver-key" && aws_lambda_function.this.environment[0].variables.PXSTREAM_CONFIG_KEY == "pxstream/rules.json"
    error_message = "A newReceiver rule needs the HMAC key parameter named in the environment."
  }

  assert {
    condition     = aws_ssm_parameter.receiver_key[0].type == "SecureString" && aws_ssm_parameter.receiver_key[0].value_wo_version == 1
    error_message = "The HMAC key is a SecureString written once, write-only."
  }
}

run "no_receiver_key_without_new_receiver_rules" {
  command = plan

  variables {
    rules = [{ name = "rajada", window = { minutes = 10, count = 5 } }]
  }

  assert {
    condition     = length(aws_ssm_parameter.receiver_key) == 0 && !contains(keys(aws_lambda_function.this.environment[0].variables), "PXSTREAM_RECEIVER_KEY_PARAMETER")
    error_message = "No HMAC key without a newReceiver rule."
  }
}

# Push and schedule over the same groups: the recommended mode.
run "push_with_schedule_as_safety_net" {
  command = plan

  variables {
    create_subscription_filters = true
    schedule                    = "rate(15 minutes)"
  }

  assert {
    condition     = length(aws_scheduler_schedule.this) == 1 && toset(keys(aws_cloudwatch_log_subscription_filter.this)) == toset(["/aws/lambda/pix-payload", "/ecs/pix-gateway"])
    error_message = "Push mode subscribes every read group and keeps the schedule."
  }

  assert {
    condition     = alltrue([for f in aws_cloudwatch_log_subscription_filter.this : f.filter_pattern == "\"transactionId\""])
    error_message = "With server_side_filter only lines holding transactionId are delivered."
  }

  assert {
    condition     = aws_lambda_function.this.environment[0].variables.PXSTREAM_PUSH_COALESCE_SECONDS == "60"
    error_message = "Push mode coalesces for 60 s by default."
  }

  assert {
    condition     = aws_lambda_function_event_invoke_config.this.maximum_retry_attempts == 2 && aws_lambda_function_event_invoke_config.this.maximum_event_age_in_seconds == 21600
    error_message = "Push deliveries get Lambda's two retries and six hours."
  }
}

run "push_without_server_filter_and_with_a_destination" {
  command = plan

  variables {
    create_subscription_filters      = true
    create_schedule                  = false
    server_side_filter               = false
    push_coalesce_seconds            = 5
    async_on_failure_destination_arn = "arn:aws:sns:sa-east-1:123456789012:pxstream-failed"
  }

  assert {
    condition     = alltrue([for f in aws_cloudwatch_log_subscription_filter.this : f.filter_pattern == ""]) && aws_lambda_function.this.environment[0].variables.PXSTREAM_SERVER_FILTER == "false"
    error_message = "server_side_filter = false delivers and reads every event."
  }

  assert {
    condition     = aws_lambda_function.this.environment[0].variables.PXSTREAM_PUSH_COALESCE_SECONDS == "5"
    error_message = "push_coalesce_seconds is passed."
  }

  assert {
    condition     = aws_lambda_function_event_invoke_config.this.destination_config[0].on_failure[0].destination == "arn:aws:sns:sa-east-1:123456789012:pxstream-failed"
    error_message = "Failed events go to the destination."
  }
}

run "subscription_pattern_override" {
  command = plan

  variables {
    create_subscription_filters = true
    subscription_filter_pattern = "\"transactionId\" \"Session\""
  }

  assert {
    condition     = alltrue([for f in aws_cloudwatch_log_subscription_filter.this : f.filter_pattern == "\"transactionId\" \"Session\""])
    error_message = "subscription_filter_pattern overrides the default."
  }
}

# The scheduler's role is for this schedule only, and may decrypt its input.
run "scheduler_role" {
  command = plan

  variables {
    schedule_kms_key_arn = "arn:aws:kms:sa-east-1:123456789012:key/abcd"
  }

  # The policy names the function's ARN, known only after apply.
  override_resource {
    target          = aws_lambda_function.this
    override_during = plan
    values          = { arn = "arn:aws:lambda:sa-east-1:123456789012:function:pxstream" }
  }

  assert {
    condition = jsondecode(aws_iam_role.scheduler[0].assume_role_policy).Statement[0].Condition == {
      StringEquals = { "aws:SourceAccount" = "123456789012" }
      ArnEquals    = { "aws:SourceArn" = "arn:aws:scheduler:sa-east-1:123456789012:schedule/default/pxstream" }
    }
    error_message = "The trust policy must name the account and the schedule."
  }

  assert {
    condition = jsondecode(aws_iam_role_policy.scheduler[0].policy).Statement == [
      { Effect = "Allow", Action = "lambda:InvokeFunction", Resource = "arn:aws:lambda:sa-east-1:123456789012:function:pxstream" },
      { Effect = "Allow", Action = "kms:Decrypt", Resource = "arn:aws:kms:sa-east-1:123456789012:key/abcd" },
    ]
    error_message = "With schedule_kms_key_arn the scheduler's role may decrypt with it."
  }
}

run "scheduler_role_without_key" {
  command = plan

  override_resource {
    target          = aws_lambda_function.this
    override_during = plan
    values          = { arn = "arn:aws:lambda:sa-east-1:123456789012:function:pxstream" }
  }

  assert {
    condition     = length(jsondecode(aws_iam_role_policy.scheduler[0].policy).Statement) == 1
    error_message = "Without a schedule key the scheduler's role may only invoke the function."
  }
}
