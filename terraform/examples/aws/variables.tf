variable "region" {
  type        = string
  description = "AWS region of the ECS clusters to watch."
}

variable "cluster_arns" {
  type        = list(string)
  description = "ECS cluster ARNs to watch; empty watches every cluster in the region."
  default     = []
}

variable "slack_channel" {
  type        = string
  description = "Slack channel ID the bot posts to."
}
