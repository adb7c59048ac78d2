output "function_app_name" {
  description = "Function App that receives the Event Grid events and runs the scan."
  value       = module.tracegrid.function_app_name
}

output "key_vault_name" {
  description = "Key Vault to set the Slack bot token in."
  value       = module.tracegrid.key_vault_name
}

output "slack_secret_name" {
  description = "Name of the Key Vault secret to set."
  value       = module.tracegrid.slack_secret_name
}
