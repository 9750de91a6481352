# Every validation block refuses a bad value of its variable (and good values
# plan). Plan-only, against a mock AWS provider. Each run sets several bad
# values and expects exactly those variables to fail; test/terraform/
# terraform-test.test.ts checks that every validated variable is listed here.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  package_path      = "./tests/fixtures/pxstream.zip"
  log_group_names   = ["/aws/lambda/pix-payload"]
  watched_accounts  = { "23463567342345" = "Tesouraria SP" }
  state_bucket      = "infosec-workloads-info"
  slack_webhook_url = "https://hooks.slack.com/services/T000/B000/XXXX"
}

run "good_values_everything_set" {
  command = plan

  variables {
    name                                = "pxstream-payments_2"
    watched_accounts                    = { "23463567342345" = "Tesouraria SP", "98765432100011" = "" }
    schedule                            = "rate(1 minute)"
    schedule_timezone                   = "America/Sao_Paulo"
    cloudwatch_logs_retention_in_days   = 0
    reserved_concurrent_executions      = -1
    role_path                           = "/pxstream/"
    role_permissions_boundary           = "arn:aws:iam::123456789012:policy/boundary"
    slack_webhook_kms_key_arn           = "arn:aws:kms:sa-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    slack_webhook_url_version           = 3
    alarm_sns_topic_arns                = ["arn:aws:sns:sa-east-1:123456789012:oncall"]
    create_alarms                       = true
    alarm_no_success_minutes            = 10
    alarm_cursor_lag_minutes            = 90
    package_s3_bucket                   = "artifacts.example"
    package_s3_key                      = "pxstream/pxstream.zip"
    package_source_code_hash            = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
    create_subscription_filters         = true
    subscription_filter_log_group_names = ["/ecs/pix-gateway"]
    subscription_filter_pattern         = ""
    push_coalesce_seconds               = 0
    state_object_key                    = "pxstream/lastId.txt"
    config_object_key                   = "pxstream/config.json"
    receiver_key_parameter_name         = "/pxstream/payments/receiver-key"
    async_maximum_retry_attempts        = 1
    async_maximum_event_age_in_seconds  = 3600
    async_on_failure_destination_arn    = "arn:aws:sqs:sa-east-1:123456789012:pxstream-failed"
    application_log_level               = "DEBUG"
    system_log_level                    = "WARN"
    lookback_minutes                    = 4320
    max_catchup_hours                   = 72
    rules = [
      { name = "contas vigiadas" },
      { name = "acima de R$ 50 mil", accounts = ["*"], minAmount = 5000000, mention = "here" },
      { name = "limite noturno", hours = [20, 6], window = { minutes = 600, sum = 100000 } },
      { name = "rajada", window = { minutes = 10, count = 5 }, mention = "S0123ABCD" },
      { name = "chave nova", accounts = ["23463567342345"], newReceiver = { days = 30 }, mention = "U0123ABCD" },
    ]
  }
}

run "good_values_cron_and_existing_parameter" {
  command = plan

  variables {
    schedule                       = "cron(0/5 * * * ? *)"
    architecture                   = "x86_64"
    environment_variables          = { NODE_OPTIONS = "--enable-source-maps", AWS_LAMBDA_EXEC_WRAPPER = "/opt/wrapper" }
    create_slack_webhook_parameter = false
    slack_webhook_url              = null
    slack_webhook_parameter_name   = "/platform/pxstream/webhook"
    create_alarms                  = true
    alarm_no_success_minutes       = 30
    server_side_filter             = false
    watched_accounts               = {}
    rules                          = [{ name = "todas", accounts = ["*"] }]
  }
}

run "good_values_at_without_alarms" {
  command = plan

  variables {
    schedule          = "at(2026-12-01T09:00:00)"
    schedule_timezone = "UTC"
  }
}

