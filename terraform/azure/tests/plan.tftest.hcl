# Plans and applies this module against a mocked azurerm 5.x: the real provider validates every
# resource's configuration and nothing reaches Azure. Needs the azurerm provider binary (see the
# README); not part of `make test`. From terraform/azure: terraform init && terraform test
mock_provider "azurerm" {
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
    defaults = { id = "/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/tracegridst", primary_table_endpoint = "https://tracegridst.table.core.windows.net/", primary_access_key = "a2V5" }
  }
  mock_resource "azurerm_storage_container" {
    defaults = { id = "/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/tracegridst/blobServices/default/containers/c" }
  }
  mock_resource "azurerm_storage_blob" {
    defaults = { url = "https://tracegridst.blob.core.windows.net/function-packages/azure.zip" }
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
  mock_resource "azurerm_linux_function_app" {
    defaults = {
      id = "/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg/providers/Microsoft.Web/sites/tracegrid"
    }
  }
}

variables {
  name                         = "tracegrid"
  resource_group_name          = "rg"
  location                     = "westeurope"
  watched_resource_group_names = ["apps", "batch"]
  storage_account_name         = "tracegridst"
  key_vault_name               = "tracegrid-kv"
  slack_channel                = "C0123456789"
  package_path                 = "tests/empty.zip" # only its hash is read
}

run "without_token" {
  command = apply

  assert {
    condition     = length(azurerm_eventgrid_system_topic.watched) == 2
    error_message = "one system topic per watched resource group"
  }
  assert {
    condition     = length(azurerm_key_vault_secret.slack) == 0
    error_message = "no secret written without a token"
  }
  assert {
    condition     = azurerm_linux_function_app.this.app_settings["SLACK_BOT_TOKEN"] == "@Microsoft.KeyVault(SecretUri=https://tracegrid-kv.vault.azure.net/secrets/slack-bot-token)"
    error_message = "Key Vault reference: ${azurerm_linux_function_app.this.app_settings["SLACK_BOT_TOKEN"]}"
  }
  assert {
    condition     = azurerm_eventgrid_system_topic_event_subscription.aci["apps"].azure_function_endpoint[0].function_id == "/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg/providers/Microsoft.Web/sites/tracegrid/functions/AciEvent"
    error_message = "function id"
  }
  assert {
    condition     = azurerm_eventgrid_system_topic_event_subscription.aci["apps"].subject_filter[0].subject_begins_with == "/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/apps/providers/Microsoft.ContainerInstance/containerGroups"
    error_message = "subject filter"
  }
  assert {
    condition     = azurerm_linux_function_app.this.app_settings["TRACEGRID_RESOURCE_GROUPS"] == "apps,batch"
    error_message = "resource groups"
  }
}

run "with_token" {
  command = apply
  variables {
    slack_bot_token = "xoxb-test"
  }
  assert {
    condition     = length(azurerm_key_vault_secret.slack) == 1 && length(azurerm_role_assignment.deployer_secrets) == 1
    error_message = "secret written with a token"
  }
}
