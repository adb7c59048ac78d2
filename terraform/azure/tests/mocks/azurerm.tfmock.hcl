# Mocked azurerm values shared by the module's and the example's terraform tests: the client,
# the ids, endpoints and URIs the wiring assertions compare.
mock_data "azurerm_client_config" {
  defaults = {
    tenant_id       = "11111111-1111-1111-1111-111111111111"
    subscription_id = "22222222-2222-2222-2222-222222222222"
    object_id       = "33333333-3333-3333-3333-333333333333"
  }
}
mock_data "azurerm_resource_group" {
  defaults = {
    id = "/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/apps"
  }
}
mock_resource "azurerm_log_analytics_workspace" {
  defaults = { id = "/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/tracegrid-logs" }
}
mock_resource "azurerm_application_insights" {
  defaults = { id = "/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg/providers/Microsoft.Insights/components/tracegrid-ai", connection_string = "InstrumentationKey=00000000-0000-0000-0000-000000000000" }
}
mock_resource "azurerm_storage_account" {
  defaults = { id = "/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/tracegridst", primary_table_endpoint = "https://tracegridst.table.core.windows.net/", primary_blob_endpoint = "https://tracegridst.blob.core.windows.net/", primary_access_key = "a2V5" }
}
mock_resource "azurerm_storage_container" {
  defaults = { id = "/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/tracegridst/blobServices/default/containers/c" }
}
mock_resource "azurerm_service_plan" {
  defaults = { id = "/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg/providers/Microsoft.Web/serverFarms/tracegrid-plan" }
}
mock_resource "azurerm_eventgrid_system_topic" {
  defaults = { id = "/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg/providers/Microsoft.EventGrid/systemTopics/t" }
}
mock_resource "azurerm_key_vault" {
  defaults = {
    vault_uri = "https://tracegrid-kv.vault.azure.net/"
    id        = "/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/tracegrid-kv"
  }
}
mock_resource "azurerm_function_app_flex_consumption" {
  defaults = {
    id = "/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg/providers/Microsoft.Web/sites/tracegrid"
  }
}
mock_resource "azurerm_role_definition" {
  defaults = { role_definition_resource_id = "/subscriptions/22222222-2222-2222-2222-222222222222/providers/Microsoft.Authorization/roleDefinitions/55555555-5555-5555-5555-555555555555" }
}
