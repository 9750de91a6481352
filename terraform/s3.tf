################################################################################
# State bucket (optional): holds the checkpoint object
################################################################################

resource "aws_s3_bucket" "state" {
  count = var.create_state_bucket ? 1 : 0

  #checkov:skip=CKV_AWS_18:Access logging needs a second bucket; this one holds two small objects: the checkpoint, written only by the function's role, and the configuration document, written only by terraform.
  #checkov:skip=CKV_AWS_144:Cross-region replication is not worth a second bucket: a lost checkpoint only makes the next run start from the lookback window, and terraform apply writes the configuration document again.
  #checkov:skip=CKV2_AWS_62:No consumer needs event notifications for checkpoint writes.
  #checkov:skip=CKV_AWS_145:Default encryption is SSE-S3 unless state_bucket_kms_key_arn names a customer key (then SSE-KMS). The objects hold account names, labels, amounts and keyed hashes of receiver keys, never a Pix key in clear; SSE-S3 encrypts them at rest, a customer key adds key-policy control for those who need it.
  bucket        = var.state_bucket
  force_destroy = var.state_bucket_force_destroy

  tags = var.tags
}

resource "aws_s3_bucket_ownership_controls" "state" {
  count = var.create_state_bucket ? 1 : 0

  bucket = aws_s3_bucket.state[0].id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "state" {
  count = var.create_state_bucket ? 1 : 0

  bucket                  = aws_s3_bucket.state[0].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "state" {
  count = var.create_state_bucket ? 1 : 0

  bucket = aws_s3_bucket.state[0].id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "state" {
  count = var.create_state_bucket ? 1 : 0

  bucket = aws_s3_bucket.state[0].id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = var.state_bucket_kms_key_arn == null ? "AES256" : "aws:kms"
      kms_master_key_id = var.state_bucket_kms_key_arn
    }
    bucket_key_enabled = var.state_bucket_kms_key_arn != null
  }
}

# Every run writes a new version of the checkpoint: expire the old ones.
resource "aws_s3_bucket_lifecycle_configuration" "state" {
  count = var.create_state_bucket ? 1 : 0

  bucket = aws_s3_bucket.state[0].id

  rule {
    id     = "expire-old-checkpoints"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.state_bucket_noncurrent_version_expiration_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }

  depends_on = [aws_s3_bucket_versioning.state]
}

resource "aws_s3_bucket_policy" "state" {
  count = var.create_state_bucket ? 1 : 0

  bucket = aws_s3_bucket.state[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource = [
        aws_s3_bucket.state[0].arn,
        "${aws_s3_bucket.state[0].arn}/*",
      ]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })

  depends_on = [aws_s3_bucket_public_access_block.state]
}

################################################################################
# Configuration document: the watch list and the rules (PXSTREAM_CONFIG_KEY)
################################################################################

# Written by the module, read by the function (s3:GetObject on this key only),
# which re-reads it when its ETag changes: a change takes effect without a
# redeploy of the function.
resource "aws_s3_object" "config" {
  bucket       = var.create_state_bucket ? aws_s3_bucket.state[0].id : var.state_bucket
  key          = local.config_object_key
  content      = jsonencode(local.config_document)
  content_type = "application/json"

  server_side_encryption = var.state_bucket_kms_key_arn == null ? "AES256" : "aws:kms"
  kms_key_id             = var.state_bucket_kms_key_arn

  tags = var.tags

  # The created bucket must be encrypted and private before the document lands in it.
  depends_on = [
    aws_s3_bucket_server_side_encryption_configuration.state,
    aws_s3_bucket_public_access_block.state,
  ]

  lifecycle {
    precondition {
      condition     = length(var.watched_accounts) > 0 || !local.rules_need_watch_list
      error_message = "watched_accounts is empty, but the rules read it (no rules means the one rule \"watched\"; a rule without accounts reads the watched accounts): give watched accounts, or give every rule its accounts ([\"*\"] for every account)."
    }
  }
}
