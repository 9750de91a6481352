# The function's IAM policy: the documented template (templates/, the px_stream
# policy of the root README's "What the IAM policy grants" section) rendered
# with the module's inputs, plus the statements the function needs besides it.
# Every statement names exact ARNs; none has a "*" resource.
#
# This module has no provider and no resources, so a test can render the
# policy with terraform alone (test/terraform/policy.test.ts).

locals {
  # The documented template lists logs:DescribeLogStreams and logs:GetLogEvents
  # too; the handler calls neither (it reads with FilterLogEvents only), so the
  # rendered template grants FilterLogEvents alone.
  documented = jsondecode(templatefile("${path.module}/templates/documented-policy.json.tftpl", {
    partition        = var.partition
    region           = var.region
    account_id       = var.account_id
    log_group_names  = var.log_group_names
    state_bucket     = var.state_bucket
    state_object_key = var.state_object_key
  }))

  object_arn = "arn:${var.partition}:s3:::${var.state_bucket}"

  # S3 answers a GetObject of a missing key with 403 unless the caller may
  # list the bucket: the first run (no checkpoint yet) needs ListBucket to see
  # 404. The s3:prefix condition limits the listing to the module's own keys.
  list_keys = compact([var.state_object_key, var.config_object_key == null ? "" : var.config_object_key])

  added = concat(
    [
      {
        Sid       = "ListOwnKeysOnly"
        Effect    = "Allow"
        Action    = ["s3:ListBucket"]
        Resource  = local.object_arn
        Condition = { StringEquals = { "s3:prefix" = local.list_keys } }
      },
    ],
    var.config_object_key == null ? [] : [
      {
        Sid      = "ReadConfiguration"
        Effect   = "Allow"
        Action   = ["s3:GetObject"]
        Resource = "${local.object_arn}/${var.config_object_key}"
      },
    ],
    [
      {
        Sid      = "ReadParameters"
        Effect   = "Allow"
        Action   = ["ssm:GetParameter"]
        Resource = var.ssm_parameter_arns
      },
      {
        Sid      = "WriteOwnLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "arn:${var.partition}:logs:${var.region}:${var.account_id}:log-group:${var.function_log_group_name}:*"
      },
    ],
    var.ssm_kms_key_arn == null ? [] : [
      {
        Sid       = "DecryptParameters"
        Effect    = "Allow"
        Action    = ["kms:Decrypt"]
        Resource  = var.ssm_kms_key_arn
        Condition = { StringEquals = { "kms:ViaService" = "ssm.${var.region}.amazonaws.com" } }
      },
    ],
    var.state_bucket_kms_key_arn == null ? [] : [
      {
        Sid       = "EncryptStateObjects"
        Effect    = "Allow"
        Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource  = var.state_bucket_kms_key_arn
        Condition = { StringEquals = { "kms:ViaService" = "s3.${var.region}.amazonaws.com" } }
      },
    ],
    var.on_failure_destination_arn == null ? [] : [
      {
        Sid      = "SendFailedInvocations"
        Effect   = "Allow"
        Action   = [startswith(var.on_failure_destination_arn, "arn:${var.partition}:sqs:") ? "sqs:SendMessage" : "sns:Publish"]
        Resource = var.on_failure_destination_arn
      },
    ],
  )

  document = {
    Version   = local.documented.Version
    Statement = concat(local.documented.Statement, local.added)
  }
}
