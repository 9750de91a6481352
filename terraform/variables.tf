################################################################################
# Naming and tags
################################################################################

variable "name" {
  description = "Name of the function and prefix of every other resource name (role, schedule, parameter, alarms), so that two instances in one account never collide."
  type        = string
  default     = "pxstream"

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,40}$", var.name))
    error_message = "The name must be 1 to 40 letters, digits, hyphens or underscores (it prefixes role and schedule names, whose limit is 64)."
  }
}

variable "tags" {
  description = "Tags applied to every resource of the module that takes tags."
  type        = map(string)
  default     = {}
}

################################################################################
# What to watch
################################################################################

variable "log_group_names" {
  description = "CloudWatch Logs log groups the function reads (PXSTREAM_LOG_GROUPS). The function may call logs:FilterLogEvents on these groups and no others."
  type        = list(string)

  validation {
    condition     = length(var.log_group_names) > 0
    error_message = "Give at least one log group name."
  }

  validation {
    condition     = alltrue([for g in var.log_group_names : can(regex("^[.\\-_/#A-Za-z0-9]{1,512}$", g))])
    error_message = "Each log group name must be 1 to 512 characters of letters, digits, '.', '-', '_', '/' and '#'."
  }

  validation {
    condition     = length(distinct(var.log_group_names)) == length(var.log_group_names)
    error_message = "The log group names must not repeat."
  }
}

variable "watched_accounts" {
  description = "The watched accounts (Session.accountName), each with the label shown beside it in messages (\"\" for none): the document's \"accounts\". Written to the configuration object in the state bucket, never to the environment, so the list can hold thousands. To watch every account, add a rule with accounts = [\"*\"]."
  type        = map(string)

  validation {
    condition     = alltrue([for a in keys(var.watched_accounts) : can(regex("^[A-Za-z0-9._@:+-]{1,128}$", a))])
    error_message = "Each watched account must be 1 to 128 letters, digits or ._@:+- (no commas, spaces or '*': to watch every account, add a rule with accounts = [\"*\"])."
  }

  validation {
    condition     = length(var.watched_accounts) <= 100000
    error_message = "At most 100,000 watched accounts (the handler's bound on the configuration document)."
  }

  validation {
    condition     = alltrue([for l in values(var.watched_accounts) : length(l) <= 80 && !can(regex("[\\x00-\\x1f\\x7f]", l))])
    error_message = "Each account label must be at most 80 characters, without control characters."
  }
}

