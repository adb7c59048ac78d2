output "function_name" {
  description = "Name of the Lambda function."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "ARN of the Lambda function."
  value       = aws_lambda_function.this.arn
}

output "log_group_name" {
  description = "CloudWatch log group holding the function's structured log lines."
  value       = aws_cloudwatch_log_group.this.name
}

output "rule_arns" {
  description = "EventBridge rule ARNs, by pattern name."
  value       = { for k, r in aws_cloudwatch_event_rule.ecs : k => r.arn }
}

output "dead_letter_queue_url" {
  description = "SQS queue holding events that could not be delivered or processed."
  value       = aws_sqs_queue.dlq.url
}

output "dedup_table_name" {
  description = "DynamoDB table holding dedup and grouping state."
  value       = aws_dynamodb_table.dedup.name
}

output "slack_secret_arn" {
  description = "ARN of the Secrets Manager secret the function reads the Slack token or webhook URL from (the ARN, never the value)."
  value       = local.slack_secret_arn
}
