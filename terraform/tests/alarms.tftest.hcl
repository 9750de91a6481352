# The alarms follow the schedule (README "Alarms"). Plan-only, against a mock AWS provider.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  package_path      = "./tests/fixtures/pxstream.zip"
  log_group_names   = ["/aws/lambda/pix-payload"]
  watched_accounts  = { "23463567342345" = "" }
  state_bucket      = "infosec-workloads-info"
  slack_webhook_url = "https://hooks.slack.com/services/T000/B000/XXXX"
  create_alarms     = true
}

run "every_5_minutes" {
  command = plan

  assert {
    condition     = aws_cloudwatch_metric_alarm.no_success[0].period == 300 && aws_cloudwatch_metric_alarm.no_success[0].evaluation_periods == 3 && aws_cloudwatch_metric_alarm.no_success[0].datapoints_to_alarm == 3 && aws_cloudwatch_metric_alarm.no_success[0].treat_missing_data == "breaching"
    error_message = "rate(5 minutes): no success in 3 periods of 5 minutes (15 minutes) alarms."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.errors[0].period == 300 && aws_cloudwatch_metric_alarm.errors[0].evaluation_periods == 3 && aws_cloudwatch_metric_alarm.errors[0].datapoints_to_alarm == 2
    error_message = "One failed run does not page; failures in 2 of 3 periods do."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.cursor_lag[0].metric_name == "CursorLagSeconds" && aws_cloudwatch_metric_alarm.cursor_lag[0].namespace == "pxstream" && aws_cloudwatch_metric_alarm.cursor_lag[0].statistic == "Maximum" && aws_cloudwatch_metric_alarm.cursor_lag[0].threshold == 3600 && aws_cloudwatch_metric_alarm.cursor_lag[0].dimensions == tomap({ FunctionName = "pxstream" })
    error_message = "Cursor lag: the handler's EMF metric, above an hour by default."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.throttles[0].metric_name == "Throttles" && aws_cloudwatch_metric_alarm.throttles[0].datapoints_to_alarm == 2
    error_message = "Throttles alarm in 2 periods."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.async_events_dropped[0].metric_name == "AsyncEventsDropped" && aws_cloudwatch_metric_alarm.async_events_dropped[0].namespace == "AWS/Lambda" && aws_cloudwatch_metric_alarm.async_events_dropped[0].evaluation_periods == 1
    error_message = "A dropped asynchronous event alarms at once."
  }

  assert {
    condition     = toset(keys(output.alarm_arns)) == toset(["errors", "no_success", "cursor_lag", "throttles", "async_events_dropped"])
    error_message = "alarm_arns is a map by alarm."
  }
}

run "every_minute" {
  command = plan

  variables {
    schedule = "rate(1 minute)"
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.no_success[0].period == 60 && aws_cloudwatch_metric_alarm.no_success[0].evaluation_periods == 15
    error_message = "rate(1 minute): periods of a minute, at least 15 minutes without success."
  }
}

run "every_2_hours" {
  command = plan

  variables {
    schedule = "rate(2 hours)"
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.no_success[0].period == 7200 && aws_cloudwatch_metric_alarm.no_success[0].evaluation_periods == 3 && aws_cloudwatch_metric_alarm.errors[0].period == 7200
    error_message = "rate(2 hours): three periods of 2 hours."
  }
}

run "explicit_window" {
  command = plan

  variables {
    schedule                 = "rate(10 minutes)"
    alarm_no_success_minutes = 45
    alarm_cursor_lag_minutes = 30
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.no_success[0].period == 600 && aws_cloudwatch_metric_alarm.no_success[0].evaluation_periods == 5 && aws_cloudwatch_metric_alarm.cursor_lag[0].threshold == 1800
    error_message = "45 minutes round up to 5 periods of 10 minutes."
  }
}

run "cron" {
  command = plan

  variables {
    schedule                 = "cron(0/10 8-20 ? * MON-FRI *)"
    alarm_no_success_minutes = 30
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.no_success[0].period == 300 && aws_cloudwatch_metric_alarm.no_success[0].evaluation_periods == 6
    error_message = "cron(): 5-minute periods over the given window."
  }
}

run "push_only" {
  command = plan

  variables {
    create_subscription_filters = true
    create_schedule             = false
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.no_success) == 0 && length(aws_cloudwatch_metric_alarm.cursor_lag) == 0 && length(aws_cloudwatch_metric_alarm.errors) == 1 && length(aws_cloudwatch_metric_alarm.async_events_dropped) == 1
    error_message = "Without a schedule there is no run to expect and no cursor; errors, throttles and dropped events still alarm."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.errors[0].period == 300 && aws_cloudwatch_metric_alarm.errors[0].evaluation_periods == 3
    error_message = "Push only: 5-minute periods."
  }
}

run "no_alarms" {
  command = plan

  variables {
    create_alarms = false
  }

  assert {
    condition     = output.alarm_arns == {}
    error_message = "No alarms, an empty map."
  }
}