variable "rules" {
  description = "Alert rules, the document's \"rules\" (see Rules): null, one rule \"watched\" (every CashOut of a watched account). Each rule's conditions combine with AND; a CashOut is reported once however many rules match. accounts: null (the watched accounts, the document's \"watched\"), [\"*\"] (every account) or a list of account names; minAmount: integer centavos; hours: [from, to] in America/Sao_Paulo, 0-23, [20, 6] runs past midnight; window: {minutes, and exactly one of count or sum (centavos)}; newReceiver: {days}; mention: here, channel, a user id (U... or W...) or a user group id (S...)."
  type = list(object({
    name      = string
    accounts  = optional(list(string))
    minAmount = optional(number)
    hours     = optional(list(number))
    window = optional(object({
      minutes = number
      count   = optional(number)
      sum     = optional(number)
    }))
    newReceiver = optional(object({
      days = number
    }))
    mention = optional(string)
  }))
  default = null

  validation {
    condition     = var.rules == null || try(length(var.rules) >= 1 && length(var.rules) <= 50, false)
    error_message = "Give null (one rule, \"watched\") or 1 to 50 rules."
  }

  validation {
    condition     = var.rules == null || try(alltrue([for r in var.rules : length(trimspace(r.name)) >= 1 && length(r.name) <= 64 && !can(regex("[\\x00-\\x1f\\x7f]", r.name))]) && length(distinct([for r in var.rules : r.name])) == length(var.rules), false)
    error_message = "Each rule needs a name of 1 to 64 characters without control characters, and no two rules may share a name."
  }

  validation {
    condition = var.rules == null || try(alltrue([for r in var.rules : r.accounts == null ? true : (
      length(r.accounts) >= 1 && length(distinct(r.accounts)) == length(r.accounts) && (r.accounts == tolist(["*"]) || alltrue([for a in r.accounts : can(regex("^[A-Za-z0-9._@:+-]{1,128}$", a))]))
    )]), false)
    error_message = "A rule's accounts must be null (the watched accounts), [\"*\"] alone (every account), or a non-empty list of distinct account names (1 to 128 letters, digits or ._@:+-)."
  }

  validation {
    condition     = var.rules == null || try(alltrue([for r in var.rules : r.minAmount == null ? true : (r.minAmount >= 1 && r.minAmount <= 9007199254740991 && floor(r.minAmount) == r.minAmount)]), false)
    error_message = "A rule's minAmount must be a whole number of centavos, at least 1 (R$ 50 mil is 5000000)."
  }

  validation {
    condition = var.rules == null || try(alltrue([for r in var.rules : r.hours == null ? true : (
      length(r.hours) == 2 && alltrue([for h in r.hours : h >= 0 && h <= 23 && floor(h) == h]) && r.hours[0] != r.hours[1]
    )]), false)
    error_message = "A rule's hours must be [from, to]: two different whole hours from 0 to 23 (America/Sao_Paulo); [20, 6] runs past midnight."
  }

  validation {
    condition = var.rules == null || try(alltrue([for r in var.rules : r.window == null ? true : (
      r.window.minutes >= 1 && r.window.minutes <= 1440 && floor(r.window.minutes) == r.window.minutes &&
      ((r.window.count == null) != (r.window.sum == null)) &&
      (r.window.count == null ? true : (r.window.count >= 2 && r.window.count <= 500 && floor(r.window.count) == r.window.count)) &&
      (r.window.sum == null ? true : (r.window.sum >= 1 && r.window.sum <= 9007199254740991 && floor(r.window.sum) == r.window.sum))
    )]), false)
    error_message = "A rule's window needs minutes (a whole number from 1 to 1440) and exactly one of count (CashOuts, 2 to 500) or sum (whole centavos, at least 1)."
  }

  validation {
    condition     = var.rules == null || try(alltrue([for r in var.rules : r.newReceiver == null ? true : (r.newReceiver.days >= 1 && r.newReceiver.days <= 365 && floor(r.newReceiver.days) == r.newReceiver.days)]), false)
    error_message = "A rule's newReceiver needs days, a whole number from 1 to 365."
  }

  validation {
    condition     = var.rules == null || try(alltrue([for r in var.rules : r.mention == null ? true : can(regex("^(here|channel|[UW][A-Z0-9]{2,20}|S[A-Z0-9]{2,20})$", r.mention))]), false)
    error_message = "A rule's mention must be here, channel, a Slack user id (U... or W...) or a user group id (S...)."
  }
}

variable "config_object_key" {
  description = "Key, in the state bucket, of the configuration document (watched_accounts and rules) the module writes (PXSTREAM_CONFIG_KEY). null: <name>/config.json. The function may read this key only."
  type        = string
  default     = null

  validation {
    condition     = var.config_object_key == null || try(can(regex("^[A-Za-z0-9!_.*'()/-]+$", var.config_object_key)) && length(var.config_object_key) <= 1024 && !startswith(var.config_object_key, "/"), false)
    error_message = "The configuration object key must be 1 to 1024 characters of letters, digits and !_.*'()/- without a leading '/'."
  }
}

variable "receiver_key_parameter_name" {
  description = "Name of the SSM SecureString holding the HMAC key that hashes receiver Pix keys for newReceiver rules (PXSTREAM_RECEIVER_KEY_PARAMETER). The module creates it, with a random value that never enters state, when a rule uses newReceiver (null: /<name>/receiver-key); with create_receiver_key_parameter = false, name an existing one."
  type        = string
  default     = null

  validation {
    condition     = var.receiver_key_parameter_name == null || try(can(regex("^/[A-Za-z0-9_.\\-/]+$", var.receiver_key_parameter_name)) && !can(regex("^/(?i:aws|ssm)", var.receiver_key_parameter_name)) && length(var.receiver_key_parameter_name) <= 1011, false)
    error_message = "The parameter name must start with '/', hold only letters, digits and _.-/, not start with /aws or /ssm (reserved by AWS), and be at most 1011 characters."
  }
}

variable "create_receiver_key_parameter" {
  description = "true: when a rule uses newReceiver, create the receiver-hash key as a SecureString (a random value written with the write-only value_wo: never in state or plans). false: use the existing SecureString receiver_key_parameter_name."
  type        = bool
  default     = true
}

