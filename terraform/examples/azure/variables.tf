variable "subscription_id" {
  type        = string
  description = "Azure subscription to deploy into (and whose container groups are watched)."
}

variable "location" {
  type        = string
  description = "Azure region of the Function App, e.g. westeurope."
}

variable "name" {
  type        = string
  description = "Globally unique Function App name."
}

variable "storage_account_name" {
  type        = string
  description = "Globally unique storage account name (3-24 lowercase letters and digits)."
}

variable "key_vault_name" {
  type        = string
  description = "Globally unique Key Vault name."
}

variable "watched_resource_group_names" {
  type        = list(string)
  description = "Resource groups whose container groups are watched."
}

variable "slack_channel" {
  type        = string
  description = "Slack channel ID the bot posts to."
}
