output "function_name" {
  description = "Cloud Function that receives the Kubernetes warnings."
  value       = module.tracegrid.function_name
}

output "slack_secret_id" {
  description = "Secret Manager secret holding the Slack bot token."
  value       = module.tracegrid.slack_secret_id
}

output "topic_id" {
  description = "Topic the log sink publishes to: publish a LogEntry here to try the install."
  value       = module.tracegrid.topic_id
}

output "dead_letter_subscription_id" {
  description = "Subscription holding the messages the function kept failing on."
  value       = module.tracegrid.dead_letter_subscription_id
}
