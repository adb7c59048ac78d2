output "function_name" {
  description = "Lambda function that receives the ECS events."
  value       = module.tracegrid.function_name
}

output "slack_secret_arn" {
  description = "Secret to put the Slack bot token or webhook URL into."
  value       = module.tracegrid.slack_secret_arn
}

output "dead_letter_queue_url" {
  description = "Queue holding events that could not be processed."
  value       = module.tracegrid.dead_letter_queue_url
}