################################################################################
# Function
################################################################################

variable "description" {
  description = "Description of the Lambda function."
  type        = string
  default     = "pxstream: alerts Slack when watched accounts send Pix CashOuts"
}

variable "runtime" {
  description = "Lambda runtime of the function. nodejs24.x needs an AWS provider release that knows it (6.x; 5.100 refuses it at plan)."
  type        = string
  default     = "nodejs22.x"

  validation {
    condition     = contains(["nodejs22.x", "nodejs24.x"], var.runtime)
    error_message = "The runtime must be nodejs22.x or nodejs24.x (nodejs20.x is deprecated)."
  }
}

variable "architecture" {
  description = "Instruction set of the function: arm64 (about 20% cheaper per GB-second) or x86_64."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "The architecture must be arm64 or x86_64."
  }
}

variable "memory_size" {
  description = "Memory of the function in MB."
  type        = number
  default     = 256

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240 && floor(var.memory_size) == var.memory_size
    error_message = "The memory size must be a whole number of MB from 128 to 10240."
  }
}

variable "timeout" {
  description = "Timeout of one invocation in seconds. A catch-up run reads many log slices, so leave it well above the schedule's typical run time."
  type        = number
  default     = 120

  validation {
    condition     = var.timeout >= 10 && var.timeout <= 900 && floor(var.timeout) == var.timeout
    error_message = "The timeout must be a whole number of seconds from 10 to 900."
  }
}

variable "reserved_concurrent_executions" {
  description = "Reserved concurrency of the function. null (the default) or -1: no reservation, the function shares the account's unreserved pool (Lambda keeps 10 unreserved, so a reservation can fail in new or low-quota accounts). The checkpoint's lease serialises scheduled runs and push runs share the checkpoint safely, so no reservation is needed. 0 would stop the function and is refused."
  type        = number
  default     = null

  validation {
    condition     = var.reserved_concurrent_executions == null || try(var.reserved_concurrent_executions == -1 || (var.reserved_concurrent_executions >= 1 && floor(var.reserved_concurrent_executions) == var.reserved_concurrent_executions), false)
    error_message = "The reserved concurrency must be null or -1 (no reservation), or a whole number of at least 1."
  }
}

variable "kms_key_arn" {
  description = "ARN of a customer KMS key that encrypts the function's environment variables at rest. null uses the AWS managed key (the environment holds no secret: the webhook stays in SSM)."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.kms_key_arn))
    error_message = "The KMS key must be a key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID)."
  }
}

################################################################################
# Package
################################################################################

variable "package_path" {
  description = "Path of the built zip (make build). null: dist/pxstream.zip beside this module's folder, which exists only when the module is used from a local checkout; with a git or registry source set package_path = \"$${path.root}/dist/pxstream.zip\" (see Remote sources). Ignored when package_s3_bucket is set."
  type        = string
  default     = null

  validation {
    condition     = var.package_path == null || can(regex("\\.zip$", var.package_path))
    error_message = "The package path must name a .zip file."
  }
}

variable "package_s3_bucket" {
  description = "Bucket of the zip when a pipeline publishes it to S3 instead of a local build. Set package_s3_key and package_source_code_hash with it."
  type        = string
  default     = null

  validation {
    condition     = var.package_s3_bucket == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.package_s3_bucket))
    error_message = "The package bucket must be a valid S3 bucket name."
  }
}

variable "package_s3_key" {
  description = "Key of the zip in package_s3_bucket."
  type        = string
  default     = null

  validation {
    condition     = var.package_s3_key == null || (can(regex("^[^/].*\\.zip$", var.package_s3_key)) && try(length(var.package_s3_key) <= 1024, false))
    error_message = "The package key must be a relative key (no leading '/') naming a .zip file."
  }
}

variable "package_s3_object_version" {
  description = "Version id of the zip object in a versioned package_s3_bucket."
  type        = string
  default     = null
}

variable "package_source_code_hash" {
  description = "Base64 SHA-256 of the zip published to S3 (the content of dist/pxstream.zip.sha256), so a new artifact redeploys the function. Ignored for a local package, whose hash is computed from the file."
  type        = string
  default     = null

  validation {
    condition     = var.package_source_code_hash == null || can(regex("^[A-Za-z0-9+/]{43}=$", var.package_source_code_hash))
    error_message = "The source code hash must be a base64 SHA-256 (44 characters ending in '=')."
  }
}

