variable "project_id" {
  type        = string
  description = "Project running the GKE clusters to watch."
}

variable "region" {
  type        = string
  description = "Region of the function, e.g. europe-west1."
}

variable "cluster_names" {
  type        = list(string)
  description = "GKE cluster names to watch; empty watches every cluster in the project."
  default     = []
}

variable "slack_channel" {
  type        = string
  description = "Slack channel ID the bot posts to."
}
