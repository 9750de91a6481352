################################################################################
# EventBridge Scheduler: runs the function on var.schedule
################################################################################

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
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
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
    Statement = [{
      Effect   = "Allow"
      Action   = "lambda:InvokeFunction"
      Resource = aws_lambda_function.this.arn
    }]
  })
}