run "bad_values_round_1" {
  command = plan

  variables {
    name                                            = "pxstream with spaces"
    log_group_names                                 = []
    watched_accounts                                = { "a,b" = "" }
    runtime                                         = "nodejs20.x"
    architecture                                    = "arm"
    memory_size                                     = 64
    timeout                                         = 901
    reserved_concurrent_executions                  = 0
    kms_key_arn                                     = "alias/aws/lambda"
    package_path                                    = "dist/pxstream.tar.gz"
    package_s3_bucket                               = "Bad_Bucket"
    package_s3_key                                  = "/pxstream.zip"
    package_source_code_hash                        = "not-a-hash"
    overlap_minutes                                 = 1.5
    slice_minutes                                   = 0
    max_catchup_hours                               = 337
    slack_timeout_seconds                           = 0
    push_coalesce_seconds                           = 901
    environment_variables                           = { PXSTREAM_DRY_RUN = "true" }
    cloudwatch_logs_retention_in_days               = 366
    cloudwatch_logs_kms_key_arn                     = "arn:aws:kms:sa-east-1:123456789012:alias/logs"
    application_log_level                           = "WARN"
    system_log_level                                = "ERROR"
    role_path                                       = "pxstream"
    role_permissions_boundary                       = "boundary"
    state_bucket                                    = "Infosec_Workloads"
    state_object_key                                = "/lastId.txt"
    state_bucket_kms_key_arn                        = "arn:aws:s3:::bucket"
    state_bucket_noncurrent_version_expiration_days = 0
    slack_webhook_url                               = "http://hooks.slack.com/x"
    slack_webhook_url_version                       = 0
    slack_webhook_parameter_name                    = "bad name"
    slack_webhook_kms_key_arn                       = "alias/aws/ssm"
    schedule                                        = "rate(5 minute)"
    schedule_timezone                               = "Sao Paulo"
    schedule_group_name                             = "bad group"
    schedule_retry_maximum_attempts                 = 186
    schedule_retry_maximum_event_age_in_seconds     = 59
    schedule_kms_key_arn                            = "key"
    subscription_filter_log_group_names             = []
    subscription_filter_pattern                     = join("", [for i in range(205) : "xxxxx"])
    async_maximum_retry_attempts                    = 3
    async_maximum_event_age_in_seconds              = 59
    async_on_failure_destination_arn                = "arn:aws:lambda:sa-east-1:123456789012:function:x"
    alarm_sns_topic_arns                            = ["arn:aws:sqs:sa-east-1:123456789012:q"]
    alarm_no_success_minutes                        = 1
    alarm_cursor_lag_minutes                        = 0
    config_object_key                               = "/config.json"
    receiver_key_parameter_name                     = "receiver-key"
    rules                                           = []
  }

  expect_failures = [
    var.name, var.log_group_names, var.watched_accounts, var.runtime, var.architecture, var.memory_size, var.timeout,
    var.reserved_concurrent_executions, var.kms_key_arn, var.package_path, var.package_s3_bucket, var.package_s3_key,
    var.package_source_code_hash, var.overlap_minutes, var.slice_minutes, var.max_catchup_hours,
    var.slack_timeout_seconds, var.push_coalesce_seconds, var.environment_variables, var.cloudwatch_logs_retention_in_days,
    var.cloudwatch_logs_kms_key_arn, var.application_log_level, var.system_log_level, var.role_path, var.role_permissions_boundary,
    var.state_bucket, var.state_object_key, var.state_bucket_kms_key_arn, var.state_bucket_noncurrent_version_expiration_days,
    var.slack_webhook_url, var.slack_webhook_url_version, var.slack_webhook_parameter_name, var.slack_webhook_kms_key_arn,
    var.schedule, var.schedule_timezone, var.schedule_group_name, var.schedule_retry_maximum_attempts,
    var.schedule_retry_maximum_event_age_in_seconds, var.schedule_kms_key_arn, var.subscription_filter_log_group_names,
    var.subscription_filter_pattern, var.async_maximum_retry_attempts, var.async_maximum_event_age_in_seconds,
    var.async_on_failure_destination_arn, var.alarm_sns_topic_arns, var.alarm_no_success_minutes, var.alarm_cursor_lag_minutes,
    var.config_object_key, var.receiver_key_parameter_name, var.rules,
  ]
}

