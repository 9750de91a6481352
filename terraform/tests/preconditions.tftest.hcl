# The plan-time errors of the module: what real AWS would refuse, or what
# would deploy fine and fail every run. Plan-only, against a mock AWS provider.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  package_path      = "./tests/fixtures/pxstream.zip"
  log_group_names   = ["/aws/lambda/pix-payload"]
  watched_accounts  = { "23463567342345" = "" }
  state_bucket      = "infosec-workloads-info"
  slack_webhook_url = "https://hooks.slack.com/services/T000/B000/XXXX"
}

# Reading or subscribing its own log group makes every run produce input for the next.
run "own_log_group_read" {
  command = plan
  variables {
    log_group_names = ["/aws/lambda/pix-payload", "/aws/lambda/pxstream"]
  }
  expect_failures = [aws_lambda_function.this]
}

run "own_log_group_subscribed" {
  command = plan
  variables {
    name                                = "pxstream-push"
    create_subscription_filters         = true
    subscription_filter_log_group_names = ["/aws/lambda/pxstream-push"]
  }
  expect_failures = [aws_lambda_function.this]
}

# A git or registry source has no dist/: the plan says so instead of failing in filebase64sha256.
run "missing_package" {
  command = plan
  variables {
    package_path = "./tests/fixtures/not-built.zip"
  }
  expect_failures = [aws_lambda_function.this]
}

run "package_from_s3_needs_key_and_hash" {
  command = plan
  variables {
    package_s3_bucket = "artifacts.example"
  }
  expect_failures = [aws_lambda_function.this]
}

run "package_from_s3_needs_no_local_zip" {
  command = plan
  variables {
    package_path             = "./tests/fixtures/not-built.zip"
    package_s3_bucket        = "artifacts.example"
    package_s3_key           = "pxstream/pxstream.zip"
    package_source_code_hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
  }
}

run "existing_parameter_needs_its_name" {
  command = plan
  variables {
    create_slack_webhook_parameter = false
    slack_webhook_url              = null
  }
  expect_failures = [aws_lambda_function.this]
}

run "created_parameter_needs_the_url" {
  command = plan
  variables {
    slack_webhook_url = null
  }
  expect_failures = [aws_ssm_parameter.slack_webhook]
}

run "existing_receiver_key_needs_its_name" {
  command = plan
  variables {
    rules                         = [{ name = "chave nova", newReceiver = { days = 30 } }]
    create_receiver_key_parameter = false
  }
  expect_failures = [aws_lambda_function.this]
}

run "empty_watch_list_read_by_a_rule" {
  command = plan
  variables {
    watched_accounts = {}
    rules            = [{ name = "todas", accounts = ["*"], minAmount = 5000000 }, { name = "vigiadas" }]
  }
  expect_failures = [aws_s3_object.config]
}

run "empty_watch_list_without_rules" {
  command = plan
  variables {
    watched_accounts = {}
  }
  expect_failures = [aws_s3_object.config]
}

# One run, then the no-success alarm would fire for ever.
run "at_schedule_with_alarms" {
  command = plan
  variables {
    schedule      = "at(2026-12-01T09:00:00)"
    create_alarms = true
  }
  expect_failures = [aws_scheduler_schedule.this]
}

run "cron_schedule_alarms_need_a_window" {
  command = plan
  variables {
    schedule      = "cron(0/5 * * * ? *)"
    create_alarms = true
  }
  expect_failures = [aws_cloudwatch_metric_alarm.no_success]
}

run "cron_schedule_window_in_5_minute_periods" {
  command = plan
  variables {
    schedule                 = "cron(0/5 * * * ? *)"
    create_alarms            = true
    alarm_no_success_minutes = 32
  }
  expect_failures = [aws_cloudwatch_metric_alarm.no_success]
}

run "alarm_window_shorter_than_two_runs" {
  command = plan
  variables {
    schedule                 = "rate(10 minutes)"
    create_alarms            = true
    alarm_no_success_minutes = 10
  }
  expect_failures = [aws_cloudwatch_metric_alarm.errors]
}

# CloudWatch evaluates at most one day.
run "daily_schedule_with_alarms" {
  command = plan
  variables {
    schedule      = "rate(1 day)"
    create_alarms = true
  }
  expect_failures = [aws_cloudwatch_metric_alarm.errors]
}

run "daily_schedule_without_alarms" {
  command = plan
  variables {
    schedule = "rate(1 day)"
  }
}
