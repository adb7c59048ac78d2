variable "name" {
  type        = string
  description = "Name of the Lambda function; also the prefix of every resource the module creates."
  default     = "tracegrid-ecs"

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,48}$", var.name))
    error_message = "name must be 1-48 letters, digits, '-' or '_' (it prefixes queue, table and rule names)."
  }
}

variable "package_path" {
  type        = string
  description = "Path of the Lambda zip built by `make dist` (holds the linux/arm64 binary `bootstrap`). Null means dist/ecs.zip at the root of this repository."
  default     = null
}

variable "cluster_arns" {
  type        = list(string)
  description = "ECS cluster ARNs to watch. Empty watches every cluster in the account and region."
  default     = []

  validation {
    condition     = alltrue([for arn in var.cluster_arns : can(regex("^arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:cluster/[A-Za-z0-9_-]+$", arn))])
    error_message = "cluster_arns must be cluster ARNs like arn:aws:ecs:us-east-1:111122223333:cluster/prod."
  }
}

variable "slack_channel" {
  type        = string
  description = "Slack channel ID (C0123...) or name the bot posts to. Ignored when the secret holds an incoming webhook URL."
  default     = ""
}

variable "slack_secret_arn" {
  type        = string
  description = "ARN of an existing Secrets Manager secret whose value is a Slack bot token (xoxb-...) or an incoming webhook URL. Null creates an empty secret for you to fill (see README)."
  default     = null
}

variable "slack_token" {
  type        = string
  description = "Optional Slack bot token or webhook URL to store in the secret the module creates. It is kept in Terraform state (marked sensitive); leave null and put the value with the AWS CLI to keep it out of state."
  default     = null
  sensitive   = true
}

variable "enrich" {
  type        = bool
  description = "Read the task definition and the crashed container's log tail from the ECS and CloudWatch Logs APIs (TRACEGRID_ENRICH)."
  default     = true
}

variable "dry_run" {
  type        = bool
  description = "Log the Slack payload instead of posting it (TRACEGRID_DRY_RUN)."
  default     = false
}

variable "task_log_group_names" {
  type        = list(string)
  description = "CloudWatch Logs groups (awslogs-group of your task definitions) the function may read for the crash tail. Empty allows every log group in the account and region."
  default     = []
}

variable "environment" {
  type        = map(string)
  description = "Extra environment variables for the function (routing, mentions). The module's own settings win on a clash."
  default     = {}
}

variable "memory_size" {
  type        = number
  description = "Lambda memory in MB."
  default     = 128
}

variable "timeout" {
  type        = number
  description = "Lambda timeout in seconds (enrichment plus the Slack call)."
  default     = 30
}

variable "maximum_retry_attempts" {
  type        = number
  description = "Times Lambda retries a failed asynchronous invocation (0-2) before it goes to the on-failure queue."
  default     = 2
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the function's CloudWatch log group, in days."
  default     = 30
}

variable "tags" {
  type        = map(string)
  description = "Tags for every resource the module creates."
  default     = {}
}

variable "registry_check" {
  type        = bool
  description = "Ask the registry whether the image of a pull failure exists before naming the cause: ECR through ecr:DescribeImages, public registries anonymously (TRACEGRID_VERIFY)."
  default     = true
}

variable "ecr_repository_arns" {
  type        = list(string)
  description = "ECR repositories the registry check may describe. Empty allows every repository of the account in the function's region; a repository in another account also needs its repository policy to allow ecr:DescribeImages to the function's role."
  default     = []
}