################################################################################
# Behaviour of the handler (environment)
################################################################################

variable "lookback_minutes" {
  description = "How far back the very first run reads, in minutes (PXSTREAM_LOOKBACK_MINUTES). At most max_catchup_hours: a first run never reads past the catch-up limit."
  type        = number
  default     = 5

  validation {
    condition     = var.lookback_minutes >= 1 && var.lookback_minutes <= 20160 && floor(var.lookback_minutes) == var.lookback_minutes
    error_message = "The lookback must be a whole number of minutes from 1 to 20160 (14 days, the oldest event CloudWatch accepts)."
  }

  validation {
    condition     = var.lookback_minutes <= var.max_catchup_hours * 60
    error_message = "The lookback reaches further back than max_catchup_hours: every run would fail its configuration check. Lower lookback_minutes or raise max_catchup_hours."
  }
}

variable "overlap_minutes" {
  description = "How many minutes before the checkpoint each run reads again, to catch logs that arrived late (PXSTREAM_OVERLAP_MINUTES). Events already reported are recognised and not reported twice."
  type        = number
  default     = 15

  validation {
    condition     = var.overlap_minutes >= 0 && var.overlap_minutes <= 1440 && floor(var.overlap_minutes) == var.overlap_minutes
    error_message = "The overlap must be a whole number of minutes from 0 to 1440."
  }
}

variable "slice_minutes" {
  description = "Size of one slice of a catch-up run, in minutes (PXSTREAM_SLICE_MINUTES): after an outage the function reads the missed time slice by slice and moves the checkpoint after each."
  type        = number
  default     = 60

  validation {
    condition     = var.slice_minutes >= 1 && var.slice_minutes <= 1440 && floor(var.slice_minutes) == var.slice_minutes
    error_message = "The slice must be a whole number of minutes from 1 to 1440."
  }
}

variable "max_catchup_hours" {
  description = "Oldest gap a run catches up on, in hours (PXSTREAM_MAX_CATCHUP_HOURS). Past it the function logs a warning naming the window it did not scan."
  type        = number
  default     = 72

  validation {
    condition     = var.max_catchup_hours >= 1 && var.max_catchup_hours <= 336 && floor(var.max_catchup_hours) == var.max_catchup_hours
    error_message = "The catch-up limit must be a whole number of hours from 1 to 336 (14 days)."
  }
}

variable "slack_timeout_seconds" {
  description = "Timeout of one Slack webhook request in seconds (PXSTREAM_SLACK_TIMEOUT_SECONDS)."
  type        = number
  default     = 10

  validation {
    condition     = var.slack_timeout_seconds >= 1 && var.slack_timeout_seconds <= 60 && floor(var.slack_timeout_seconds) == var.slack_timeout_seconds
    error_message = "The Slack timeout must be a whole number of seconds from 1 to 60."
  }
}

variable "dry_run" {
  description = "true: build the Slack messages and log them, post nothing and write no checkpoint (PXSTREAM_DRY_RUN)."
  type        = bool
  default     = false
}

variable "server_side_filter" {
  description = "true: only lines holding the term transactionId cross the wire: scheduled runs pass the filter pattern \"transactionId\" to FilterLogEvents (PXSTREAM_SERVER_FILTER), and the subscription filters use it unless subscription_filter_pattern says otherwise. Every CashOut line, in every accepted log form, holds that term. false: every event is read."
  type        = bool
  default     = true
}

variable "push_coalesce_seconds" {
  description = "A push run posts only if no message went out in the last N seconds; otherwise its CashOuts wait for a later push run or, at the latest, the next scheduled run (PXSTREAM_PUSH_COALESCE_SECONDS). null: 60 in push mode, 0 otherwise. Costs up to N seconds of latency (or a schedule period when no later push run comes) for CashOuts of a burst."
  type        = number
  default     = null

  validation {
    condition     = var.push_coalesce_seconds == null || try(var.push_coalesce_seconds >= 0 && var.push_coalesce_seconds <= 900 && floor(var.push_coalesce_seconds) == var.push_coalesce_seconds, false)
    error_message = "The push coalescing must be null or a whole number of seconds from 0 to 900."
  }
}

