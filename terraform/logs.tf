# The function's log group exists before the function, so retention and
# encryption apply from the first line and `terraform destroy` removes it.
resource "aws_cloudwatch_log_group" "this" {
  name              = local.log_group_name
  retention_in_days = var.cloudwatch_logs_retention_in_days
  kms_key_id        = var.cloudwatch_logs_kms_key_arn

  tags = var.tags
}
