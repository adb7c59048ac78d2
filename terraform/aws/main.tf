data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  package_path = coalesce(var.package_path, "${path.module}/../../dist/ecs.zip")

  arn_prefix = "arn:${data.aws_partition.current.partition}"
  region     = data.aws_region.current.region
  account_id = data.aws_caller_identity.current.account_id

  slack_secret_arn = coalesce(var.slack_secret_arn, one(aws_secretsmanager_secret.slack[*].arn))

  # CloudWatch Logs groups the function may read the crash tail from.
  task_log_group_arns = length(var.task_log_group_names) == 0 ? [
    "${local.arn_prefix}:logs:${local.region}:${local.account_id}:log-group:*",
    ] : [
    for n in var.task_log_group_names : "${local.arn_prefix}:logs:${local.region}:${local.account_id}:log-group:${n}:*"
  ]
}

# ---- Function -------------------------------------------------------------------------------

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/lambda/${var.name}"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_lambda_function" "this" {
  function_name    = var.name
  description      = "Tracegrid: names the root cause of failed ECS tasks and posts the fix to Slack"
  role             = aws_iam_role.this.arn
  filename         = local.package_path
  source_code_hash = filebase64sha256(local.package_path)
  runtime          = "provided.al2023"
  architectures    = ["arm64"]
  handler          = "bootstrap"
  memory_size      = var.memory_size
  timeout          = var.timeout

  environment {
    variables = merge(var.environment, {
      SLACK_SECRET_ARN         = local.slack_secret_arn
      SLACK_CHANNEL            = var.slack_channel
      TRACEGRID_DYNAMODB_TABLE = aws_dynamodb_table.dedup.name
      TRACEGRID_ENRICH         = var.enrich ? "on" : "off"
      TRACEGRID_VERIFY         = var.registry_check ? "on" : "off"
      TRACEGRID_DRY_RUN        = var.dry_run ? "1" : "0"
    })
  }

  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.this.name
  }

  tags = var.tags

  depends_on = [aws_iam_role_policy.this, aws_iam_role_policy.registry_check]
}

# EventBridge invokes asynchronously: Lambda retries a returned error (a transient Slack
# failure) and then sends the event to the queue.
resource "aws_lambda_function_event_invoke_config" "this" {
  function_name                = aws_lambda_function.this.function_name
  maximum_retry_attempts       = var.maximum_retry_attempts
  maximum_event_age_in_seconds = 21600

  destination_config {
    on_failure {
      destination = aws_sqs_queue.dlq.arn
    }
  }
}

# ---- Dead letters, dedup state, Slack secret ------------------------------------------------

resource "aws_sqs_queue" "dlq" {
  name                      = "${var.name}-dlq"
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true
  tags                      = var.tags
}

data "aws_iam_policy_document" "dlq" {
  statement {
    sid       = "EventBridgeDeadLetters"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.dlq.arn]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [for r in aws_cloudwatch_event_rule.ecs : r.arn]
    }
  }
}

resource "aws_sqs_queue_policy" "dlq" {
  queue_url = aws_sqs_queue.dlq.id
  policy    = data.aws_iam_policy_document.dlq.json
}

resource "aws_dynamodb_table" "dedup" {
  name         = "${var.name}-state"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"

  attribute {
    name = "pk"
    type = "S"
  }

  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  tags = var.tags
}

resource "aws_secretsmanager_secret" "slack" {
  count = var.slack_secret_arn == null ? 1 : 0

  name_prefix             = "${var.name}-slack-"
  description             = "Slack bot token (xoxb-...) or incoming webhook URL for ${var.name}"
  recovery_window_in_days = 7
  tags                    = var.tags
}

resource "aws_secretsmanager_secret_version" "slack" {
  count = var.slack_secret_arn == null && nonsensitive(var.slack_token != null) ? 1 : 0

  secret_id     = aws_secretsmanager_secret.slack[0].id
  secret_string = var.slack_token
}

# ---- Execution role: exactly what the function calls ---------------------------------------

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  name_prefix        = "${var.name}-"
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "permissions" {
  statement {
    sid       = "OwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this.arn}:*"]
  }

  # DescribeTaskDefinition supports no resource-level permissions: "*" is the only resource.
  statement {
    sid       = "EnrichTaskDefinition"
    actions   = ["ecs:DescribeTaskDefinition"]
    resources = ["*"]
  }

  statement {
    sid       = "EnrichLogTail"
    actions   = ["logs:GetLogEvents"]
    resources = local.task_log_group_arns
  }

  statement {
    sid       = "DedupState"
    actions   = ["dynamodb:GetItem", "dynamodb:PutItem"]
    resources = [aws_dynamodb_table.dedup.arn]
  }

  statement {
    sid       = "SlackSecret"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [local.slack_secret_arn]
  }

  statement {
    sid       = "OnFailureDestination"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.dlq.arn]
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "tracegrid"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.permissions.json
}

# ---- Registry check -------------------------------------------------------------------------

# Before naming a pull cause, the function asks ECR whether the image exists
# (ecr:DescribeImages: metadata only, no pull). Off with registry_check = false.
locals {
  ecr_repository_arns = length(var.ecr_repository_arns) == 0 ? [
    "${local.arn_prefix}:ecr:${local.region}:${local.account_id}:repository/*",
  ] : var.ecr_repository_arns
}

data "aws_iam_policy_document" "registry_check" {
  statement {
    sid       = "RegistryCheck"
    actions   = ["ecr:DescribeImages"]
    resources = local.ecr_repository_arns
  }
}

resource "aws_iam_role_policy" "registry_check" {
  count  = var.registry_check ? 1 : 0
  name   = "tracegrid-registry-check"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.registry_check.json
}