run "bad_values_round_2" {
  command = plan

  variables {
    name                         = "x1234567890123456789012345678901234567890"
    log_group_names              = ["/a", "/a"]
    watched_accounts             = { "23463567342345" = "label\nwith a newline" }
    environment_variables        = { AWS_REGION = "us-east-1" }
    state_object_key             = "last id.txt"
    package_s3_key               = "pxstream.tar"
    schedule                     = "cron(0/5 * * * ?)"
    slack_webhook_parameter_name = "/aws/pxstream/webhook"
    receiver_key_parameter_name  = "/SSM/receiver"
    lookback_minutes             = 4321
    max_catchup_hours            = 72
  }

  expect_failures = [
    var.name, var.log_group_names, var.watched_accounts, var.environment_variables, var.state_object_key, var.package_s3_key,
    var.schedule, var.slack_webhook_parameter_name, var.receiver_key_parameter_name, var.lookback_minutes,
  ]
}

run "bad_values_round_3" {
  command = plan

  variables {
    log_group_names       = ["/aws/lambda/pix payload"]
    watched_accounts      = { "*" = "" }
    environment_variables = { SLACK_WEBHOOK = "https://hooks.slack.com/services/T0/B0/x" }
    state_object_key      = join("", [for i in range(205) : "aaaaa"])
    # (not in round 1: a validation that reads max_catchup_hours is not run while that one is invalid)
    lookback_minutes = 0
  }

  expect_failures = [var.log_group_names, var.watched_accounts, var.environment_variables, var.state_object_key, var.lookback_minutes]
}

# The rules, field by field (one run per field: a run sets rules once).
run "rules_duplicate_names" {
  command = plan
  variables {
    rules = [{ name = "rajada" }, { name = "rajada" }]
  }
  expect_failures = [var.rules]
}

run "rules_empty_name" {
  command = plan
  variables {
    rules = [{ name = " " }]
  }
  expect_failures = [var.rules]
}

run "rules_name_too_long" {
  command = plan
  variables {
    rules = [{ name = join("", [for i in range(13) : "rajad"]) }]
  }
  expect_failures = [var.rules]
}

run "rules_accounts_twice" {
  command = plan
  variables {
    rules = [{ name = "x", accounts = ["23463567342345", "23463567342345"] }]
  }
  expect_failures = [var.rules]
}

run "rules_window_count_of_one" {
  command = plan
  variables {
    rules = [{ name = "x", window = { minutes = 10, count = 1 } }]
  }
  expect_failures = [var.rules]
}

run "rules_window_longer_than_a_day" {
  command = plan
  variables {
    rules = [{ name = "x", window = { minutes = 1441, sum = 100000 } }]
  }
  expect_failures = [var.rules]
}

run "rules_accounts_star_not_alone" {
  command = plan
  variables {
    rules = [{ name = "x", accounts = ["*", "23463567342345"] }]
  }
  expect_failures = [var.rules]
}

run "rules_accounts_empty_list" {
  command = plan
  variables {
    rules = [{ name = "x", accounts = [] }]
  }
  expect_failures = [var.rules]
}

run "rules_min_amount_not_whole_centavos" {
  command = plan
  variables {
    rules = [{ name = "x", minAmount = 50000.5 }]
  }
  expect_failures = [var.rules]
}

run "rules_hours_out_of_range" {
  command = plan
  variables {
    rules = [{ name = "x", hours = [20, 24] }]
  }
  expect_failures = [var.rules]
}

run "rules_hours_not_a_pair" {
  command = plan
  variables {
    rules = [{ name = "x", hours = [20] }]
  }
  expect_failures = [var.rules]
}

run "rules_window_count_and_sum" {
  command = plan
  variables {
    rules = [{ name = "x", window = { minutes = 10, count = 5, sum = 100000 } }]
  }
  expect_failures = [var.rules]
}

run "rules_window_neither_count_nor_sum" {
  command = plan
  variables {
    rules = [{ name = "x", window = { minutes = 10 } }]
  }
  expect_failures = [var.rules]
}

run "rules_window_minutes_out_of_range" {
  command = plan
  variables {
    rules = [{ name = "x", window = { minutes = 0, count = 5 } }]
  }
  expect_failures = [var.rules]
}

run "rules_new_receiver_days" {
  command = plan
  variables {
    rules = [{ name = "x", newReceiver = { days = 0 } }]
  }
  expect_failures = [var.rules]
}

run "rules_mention" {
  command = plan
  variables {
    rules = [{ name = "x", mention = "@here" }]
  }
  expect_failures = [var.rules]
}