variable "environment_variables" {
  description = "Extra environment variables of the function (for example NODE_OPTIONS). They cannot set the PXSTREAM_ variables the module sets, Lambda's reserved keys (AWS_REGION, _HANDLER, ...), or SLACK_WEBHOOK (the URL would land in the function's configuration and in state)."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for k in keys(var.environment_variables) : !startswith(k, "PXSTREAM_") && can(regex("^[A-Za-z][A-Za-z0-9_]*$", k))])
    error_message = "Extra environment variable names must be letters, digits and '_', start with a letter, and not start with PXSTREAM_ (the module sets those)."
  }

  validation {
    condition = length(setintersection(toset(keys(var.environment_variables)), toset([
      "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_NAME",
      "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME",
      "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
      "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR", "SLACK_WEBHOOK",
    ]))) == 0
    error_message = "Extra environment variables cannot set Lambda's reserved keys (_HANDLER, _X_AMZN_TRACE_ID, AWS_REGION, AWS_DEFAULT_REGION, AWS_EXECUTION_ENV, AWS_LAMBDA_*, AWS_ACCESS_KEY*, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, LAMBDA_TASK_ROOT, LAMBDA_RUNTIME_DIR) nor SLACK_WEBHOOK (the webhook goes to SSM through slack_webhook_url)."
  }
}

################################################################################
# Logs of the function
################################################################################

variable "cloudwatch_logs_retention_in_days" {
  description = "Retention of the function's own log group, in days (0 keeps the logs forever)."
  type        = number
  default     = 365

  validation {
    condition     = contains([0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.cloudwatch_logs_retention_in_days)
    error_message = "The retention must be one of the values CloudWatch Logs accepts: 0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "cloudwatch_logs_kms_key_arn" {
  description = "ARN of a customer KMS key that encrypts the function's log group. The key policy must let logs.REGION.amazonaws.com use it."
  type        = string
  default     = null

  validation {
    condition     = var.cloudwatch_logs_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.cloudwatch_logs_kms_key_arn))
    error_message = "The log group KMS key must be a key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID)."
  }
}

variable "application_log_level" {
  description = "Lowest level of the function's own log lines that reaches the log group (JSON log format). At most INFO: Lambda files the run summary and the EMF metrics line as INFO, so WARN or above would drop every metric and the no-success alarm would fire forever."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["TRACE", "DEBUG", "INFO"], var.application_log_level)
    error_message = "The application log level must be TRACE, DEBUG or INFO: Lambda files the run summary and the EMF metrics line as INFO, and a higher level drops them (the metrics and the no-success alarm depend on them)."
  }
}

variable "system_log_level" {
  description = "Lowest level of the Lambda platform's lines (START, END, REPORT) that reaches the log group. INFO keeps the REPORT line of every invocation (duration, billed time, memory, init time); WARN keeps only platform warnings and errors."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["DEBUG", "INFO", "WARN"], var.system_log_level)
    error_message = "The system log level must be DEBUG, INFO or WARN."
  }
}

################################################################################
# IAM
################################################################################

variable "role_path" {
  description = "Path of the IAM roles the module creates."
  type        = string
  default     = "/"

  validation {
    condition     = can(regex("^/([\\x21-\\x7E]{0,510}/)?$", var.role_path))
    error_message = "The role path must start and end with '/' (for example /pxstream/)."
  }
}

variable "role_permissions_boundary" {
  description = "ARN of the IAM policy set as permissions boundary of the roles the module creates."
  type        = string
  default     = null

  validation {
    condition     = var.role_permissions_boundary == null || can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/.+$", var.role_permissions_boundary))
    error_message = "The permissions boundary must be an IAM policy ARN (arn:aws:iam::ACCOUNT:policy/NAME)."
  }
}

################################################################################
# State (checkpoint) bucket
################################################################################

variable "state_bucket" {
  description = "Bucket that holds the checkpoint object (PXSTREAM_STATE_BUCKET). An existing bucket, unless create_state_bucket is true."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.state_bucket)) && !can(regex("\\.\\.|^\\d+\\.\\d+\\.\\d+\\.\\d+$", var.state_bucket))
    error_message = "The state bucket must be a valid S3 bucket name: 3 to 63 lowercase letters, digits, '.' and '-'."
  }
}

