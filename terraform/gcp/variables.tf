variable "project_id" {
  type        = string
  description = "Project the function runs in and whose GKE clusters are watched."
}

variable "region" {
  type        = string
  description = "Region of the function, its trigger and its buckets, e.g. europe-west1."
}

variable "name" {
  type        = string
  description = "Name of the function; also the prefix of the topics, sink, buckets, secret and service accounts."
  default     = "tracegrid-gke"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,20}$", var.name))
    error_message = "name must be 3-21 lowercase letters, digits or '-', starting with a letter (it prefixes service account IDs)."
  }
}

variable "package_path" {
  type        = string
  description = "Path of the source zip built by `make dist` (package functions/gke registering the CloudEvent function Handler). Null means dist/gke.zip at the root of this repository."
  default     = null
}

variable "go_runtime" {
  type        = string
  description = "Cloud Functions Go runtime ID: go127 is the newest in late 2026 (deprecated Aug/Sept 2027); go126 also builds this module (go.mod asks for Go 1.26)."
  default     = "go127"
}

variable "cluster_names" {
  type        = list(string)
  description = "GKE cluster names to watch. Empty watches every cluster in the project."
  default     = []
}

variable "slack_channel" {
  type        = string
  description = "Slack channel ID (C0123...) or name the bot posts to."
}

variable "slack_bot_token" {
  type        = string
  description = "Optional Slack bot token (xoxb-...) to store as the first secret version. It is kept in Terraform state (marked sensitive); leave null and add the version with `gcloud secrets versions add` to keep it out of state."
  default     = null
  sensitive   = true
}

variable "state_bucket_enabled" {
  type        = bool
  description = "Keep dedup and grouping state in a Cloud Storage bucket (TRACEGRID_GCS_BUCKET). Off keeps it in memory per instance only."
  default     = true
}

variable "state_retention_days" {
  type        = number
  description = "Days after which the state bucket's lifecycle rule deletes state objects; at least the longest state TTL (2 days for seen deliveries, TRACEGRID_INCIDENT_WINDOW plus an hour for incidents)."
  default     = 7

  validation {
    condition     = var.state_retention_days >= 2
    error_message = "state_retention_days must be at least 2: seen deliveries are kept 48 hours."
  }
}

variable "dry_run" {
  type        = bool
  description = "Log the Slack payload instead of posting it (TRACEGRID_DRY_RUN)."
  default     = false
}

variable "max_instance_count" {
  type        = number
  description = "Upper bound of function instances."
  default     = 5
}

variable "max_delivery_attempts" {
  type        = number
  description = "Pub/Sub deliveries of a message (the first and the retries after a non-2xx answer) before it goes to the dead-letter topic: 5-100."
  default     = 10

  validation {
    condition     = var.max_delivery_attempts >= 5 && var.max_delivery_attempts <= 100
    error_message = "max_delivery_attempts must be between 5 and 100 (Pub/Sub's dead_letter_policy limits)."
  }
}

variable "retry_minimum_backoff" {
  type        = string
  description = "First wait before Pub/Sub redelivers a message the function failed on; the wait doubles up to 600s. A duration in seconds, e.g. \"10s\"."
  default     = "10s"
}

variable "dead_letter_retention" {
  type        = string
  description = "How long the dead-letter subscription keeps messages, as a duration in seconds (e.g. \"604800s\")."
  default     = "604800s"
}

variable "environment" {
  type        = map(string)
  description = "Extra environment variables for the function (routing, mentions). The module's own settings win on a clash."
  default     = {}
}

variable "labels" {
  type        = map(string)
  description = "Labels for every resource the module creates that takes labels."
  default     = {}
}

variable "registry_check" {
  type        = bool
  description = "Ask the registry whether the image of a pull failure exists before naming the cause: Artifact Registry and gcr.io with the function's service account, public registries anonymously (TRACEGRID_VERIFY)."
  default     = true
}

variable "artifact_registry_repositories" {
  type = list(object({
    project    = string
    location   = string
    repository = string
  }))
  description = "Artifact Registry repositories (gcr.io ones included) the registry check may read; Artifact Registry Reader is granted on each. Empty grants none: checks of private repositories then say they could not be made."
  default     = []
}
