output "function_name" {
  description = "Name of the Cloud Function."
  value       = google_cloudfunctions2_function.this.name
}

output "function_service_account" {
  description = "Email of the service account the function runs as."
  value       = google_service_account.runtime.email
}

output "topic_id" {
  description = "Pub/Sub topic the log sink publishes Kubernetes warnings and pod Started events to."
  value       = google_pubsub_topic.events.id
}

output "log_sink_writer_identity" {
  description = "Identity the log sink writes as (granted publisher on the topic)."
  value       = google_logging_project_sink.events.writer_identity
}

output "log_filter" {
  description = "Cloud Logging filter of the sink."
  value       = local.log_filter
}

output "dead_letter_topic_id" {
  description = "Pub/Sub topic receiving the messages the function kept failing on."
  value       = google_pubsub_topic.dead_letter.id
}

output "push_subscription_id" {
  description = "Pub/Sub push subscription delivering the topic's messages to the function, with retries and the dead-letter topic."
  value       = google_pubsub_subscription.push.id
}

output "dead_letter_subscription_id" {
  description = "Subscription holding the dead letters (pull them with `gcloud pubsub subscriptions pull`)."
  value       = google_pubsub_subscription.dead_letter.id
}

output "state_bucket" {
  description = "Cloud Storage bucket holding dedup state, or null."
  value       = one(google_storage_bucket.state[*].name)
}

output "slack_secret_id" {
  description = "Secret Manager secret whose latest version the function reads as the Slack token (the ID, never the value)."
  value       = google_secret_manager_secret.slack.secret_id
}