variable "state_object_key" {
  description = "Key of the checkpoint object (PXSTREAM_STATE_KEY). To upgrade from the original program, point it at its lastId.txt: the function reads the bare integer and replaces it with its own checkpoint."
  type        = string
  default     = "lastId.txt"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9!_.*'()/-]+$", var.state_object_key)) && length(var.state_object_key) <= 1024 && !startswith(var.state_object_key, "/")
    error_message = "The state object key must be 1 to 1024 characters of letters, digits and !_.*'()/- without a leading '/'."
  }
}

variable "create_state_bucket" {
  description = "true: create the state bucket, with encryption, versioning, public access blocked and TLS-only access. false: use an existing bucket."
  type        = bool
  default     = false
}

variable "state_bucket_kms_key_arn" {
  description = "ARN of a customer KMS key that encrypts the checkpoint (the created bucket's default encryption, or the existing bucket's). The function is then allowed kms:Decrypt and kms:GenerateDataKey on it. null: SSE-S3."
  type        = string
  default     = null

  validation {
    condition     = var.state_bucket_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.state_bucket_kms_key_arn))
    error_message = "The state bucket KMS key must be a key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID)."
  }
}

variable "state_bucket_force_destroy" {
  description = "Let terraform destroy the created state bucket even when it holds objects."
  type        = bool
  default     = false
}

variable "state_bucket_noncurrent_version_expiration_days" {
  description = "Days after which old versions of the checkpoint expire in the created bucket (each run writes a new version)."
  type        = number
  default     = 30

  validation {
    condition     = var.state_bucket_noncurrent_version_expiration_days >= 1 && floor(var.state_bucket_noncurrent_version_expiration_days) == var.state_bucket_noncurrent_version_expiration_days
    error_message = "The noncurrent version expiration must be a whole number of days, at least 1."
  }
}

################################################################################
# Slack webhook (SSM)
################################################################################

variable "create_slack_webhook_parameter" {
  description = "true: store slack_webhook_url in a new SSM SecureString, written once with the write-only value_wo (never in state or plans). false: use the existing parameter slack_webhook_parameter_name, so Terraform never sees the URL."
  type        = bool
  default     = true
}

variable "slack_webhook_url" {
  description = "Slack incoming webhook URL, written to the SSM SecureString when create_slack_webhook_parameter is true. Ephemeral: Terraform keeps it in neither state nor plan files; give it at every plan and apply (TF_VAR_slack_webhook_url). It is written when the parameter is created and whenever slack_webhook_url_version changes."
  type        = string
  default     = null
  sensitive   = true
  ephemeral   = true

  validation {
    condition     = var.slack_webhook_url == null || can(regex("^https://[^\\s]+$", var.slack_webhook_url))
    error_message = "The Slack webhook URL must be an https:// URL."
  }
}

variable "slack_webhook_url_version" {
  description = "Version of the webhook written to SSM: the URL (write-only) is sent to SSM when the parameter is created and each time this number changes. Raise it to rotate the webhook."
  type        = number
  default     = 1

  validation {
    condition     = var.slack_webhook_url_version >= 1 && floor(var.slack_webhook_url_version) == var.slack_webhook_url_version
    error_message = "The webhook version must be a whole number, at least 1."
  }
}

variable "slack_webhook_parameter_name" {
  description = "Name of the SSM parameter holding the webhook URL: the one to create (null: /<name>/slack-webhook-url) or, with create_slack_webhook_parameter = false, the existing SecureString."
  type        = string
  default     = null

  validation {
    condition     = var.slack_webhook_parameter_name == null || try(can(regex("^/[A-Za-z0-9_.\\-/]+$", var.slack_webhook_parameter_name)) && !can(regex("^/(?i:aws|ssm)", var.slack_webhook_parameter_name)) && length(var.slack_webhook_parameter_name) <= 1011, false)
    error_message = "The parameter name must start with '/', hold only letters, digits and _.-/ (for example /pxstream/slack-webhook-url), not start with /aws or /ssm (reserved by AWS), and be at most 1011 characters."
  }
}

variable "slack_webhook_kms_key_arn" {
  description = "ARN of the customer KMS key that encrypts the SSM SecureStrings: the webhook (the new one, or the existing one) and the receiver-hash key the module creates for newReceiver rules. The function is then allowed kms:Decrypt on it through SSM. null: the AWS managed key alias/aws/ssm."
  type        = string
  default     = null

  validation {
    condition     = var.slack_webhook_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.slack_webhook_kms_key_arn))
    error_message = "The webhook KMS key must be a key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias."
  }
}

