output "function_name" {
  description = "Cloud Function that receives the Kubernetes warnings."
  value       = module.tracegrid.function_name
}

output "slack_secret_id" {
  description = "Secret Manager secret holding the Slack bot token."
  value       = module.tracegrid.slack_secret_id
}

output "eventarc_trigger" {
  description = "Eventarc trigger whose subscription gets the dead-letter topic."
  value       = module.tracegrid.eventarc_trigger
}

output "dead_letter_topic_id" {
  description = "Topic to set as the dead-letter topic of the trigger's subscription."
  value       = module.tracegrid.dead_letter_topic_id
}
