# Plans and applies this module against a mocked azurerm 5.x: the real provider's schema checks
# every resource's configuration and nothing reaches Azure. Needs the azurerm provider binary (see
# the README); not part of `make test`. From terraform/azure: terraform init && terraform test
mock_provider "azurerm" {
  source = "./tests/mocks"
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
  deploy_package               = false             # the CLI deployment is a provisioner: see run "deploys_the_package"
}

run "without_token" {
  command = apply

  assert {
    condition     = azurerm_service_plan.this.sku_name == "FC1" && azurerm_function_app_flex_consumption.this.runtime_name == "custom"
    error_message = "Flex Consumption plan running the custom handler"
  }
  assert {
    condition     = azurerm_function_app_flex_consumption.this.storage_container_endpoint == "https://tracegridst.blob.core.windows.net/function-deployment"
    error_message = "deployment container: ${azurerm_function_app_flex_consumption.this.storage_container_endpoint}"
  }
  assert {
    condition     = length(azurerm_eventgrid_system_topic.watched) == 2
    error_message = "one system topic per watched resource group"
  }
  # The trigger reaches the function.
  assert {
    condition     = azurerm_eventgrid_system_topic_event_subscription.aci["apps"].azure_function_endpoint[0].function_id == "/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg/providers/Microsoft.Web/sites/tracegrid/functions/AciEvent"
    error_message = "function id"
  }
  assert {
    condition     = azurerm_eventgrid_system_topic_event_subscription.aci["apps"].subject_filter[0].subject_begins_with == "/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/apps/providers/Microsoft.ContainerInstance/containerGroups"
    error_message = "subject filter"
  }
  # The dead-letter target is set.
  assert {
    condition     = azurerm_eventgrid_system_topic_event_subscription.aci["batch"].storage_blob_dead_letter_destination[0].storage_blob_container_name == "eventgrid-deadletter" && azurerm_eventgrid_system_topic_event_subscription.aci["batch"].retry_policy[0].max_delivery_attempts == 10
    error_message = "dead letters and retries"
  }
  # The identity has exactly the roles the code needs.
  assert {
    condition     = toset([for r in azurerm_role_assignment.reader : r.role_definition_name]) == toset(["Reader"]) && length(azurerm_role_assignment.reader) == 2
    error_message = "Reader on each watched resource group"
  }
  assert {
    condition     = azurerm_role_assignment.secrets_user.role_definition_name == "Key Vault Secrets User" && azurerm_role_assignment.secrets_user.scope == azurerm_key_vault.this.id
    error_message = "Key Vault Secrets User on the vault"
  }
  assert {
    condition     = azurerm_role_assignment.table_state[0].role_definition_name == "Storage Table Data Contributor"
    error_message = "Table data on the state table's account"
  }
  assert {
    condition     = length(azurerm_role_definition.activity_log_reader[0].permissions[0].actions) == 1 && azurerm_role_definition.activity_log_reader[0].permissions[0].actions[0] == "Microsoft.Insights/eventtypes/values/read" && azurerm_role_assignment.activity_log_reader[0].principal_id == azurerm_function_app_flex_consumption.this.identity[0].principal_id
    error_message = "one-action Activity Log role for the function"
  }
  assert {
    condition     = length(azurerm_role_assignment.deployer_secrets) == 0
    error_message = "no deployer role without a token"
  }
  # The secret is never a plain app setting or an output.
  assert {
    condition     = length(azurerm_key_vault_secret.slack) == 0
    error_message = "no secret written without a token"
  }
  assert {
    condition     = azurerm_function_app_flex_consumption.this.app_settings["SLACK_BOT_TOKEN"] == "@Microsoft.KeyVault(SecretUri=https://tracegrid-kv.vault.azure.net/secrets/slack-bot-token)"
    error_message = "Key Vault reference: ${azurerm_function_app_flex_consumption.this.app_settings["SLACK_BOT_TOKEN"]}"
  }
  assert {
    condition     = !contains(keys(azurerm_function_app_flex_consumption.this.app_settings), "FUNCTIONS_WORKER_RUNTIME") && !contains(keys(azurerm_function_app_flex_consumption.this.app_settings), "WEBSITE_RUN_FROM_PACKAGE")
    error_message = "settings Flex Consumption rejects"
  }
  assert {
    condition     = azurerm_function_app_flex_consumption.this.app_settings["TRACEGRID_RESOURCE_GROUPS"] == "apps,batch"
    error_message = "resource groups"
  }
  assert {
    condition     = length(azurerm_function_app_flex_consumption.this.always_ready) == 0
    error_message = "scales to zero by default"
  }
}

run "with_token" {
  command = apply
  variables {
    slack_bot_token        = "xoxb-test"
    always_ready_instances = 1
  }
  assert {
    condition     = length(azurerm_key_vault_secret.slack) == 1 && length(azurerm_role_assignment.deployer_secrets) == 1
    error_message = "secret written with a token"
  }
  assert {
    condition     = azurerm_function_app_flex_consumption.this.app_settings["SLACK_BOT_TOKEN"] != "xoxb-test"
    error_message = "the token itself became an app setting"
  }
  assert {
    condition     = azurerm_function_app_flex_consumption.this.always_ready[0].name == "function:AciEvent" && azurerm_function_app_flex_consumption.this.always_ready[0].instance_count == 1
    error_message = "always-ready instance for AciEvent"
  }
}

# Planned only: applying would run the Azure CLI.
run "deploys_the_package" {
  command = plan
  variables {
    deploy_package = true
  }
  assert {
    condition     = length(terraform_data.package) == 1
    error_message = "the package is deployed during apply"
  }
}