################################################################################
# Schedule
################################################################################

variable "create_schedule" {
  description = "Create the EventBridge Scheduler schedule that runs the function. With push mode it is the safety net: it reports whatever a push run could not, and never what a push run reported (they share the checkpoint)."
  type        = bool
  default     = true
}

variable "schedule" {
  description = "Schedule expression of the scheduled runs: rate(...), cron(...) or at(...). The alarms' periods follow a rate(); a cron() needs alarm_no_success_minutes; at() (one run) cannot have alarms."
  type        = string
  default     = "rate(5 minutes)"

  validation {
    condition     = can(regex("^(rate\\((1 (minute|hour|day)|[1-9][0-9]* (minutes|hours|days))\\)|cron\\(\\S+ \\S+ \\S+ \\S+ \\S+ \\S+\\)|at\\([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\))$", var.schedule))
    error_message = "The schedule must be rate(1 minute), rate(N minutes|hours|days), cron(six fields) or at(yyyy-mm-ddThh:mm:ss)."
  }
}

variable "schedule_timezone" {
  description = "IANA time zone in which cron() and at() expressions are read (for example America/Sao_Paulo). null: UTC."
  type        = string
  default     = null

  validation {
    condition     = var.schedule_timezone == null || can(regex("^[A-Za-z_]+(/[A-Za-z0-9_+-]+){0,2}$", var.schedule_timezone))
    error_message = "The time zone must be an IANA name such as UTC or America/Sao_Paulo."
  }
}

variable "schedule_group_name" {
  description = "Schedule group of the schedule."
  type        = string
  default     = "default"

  validation {
    condition     = can(regex("^[0-9a-zA-Z-_.]{1,64}$", var.schedule_group_name))
    error_message = "The schedule group name must be 1 to 64 letters, digits, '-', '_' or '.'."
  }
}

variable "schedule_retry_maximum_attempts" {
  description = "How many times the scheduler retries an invocation it could not deliver."
  type        = number
  default     = 2

  validation {
    condition     = var.schedule_retry_maximum_attempts >= 0 && var.schedule_retry_maximum_attempts <= 185 && floor(var.schedule_retry_maximum_attempts) == var.schedule_retry_maximum_attempts
    error_message = "The retry attempts must be a whole number from 0 to 185."
  }
}

variable "schedule_retry_maximum_event_age_in_seconds" {
  description = "How long the scheduler keeps trying to deliver one invocation, in seconds. A later run covers what a dropped one missed, so this stays short."
  type        = number
  default     = 300

  validation {
    condition     = var.schedule_retry_maximum_event_age_in_seconds >= 60 && var.schedule_retry_maximum_event_age_in_seconds <= 86400 && floor(var.schedule_retry_maximum_event_age_in_seconds) == var.schedule_retry_maximum_event_age_in_seconds
    error_message = "The maximum event age must be a whole number of seconds from 60 to 86400."
  }
}

variable "schedule_kms_key_arn" {
  description = "ARN of a customer KMS key that encrypts the schedule's target input. null: an AWS owned key."
  type        = string
  default     = null

  validation {
    condition     = var.schedule_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.schedule_kms_key_arn))
    error_message = "The schedule KMS key must be a key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID)."
  }
}

################################################################################
# Push mode (CloudWatch Logs subscription)
################################################################################

variable "create_subscription_filters" {
  description = "Push mode: subscribe the function to log groups so that it runs on every delivery of new events. Keep the schedule on as the safety net (the recommended mode): push and scheduled runs share the checkpoint, so each CashOut is reported once."
  type        = bool
  default     = false
}

variable "subscription_filter_log_group_names" {
  description = "Log groups to subscribe the function to in push mode. null: every group of log_group_names."
  type        = list(string)
  default     = null

  validation {
    condition     = var.subscription_filter_log_group_names == null || try(length(var.subscription_filter_log_group_names) > 0 && alltrue([for g in var.subscription_filter_log_group_names : can(regex("^[.\\-_/#A-Za-z0-9]{1,512}$", g))]), false)
    error_message = "Give null or a non-empty list of valid log group names."
  }
}

variable "subscription_filter_pattern" {
  description = "CloudWatch Logs filter pattern of the subscription filters. null: \"transactionId\" when server_side_filter is true (only CashOut lines are delivered), \"\" (every event) otherwise."
  type        = string
  default     = null

  validation {
    condition     = var.subscription_filter_pattern == null || try(length(var.subscription_filter_pattern) <= 1024, false)
    error_message = "The filter pattern must be at most 1024 characters."
  }
}

