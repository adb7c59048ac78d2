output "function_app_name" {
  description = "Name of the Function App."
  value       = azurerm_function_app_flex_consumption.this.name
}

output "function_app_id" {
  description = "Resource ID of the Function App."
  value       = azurerm_function_app_flex_consumption.this.id
}

output "principal_id" {
  description = "Object ID of the Function App's system-assigned identity (Reader on the watched resource groups)."
  value       = azurerm_function_app_flex_consumption.this.identity[0].principal_id
}

output "key_vault_name" {
  description = "Key Vault holding the Slack token secret (set it with `az keyvault secret set`)."
  value       = azurerm_key_vault.this.name
}

output "slack_secret_name" {
  description = "Name of the Key Vault secret the SLACK_BOT_TOKEN app setting references (the name, never the value)."
  value       = local.slack_secret_name
}

output "application_insights_name" {
  description = "Application Insights resource receiving the function's logs."
  value       = azurerm_application_insights.this.name
}

output "system_topic_ids" {
  description = "Event Grid system topic IDs, by watched resource group."
  value       = { for k, t in azurerm_eventgrid_system_topic.watched : k => t.id }
}

output "dead_letter_container" {
  description = "Blob container receiving events Event Grid could not deliver."
  value       = "${azurerm_storage_account.this.name}/${azurerm_storage_container.deadletter.name}"
}
