# The function's IAM policy, as the module renders it (README "What the IAM
# policy grants, and why"). Plan-only, against a mock AWS provider.

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

run "basic_example_policy" {
  command = plan

  assert {
    condition     = jsondecode(aws_iam_role_policy.lambda.policy) == jsondecode(file("./tests/fixtures/basic-policy.json"))
    error_message = "The basic example's policy differs from tests/fixtures/basic-policy.json (the README's rendering): ${aws_iam_role_policy.lambda.policy}"
  }
}

# The first two statements are the documented template (tests/fixtures/
# documented-iam-policy.json) with its placeholders filled in, less the two
# read actions the handler never calls.
run "documented_template_statements" {
  command = plan

  variables {
    log_group_names  = ["/aws/lambda/pix-payload", "/ecs/pix-gateway", "pix#legacy"]
    state_object_key = "pxstream/lastId.txt"
  }

  assert {
    condition = jsondecode(aws_iam_role_policy.lambda.policy).Statement[0] == {
      Sid      = "ReadWatchedLogGroups"
      Effect   = jsondecode(file("./tests/fixtures/documented-iam-policy.json")).Statement[0].Effect
      Action   = [for a in jsondecode(file("./tests/fixtures/documented-iam-policy.json")).Statement[0].Action : a if a == "logs:FilterLogEvents"]
      Resource = [for g in var.log_group_names : replace(replace(replace(jsondecode(file("./tests/fixtures/documented-iam-policy.json")).Statement[0].Resource, "REGION", "sa-east-1"), "ACCOUNT_ID", "123456789012"), "LOG_GROUP_NAME", g)]
    }
    error_message = "The log statement is not the documented one, one ARN per watched group: ${jsonencode(jsondecode(aws_iam_role_policy.lambda.policy).Statement[0])}"
  }

  assert {
    condition = jsondecode(aws_iam_role_policy.lambda.policy).Statement[1] == {
      Sid      = "ReadWriteCheckpoint"
      Effect   = jsondecode(file("./tests/fixtures/documented-iam-policy.json")).Statement[1].Effect
      Action   = jsondecode(file("./tests/fixtures/documented-iam-policy.json")).Statement[1].Action
      Resource = replace(replace(jsondecode(file("./tests/fixtures/documented-iam-policy.json")).Statement[1].Resource, "bucket-name-here", "infosec-workloads-info"), "lastId.txt", "pxstream/lastId.txt")
    }
    error_message = "The checkpoint statement is not the documented one: ${jsonencode(jsondecode(aws_iam_role_policy.lambda.policy).Statement[1])}"
  }
}

# Without s3:ListBucket real S3 answers a GetObject of a missing checkpoint
# with 403, and the first run fails.
run "list_bucket_limited_to_own_keys" {
  command = plan

  variables {
    state_object_key  = "pxstream/lastId.txt"
    config_object_key = "pxstream/rules.json"
  }

  assert {
    condition = [for s in jsondecode(aws_iam_role_policy.lambda.policy).Statement : s if contains(s.Action, "s3:ListBucket")] == [{
      Sid       = "ListOwnKeysOnly"
      Effect    = "Allow"
      Action    = ["s3:ListBucket"]
      Resource  = "arn:aws:s3:::infosec-workloads-info"
      Condition = { StringEquals = { "s3:prefix" = ["pxstream/lastId.txt", "pxstream/rules.json"] } }
    }]
    error_message = "s3:ListBucket must be granted on the bucket, limited to the checkpoint and configuration keys."
  }
}

run "customer_keys_destination_and_receiver_key" {
  command = plan

  variables {
    slack_webhook_kms_key_arn        = "arn:aws:kms:sa-east-1:123456789012:key/1111aaaa-2222-bbbb-3333-cccc4444dddd"
    state_bucket_kms_key_arn         = "arn:aws:kms:sa-east-1:123456789012:key/5555eeee-6666-ffff-7777-000088889999"
    async_on_failure_destination_arn = "arn:aws:sqs:sa-east-1:123456789012:pxstream-failed"
    rules                            = [{ name = "chave nova", newReceiver = { days = 30 } }]
  }

  assert {
    condition     = jsondecode(aws_iam_role_policy.lambda.policy).Statement[4].Resource == ["arn:aws:ssm:sa-east-1:123456789012:parameter/pxstream/slack-webhook-url", "arn:aws:ssm:sa-east-1:123456789012:parameter/pxstream/receiver-key"]
    error_message = "ssm:GetParameter must cover the webhook and the receiver-hash key, nothing else."
  }

  assert {
    condition = slice(jsondecode(aws_iam_role_policy.lambda.policy).Statement, 6, 9) == [
      {
        Sid       = "DecryptParameters"
        Effect    = "Allow"
        Action    = ["kms:Decrypt"]
        Resource  = "arn:aws:kms:sa-east-1:123456789012:key/1111aaaa-2222-bbbb-3333-cccc4444dddd"
        Condition = { StringEquals = { "kms:ViaService" = "ssm.sa-east-1.amazonaws.com" } }
      },
      {
        Sid       = "EncryptStateObjects"
        Effect    = "Allow"
        Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource  = "arn:aws:kms:sa-east-1:123456789012:key/5555eeee-6666-ffff-7777-000088889999"
        Condition = { StringEquals = { "kms:ViaService" = "s3.sa-east-1.amazonaws.com" } }
      },
      {
        Sid      = "SendFailedInvocations"
        Effect   = "Allow"
        Action   = ["sqs:SendMessage"]
        Resource = "arn:aws:sqs:sa-east-1:123456789012:pxstream-failed"
      },
    ]
    error_message = "The KMS and destination statements are wrong: ${aws_iam_role_policy.lambda.policy}"
  }

  assert {
    condition     = length(jsondecode(aws_iam_role_policy.lambda.policy).Statement) == 9
    error_message = "Unexpected statements: ${aws_iam_role_policy.lambda.policy}"
  }
}

run "sns_destination_publishes" {
  command = plan

  variables {
    async_on_failure_destination_arn = "arn:aws:sns:sa-east-1:123456789012:pxstream-failed"
  }

  assert {
    condition     = one([for s in jsondecode(aws_iam_role_policy.lambda.policy).Statement : s.Action if s.Sid == "SendFailedInvocations"]) == ["sns:Publish"]
    error_message = "An SNS destination needs sns:Publish."
  }
}

run "no_wildcards" {
  command = plan

  variables {
    slack_webhook_kms_key_arn = "arn:aws:kms:sa-east-1:123456789012:key/k"
  }

  assert {
    condition = alltrue(flatten([for s in jsondecode(aws_iam_role_policy.lambda.policy).Statement : [
      s.Effect == "Allow",
      [for r in flatten([s.Resource]) : r != "*" && startswith(r, "arn:aws:")],
      [for a in s.Action : !strcontains(a, "*")],
    ]]))
    error_message = "Every statement must Allow named actions on exact ARNs."
  }
}

# IAM refuses a role whose inline policies pass 10,240 characters.
run "policy_size_is_checked" {
  command = plan

  variables {
    log_group_names = [for i in range(120) : "/aws/lambda/pix-payload-service-number-${i}"]
  }

  expect_failures = [aws_iam_role_policy.lambda]
}
