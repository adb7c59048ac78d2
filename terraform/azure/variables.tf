variable "name" {
  type        = string
  description = "Name of the Function App; also the prefix of the plan, Application Insights and subscriptions. Globally unique (it becomes NAME.azurewebsites.net)."

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{1,30}[a-z0-9]$", var.name))
    error_message = "name must be 3-32 lowercase letters, digits or '-'."
  }
}

variable "resource_group_name" {
  type        = string
  description = "Existing resource group the Function App, storage, Key Vault and Application Insights are created in."
}

variable "location" {
  type        = string
  description = "Azure region of the Function App and its resources, e.g. westeurope."
}

variable "watched_resource_group_names" {
  type        = list(string)
  description = "Resource groups whose container groups are watched: each gets an Event Grid system topic and the function's identity gets Reader on it."

  validation {
    condition     = length(var.watched_resource_group_names) > 0
    error_message = "Watch at least one resource group."
  }
}

variable "package_path" {
  type        = string
  description = "Path of the zip built by `make dist` (host.json, AciEvent/, AciScan/ and the linux/amd64 binary `handler`). Null means dist/azure.zip at the root of this repository."
  default     = null
}

variable "deploy_package" {
  type        = bool
  description = "Deploy the package during apply with `az functionapp deployment source config-zip` (Flex Consumption's OneDeploy; needs the Azure CLI logged in to the subscription). Turn off only when a pipeline deploys the code: the Event Grid subscriptions are created once the AciEvent function exists."
  default     = true
}

variable "instance_memory_mb" {
  type        = number
  description = "Memory of each Flex Consumption instance in MB: 512, 2048 or 4096."
  default     = 512

  validation {
    condition     = contains([512, 2048, 4096], var.instance_memory_mb)
    error_message = "instance_memory_mb must be 512, 2048 or 4096."
  }
}

variable "maximum_instance_count" {
  type        = number
  description = "Most Flex Consumption instances the app scales out to (1-1000)."
  default     = 40

  validation {
    condition     = var.maximum_instance_count >= 1 && var.maximum_instance_count <= 1000
    error_message = "maximum_instance_count must be between 1 and 1000."
  }
}

variable "always_ready_instances" {
  type        = number
  description = "Always-ready instances for the AciEvent function: no cold start before a failure reaches Slack, billed while idle. 0 scales to zero."
  default     = 0

  validation {
    condition     = var.always_ready_instances >= 0
    error_message = "always_ready_instances cannot be negative."
  }
}

variable "storage_account_name" {
  type        = string
  description = "Name of the storage account the module creates (Functions runtime, dead letters, dedup table): 3-24 lowercase letters and digits, globally unique."

  validation {
    condition     = can(regex("^[a-z0-9]{3,24}$", var.storage_account_name))
    error_message = "storage_account_name must be 3-24 lowercase letters and digits."
  }
}

variable "key_vault_name" {
  type        = string
  description = "Name of the Key Vault the module creates for the Slack token: 3-24 letters, digits or '-', globally unique."
}

variable "slack_channel" {
  type        = string
  description = "Slack channel ID (C0123...) or name the bot posts to."
}

variable "slack_bot_token" {
  type        = string
  description = "Optional Slack bot token (xoxb-...) to store in the Key Vault secret. It is kept in Terraform state (marked sensitive); leave null and set it with `az keyvault secret set` to keep it out of state."
  default     = null
  sensitive   = true
}

variable "scan_schedule" {
  type        = string
  description = "NCRONTAB schedule (six fields, with seconds) of the AciScan timer that finds crash loops, OOM kills and Failed container groups, which raise no Event Grid event."
  default     = "0 */5 * * * *"

  validation {
    condition     = length(split(" ", var.scan_schedule)) == 6
    error_message = "scan_schedule is an NCRONTAB expression with six fields: {second} {minute} {hour} {day} {month} {day-of-week}."
  }
}

variable "table_state_enabled" {
  type        = bool
  description = "Keep dedup and grouping state in an Azure Table (TRACEGRID_TABLE_ENDPOINT/TRACEGRID_TABLE_NAME). Off keeps it in memory per instance only."
  default     = true
}

variable "activity_log_reader_enabled" {
  type        = bool
  description = "Create a custom role with the single action Microsoft.Insights/eventtypes/values/read and assign it to the function at subscription scope, so it can read the ARM error of a failed write from the Activity Log. Needs permission to create role definitions in the subscription."
  default     = true
}

variable "enrich" {
  type        = bool
  description = "Read the container group's instance view, logs and Activity Log entry from ARM (TRACEGRID_ENRICH)."
  default     = true
}

variable "dry_run" {
  type        = bool
  description = "Log the Slack payload instead of posting it (TRACEGRID_DRY_RUN)."
  default     = false
}

variable "max_delivery_attempts" {
  type        = number
  description = "Event Grid delivery attempts before an event is dead-lettered to blob storage."
  default     = 10
}

variable "event_time_to_live_minutes" {
  type        = number
  description = "Minutes Event Grid keeps retrying an event (1-1440) before dead-lettering it."
  default     = 1440
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the Log Analytics workspace behind Application Insights, in days (30-730)."
  default     = 30
}

variable "app_settings" {
  type        = map(string)
  description = "Extra app settings (routing, mentions). The module's own settings win on a clash."
  default     = {}
}

variable "tags" {
  type        = map(string)
  description = "Tags for every resource the module creates."
  default     = {}
}

variable "registry_check" {
  type        = bool
  description = "Ask the registry whether the image of a pull failure exists before naming the cause: ACR with the function's identity, public registries anonymously (TRACEGRID_VERIFY)."
  default     = true
}

variable "acr_registry_ids" {
  type        = list(string)
  description = "Resource IDs of the container registries the registry check may read (a pull role is granted on each). Empty grants none: ACR checks then say they could not be made."
  default     = []
}

variable "acr_role" {
  type        = string
  description = "Role granted on each registry in acr_registry_ids: AcrPull, or Container Registry Repository Reader for ABAC-enabled registries."
  default     = "AcrPull"
}
