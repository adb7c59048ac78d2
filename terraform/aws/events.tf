# EventBridge rules. The patterns live in patterns/*.json, the one place both these rules and
# the Go tests (terraform_test.go) read them from; the tests also evaluate rule_patterns below
# and match the result against real ECS events.

locals {
  event_patterns = {
    for f in fileset("${path.module}/patterns", "*.json") :
    trimsuffix(f, ".json") => jsondecode(file("${path.module}/patterns/${f}"))
  }

  # The optional cluster filter. Task and service-action events carry detail.clusterArn;
  # deployment events name the cluster only in resources[0] (…:service/CLUSTER/SERVICE).
  rule_patterns = {
    for name, p in local.event_patterns : name => (
      length(var.cluster_arns) == 0 ? jsonencode(p) :
      contains(p["detail-type"], "ECS Deployment State Change") ? jsonencode(merge(p, {
        resources = [for arn in var.cluster_arns : { prefix = "${replace(arn, ":cluster/", ":service/")}/" }]
      })) :
      jsonencode(merge(p, { detail = merge(p.detail, { clusterArn = var.cluster_arns }) }))
    )
  }
}

resource "aws_cloudwatch_event_rule" "ecs" {
  for_each = local.rule_patterns

  name          = "${var.name}-${each.key}"
  description   = "Tracegrid: ECS ${each.key} events to ${var.name}"
  event_pattern = each.value
  state         = "ENABLED"
  tags          = var.tags
}

resource "aws_cloudwatch_event_target" "ecs" {
  for_each = aws_cloudwatch_event_rule.ecs

  rule      = each.value.name
  target_id = "tracegrid"
  arn       = aws_lambda_function.this.arn

  retry_policy {
    maximum_event_age_in_seconds = 3600
    maximum_retry_attempts       = 24
  }

  # Events EventBridge could not deliver to the function (throttled, deleted, no permission).
  dead_letter_config {
    arn = aws_sqs_queue.dlq.arn
  }
}

resource "aws_lambda_permission" "events" {
  for_each = aws_cloudwatch_event_rule.ecs

  statement_id  = "AllowEventBridge-${each.key}"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this.function_name
  principal     = "events.amazonaws.com"
  source_arn    = each.value.arn
}