################################################################################
# Asynchronous invocation (schedule and push both invoke the function asynchronously)
################################################################################

variable "async_maximum_retry_attempts" {
  description = "How many times Lambda retries a failed asynchronous invocation. null: 2 in push mode (a delivery survives short Slack outages), 0 with the schedule only (the next scheduled run reads the same window again)."
  type        = number
  default     = null

  validation {
    condition     = var.async_maximum_retry_attempts == null || try(contains([0, 1, 2], var.async_maximum_retry_attempts), false)
    error_message = "The asynchronous retry attempts must be null, 0, 1 or 2."
  }
}

variable "async_maximum_event_age_in_seconds" {
  description = "How long Lambda keeps an asynchronous event it could not process (retries and throttling included), in seconds. null: 21600 (6 hours, the maximum) in push mode; one schedule period (60 to 21600) with the schedule only, since a newer scheduled run supersedes an old one."
  type        = number
  default     = null

  validation {
    condition     = var.async_maximum_event_age_in_seconds == null || try(var.async_maximum_event_age_in_seconds >= 60 && var.async_maximum_event_age_in_seconds <= 21600 && floor(var.async_maximum_event_age_in_seconds) == var.async_maximum_event_age_in_seconds, false)
    error_message = "The maximum event age must be null or a whole number of seconds from 60 to 21600."
  }
}

variable "async_on_failure_destination_arn" {
  description = "SQS queue or SNS topic ARN that receives each asynchronous invocation that failed every retry or grew too old (the invocation record holds the event: for push runs, the delivery with its log lines, so Pix keys in clear; protect it like the logs). The function is allowed sqs:SendMessage or sns:Publish on it. null: none (the AsyncEventsDropped alarm still tells)."
  type        = string
  default     = null

  validation {
    condition     = var.async_on_failure_destination_arn == null || can(regex("^arn:aws[a-z-]*:(sqs|sns):[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_.-]{1,256}$", var.async_on_failure_destination_arn))
    error_message = "The on-failure destination must be an SQS queue or SNS topic ARN (arn:aws:sqs:REGION:ACCOUNT:NAME or arn:aws:sns:REGION:ACCOUNT:NAME)."
  }
}

################################################################################
# Alarms
################################################################################

variable "create_alarms" {
  description = "Create CloudWatch alarms: repeated function errors, no successful scheduled run, cursor lag, throttles, dropped asynchronous events (see Alarms)."
  type        = bool
  default     = false
}

variable "alarm_sns_topic_arns" {
  description = "SNS topics notified when an alarm fires and when it recovers."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for t in var.alarm_sns_topic_arns : can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$", t))])
    error_message = "Each alarm topic must be an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME)."
  }
}

variable "alarm_no_success_minutes" {
  description = "The no-success alarm fires when no run succeeded for this many minutes; repeated errors within it fire the errors alarm. null: three periods of a rate() schedule, at least 15 minutes (rounded up to whole periods). Required with a cron() schedule (a multiple of 5, at least twice the longest gap between its runs)."
  type        = number
  default     = null

  validation {
    condition     = var.alarm_no_success_minutes == null || try(var.alarm_no_success_minutes >= 2 && var.alarm_no_success_minutes <= 1440 && floor(var.alarm_no_success_minutes) == var.alarm_no_success_minutes, false)
    error_message = "The no-success window must be null or a whole number of minutes from 2 to 1440 (CloudWatch evaluates at most one day)."
  }
}

variable "alarm_cursor_lag_minutes" {
  description = "The cursor-lag alarm fires when the checkpoint stays more than this many minutes behind now (the handler's CursorLagSeconds metric) for two periods: catch-up is not keeping up. null: twice the no-success window, at least 60."
  type        = number
  default     = null

  validation {
    condition     = var.alarm_cursor_lag_minutes == null || try(var.alarm_cursor_lag_minutes >= 1 && var.alarm_cursor_lag_minutes <= 20160 && floor(var.alarm_cursor_lag_minutes) == var.alarm_cursor_lag_minutes, false)
    error_message = "The cursor lag threshold must be null or a whole number of minutes from 1 to 20160."
  }
}
