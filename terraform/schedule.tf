################################################################################
# EventBridge Scheduler: runs the function on var.schedule
################################################################################

locals {
  schedule_arn = "arn:${local.partition}:scheduler:${local.region}:${local.account_id}:schedule/${var.schedule_group_name}/${var.name}"
}

resource "aws_scheduler_schedule" "this" {
  count = var.create_schedule ? 1 : 0

  name        = var.name
  group_name  = var.schedule_group_name
  description = "Runs the ${var.name} function (pxstream scheduled run)"

  schedule_expression          = var.schedule
  schedule_expression_timezone = var.schedule_timezone
  kms_key_arn                  = var.schedule_kms_key_arn
  state                        = "ENABLED"

  # Runs at the exact time: the function's overlap, not jitter, absorbs late logs.
  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = aws_lambda_function.this.arn
    role_arn = aws_iam_role.scheduler[0].arn
    # An event without "awslogs" is a scheduled run.
    input = jsonencode({ source = "pxstream.schedule" })

    retry_policy {
      maximum_retry_attempts       = var.schedule_retry_maximum_attempts
      maximum_event_age_in_seconds = var.schedule_retry_maximum_event_age_in_seconds
    }
  }

  # The role must be able to invoke the function (and decrypt the input)
  # before the first run is due.
  depends_on = [aws_iam_role_policy.scheduler]

  lifecycle {
    precondition {
      condition     = !(var.create_alarms && local.schedule_kind == "at")
      error_message = "An at() schedule runs once, so the no-success alarm would fire for ever after: use rate() or cron() with create_alarms, or set create_alarms = false."
    }
  }
}

# The scheduler's own role: it may invoke this function and nothing else.
resource "aws_iam_role" "scheduler" {
  count = var.create_schedule ? 1 : 0

  name                 = "${var.name}-scheduler"
  path                 = var.role_path
  permissions_boundary = var.role_permissions_boundary
  description          = "Lets EventBridge Scheduler invoke the ${var.name} function"

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "scheduler.amazonaws.com" }
      # Only this schedule may use the role (the confused-deputy guard the
      # Scheduler docs recommend); the ARN is built, the schedule depends on the role.
      Condition = {
        StringEquals = { "aws:SourceAccount" = local.account_id }
        ArnEquals    = { "aws:SourceArn" = local.schedule_arn }
      }
    }]
  })

  tags = var.tags
}

resource "aws_iam_role_policy" "scheduler" {
  count = var.create_schedule ? 1 : 0

  name = "${var.name}-scheduler"
  role = aws_iam_role.scheduler[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [{
        Effect   = "Allow"
        Action   = "lambda:InvokeFunction"
        Resource = aws_lambda_function.this.arn
      }],
      # A customer key on the schedule encrypts its target input, which the
      # scheduler decrypts with this role before each invocation.
      var.schedule_kms_key_arn == null ? [] : [{
        Effect   = "Allow"
        Action   = "kms:Decrypt"
        Resource = var.schedule_kms_key_arn
      }],
    )
  })
}
